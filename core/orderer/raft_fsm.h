// The Raft glue of one orderer channel on the libraft side: the snapshot
// format, the sink the state machine feeds, and the state machine itself.
//
// The Raft log is the channel's ordering log (docs/design/0002): each
// committed command is a LogEntry (EncodeLogEntry bytes) whose index is its
// Raft index. RaftChainFsm hands every committed entry to a RaftChainSink
// (the channel's chain thread, which cuts blocks with a ChainBuilder) and
// keeps a mirror of the block cutter — the same BlockCutter fed the same
// entries, without signing or storing — so that at every applied index it
// knows the chain's height, the log index the last block records and the
// pending batch. That mirror is the snapshot: a member that restores it
// pulls the blocks it misses from other orderers and re-applies the pending
// entries, and ends up where the chain is at the snapshot's index.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/orderer/block_cutter.h"
#include "core/orderer/log_entry.h"
#include "core/raft/raft_c.h"
#include "core/util/status.h"

namespace loom::orderer {

struct RaftSnapshotState {
  uint64_t applied_index = 0;         // last Raft index covered
  uint64_t height = 0;                // blocks 0..height-1 exist at applied_index
  uint64_t last_block_log_index = 0;  // log index recorded by block height-1
  // The envelope entries after that block, in log order, with their indexes
  // (the block cutter's pending batch).
  std::vector<LogEntry> pending;

  bool operator==(const RaftSnapshotState&) const = default;
};

// The marshalled loom.RaftSnapshot (core/proto/loom/raft_snapshot.proto).
std::string EncodeRaftSnapshot(const RaftSnapshotState& snapshot);

// InvalidArgument naming the field when the bytes are not a
// loom.RaftSnapshot or do not describe a chain: height 0, a pending entry
// that does not decode or is not an envelope, pending entries of different
// channels, indexes not increasing, not after last_block_log_index or
// after applied_index, or a genesis-only chain (height 1) whose
// last_block_log_index is not 0.
Result<RaftSnapshotState> DecodeRaftSnapshot(std::string_view bytes);

// A Raft command is a LogEntry framed for libraft:
//   u32 little-endian length | EncodeLogEntry bytes | zero padding
// to a multiple of 8 bytes, because libraft 0.15's network decoder steps
// over each entry padded to 8 bytes while its sender writes the entry
// unpadded — a command of any other length corrupts the follower's read.
std::string FrameRaftCommand(std::string_view encoded_entry);
std::string EncodeRaftCommand(const LogEntry& entry);
// InvalidArgument when the frame is short, its length runs past the end, or
// the entry inside does not decode.
Result<LogEntry> DecodeRaftCommand(std::string_view command);

// What the FSM hands to the channel's chain thread. Called on the loop
// thread (inside libraft's callbacks); must not block (queue and return).
class RaftChainSink {
 public:
  virtual ~RaftChainSink() = default;
  // A committed entry, in Raft index order; entry.index = its Raft index,
  // `term` = the term it was proposed in. Entries already in the chain the
  // FSM started from are handed over too (the ChainBuilder skips them).
  virtual void OnCommitted(LogEntry entry, uint64_t term) = 0;
  // A snapshot was restored (a lagging member got it from the leader, or at
  // start-up): the chain must first hold blocks 0..snapshot.height-1 (pull
  // the missing ones from other orderers), then apply `pending` (entries
  // after the last of those blocks) — then continue with OnCommitted.
  virtual void OnRestored(const RaftSnapshotState& snapshot) = 0;
  // A committed command that is not an entry of this channel (bytes that
  // do not decode, or another channel's entry) was skipped — the same on
  // every member, so nothing diverges — or (index 0) a snapshot was refused
  // because it is malformed or of another channel. For the node's log.
  virtual void OnSkipped(uint64_t /*index*/, const Status& /*why*/) {}
};

// The libraft FSM of one channel. Loop thread only (libraft calls it
// there); the accessors are for the same thread.
//
// apply: decodes the entry (index = raft_last_applied(r) + 1, since
// libraft raises last_applied only after apply returns), feeds the mirror,
// hands the entry to the sink, always returns 0 (an error would make
// libraft retry the same entry forever). snapshot: the mirror, encoded, in
// one raft_malloc'd buffer that libraft frees. restore: decodes the
// buffer, resets the mirror to it, frees the buffer (libraft hands its
// ownership over on success) and calls OnRestored; RAFT_MALFORMED for bytes
// that are not a snapshot of this channel (libraft keeps and frees them).
class RaftChainFsm {
 public:
  // `height`, `last_block_log_index`: from the channel's block store at
  // start (Height() and LastLogIndexOfBlock of its last block). `sink`
  // must outlive the FSM.
  RaftChainFsm(std::string channel_id, BatchConfig batch, uint64_t height, uint64_t last_block_log_index,
               RaftChainSink* sink);
  RaftChainFsm(const RaftChainFsm&) = delete;
  RaftChainFsm& operator=(const RaftChainFsm&) = delete;

  // Version 1 (apply, snapshot, restore); pass to raft_init.
  raft_fsm* fsm() { return &fsm_; }
  // The raft instance this FSM belongs to (for raft_last_applied and the
  // entries' terms). Before raft_start.
  void Attach(struct raft* r) { raft_ = r; }

  // The mirror: the number of the next block the chain will cut, whether a
  // batch is pending, and since when (the steady clock time at which the
  // first envelope of the pending batch was applied here; meaningful only
  // while has_pending()).
  uint64_t next_block_number() const { return next_block_number_; }
  bool has_pending() const { return !pending_.empty(); }
  size_t pending_count() const { return pending_.size(); }
  std::chrono::steady_clock::time_point pending_since() const { return pending_since_; }
  // The log index block next_block_number()-1 records.
  uint64_t last_block_log_index() const { return last_block_log_index_; }
  // The last entry index the mirror took into account.
  uint64_t last_applied_index() const { return last_applied_index_; }
  // Commands skipped because they were not entries of this channel.
  uint64_t skipped_entries() const { return skipped_entries_; }

  // What snapshot() encodes now (applied_index = raft_last_applied, or the
  // mirror's last index when not attached).
  RaftSnapshotState CurrentState() const;

 private:
  static int ApplyCallback(raft_fsm* fsm, const raft_buffer* buf, void** result);
  static int SnapshotCallback(raft_fsm* fsm, raft_buffer* bufs[], unsigned* n_bufs);
  static int RestoreCallback(raft_fsm* fsm, raft_buffer* buf);

  void Apply(std::string_view bytes);
  int Snapshot(raft_buffer* bufs[], unsigned* n_bufs);
  int Restore(raft_buffer* buf);
  // Feeds one entry of this channel to the mirror, exactly as
  // ChainBuilder::Apply treats it (entries <= last_applied_index_ skipped).
  void Mirror(const LogEntry& entry);
  // The term of the entry at `index` in the attached raft's log.
  uint64_t TermOf(uint64_t index) const;

  raft_fsm fsm_{};
  struct raft* raft_ = nullptr;
  const std::string channel_id_;
  const BatchConfig batch_;
  RaftChainSink* const sink_;

  BlockCutter cutter_;
  std::deque<LogEntry> pending_;  // the entries whose envelopes cutter_ holds
  std::chrono::steady_clock::time_point pending_since_{};
  uint64_t next_block_number_;
  uint64_t last_block_log_index_;
  uint64_t last_applied_index_;
  uint64_t skipped_entries_ = 0;
};

}  // namespace loom::orderer
