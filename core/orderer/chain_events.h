// ChainEvents: what a channel's ordering reports as it happens, for traces
// and metrics (the node wires it to core/trace and core/ops; tests may
// record it). Callbacks run on the channel's log and chain threads; they
// must be quick and must not call back into the channel.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/orderer/block_cutter.h"
#include "core/orderer/log_entry.h"

namespace loom::orderer {

struct LoggedEntry {
  uint64_t index = 0;
  LogEntry::Kind kind = LogEntry::kEnvelope;
  std::string tx_id;  // envelope entries
  uint64_t term = 0;  // the Raft term it was committed in (0 for solo)
  const char* consenter = "solo";
};

// A Raft channel's consensus state as this node sees it.
struct RaftStatus {
  uint64_t self_id = 0;
  bool is_leader = false;
  uint64_t leader_id = 0;  // 0 while no leader is known
  std::string leader_address;
  uint64_t term = 0;
  uint64_t commit_index = 0;
  uint64_t last_applied = 0;
  uint64_t leader_changes = 0;  // since the process started
  uint64_t cluster_size = 0;
  uint64_t snapshot_index = 0;   // last index covered by this node's latest snapshot
  uint64_t log_first_index = 0;  // first index still in the log (earlier ones truncated)
  uint64_t proposal_failures = 0;
};

struct WrittenBlock {
  const common::Block* block = nullptr;  // valid during the callback only
  CutReason reason = CutReason::kCount;
  std::vector<std::string> tx_ids;  // of block->data, in order
  uint64_t data_bytes = 0;
  // From the first envelope of the batch entering the cutter to the cut
  // (Fabric's blockcutter_block_fill_duration).
  std::chrono::nanoseconds fill_duration{0};
  std::chrono::system_clock::time_point cut_at;
  std::chrono::system_clock::time_point written_at;
};

class ChainEvents {
 public:
  virtual ~ChainEvents() = default;
  // Entries made durable in the log by one group commit (write + sync),
  // which took `sync_duration`.
  virtual void OnEntriesLogged(const std::string& channel, const std::vector<LoggedEntry>& entries,
                               std::chrono::nanoseconds sync_duration) = 0;
  virtual void OnBlockWritten(const std::string& channel, const WrittenBlock& block) = 0;
  // A Raft channel's state changed (role, leader, term, commit index).
  virtual void OnRaftStatus(const std::string& channel, const RaftStatus& status) {
    (void)channel;
    (void)status;
  }
};

}  // namespace loom::orderer
