// RaftChain: the Raft consenter of one channel (docs/design/0002).
//
// The channel's libraft group runs on the node's shared EventLoop and
// ClusterTransport. Broadcast's envelopes become LogEntry commands:
//   leader     raft_apply (entries queued meanwhile go in one request);
//              OrderDone(OK) runs from the apply callback, i.e. once the
//              entry is committed by a majority and fsynced — SUCCESS then
//              survives the death of this node or of the leader.
//   follower   forwards the envelope to the leader over the cluster port
//              and answers with the leader's verdict. The leader re-checks
//              forwarded envelopes (the cluster port is not authenticated) —
//              on RaftContext::check_workers when set, off the loop thread —
//              and proposes them in the order they arrived, those checked
//              meanwhile in one raft_apply.
//   no leader  waits up to Options::no_leader_wait for an election, then
//              fails with Unavailable.
// Every node's RaftChainFsm hands committed entries to this chain's thread,
// which applies them with a RaftApplier (the ChainBuilder: identical blocks
// on every node) and restores snapshots, pulling missing blocks from other
// orderers. BatchTimeout: the leader proposes a time-to-cut entry for the
// pending block once its batch has waited batch_timeout (measured from
// when this leader first saw the batch pending).
//
// On disk: Options::raft_dir holds libraft's log, metadata and snapshots.
// Restart: libraft replays its log (from the last snapshot); the applier
// skips entries already in blocks, so nothing is cut twice.
//
// Thread-safe (Consenter's contract).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "core/channelconfig/channel_config.h"
#include "core/ledger/block_store.h"
#include "core/orderer/block_listeners.h"
#include "core/orderer/block_puller.h"
#include "core/orderer/chain_events.h"
#include "core/orderer/consenter.h"
#include "core/orderer/raft_fsm.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::util {
class WorkerPool;
}  // namespace loom::util
namespace loom::raft {
class EventLoop;
class ClusterTransport;
}  // namespace loom::raft

namespace loom::orderer {

class RaftApplier;

// What every Raft channel of one node shares. Must outlive the channels.
struct RaftContext {
  raft::EventLoop* loop = nullptr;
  raft::ClusterTransport* transport = nullptr;
  // This node's cluster address as the channels' consenter lists name it.
  std::string self_address;
  // Rules 1-6 of Broadcast for an envelope a follower forwarded.
  // Thread-safe when check_workers is set.
  std::function<Status(std::string_view envelope)> check_forwarded;
  // Optional: runs check_forwarded off the loop thread (the loop keeps
  // Raft's heartbeats and appends going meanwhile). Must outlive the channels.
  util::WorkerPool* check_workers = nullptr;
  // One line for the node's log.
  std::function<void(const std::string& line)> log;
};

class RaftChain : public Consenter, private RaftChainSink {
 public:
  struct Options {
    RaftContext* context = nullptr;
    std::string channel_id;
    std::string raft_dir;
    BatchConfig batch;
    channelconfig::EtcdRaftOptions raft;
    // "host:port" of each consenter; server id = position + 1.
    std::vector<std::string> consenters;
    ChainEvents* events = nullptr;  // optional; must outlive the chain
    // Tx ids of envelopes committed to the log (the duplicate guard).
    std::function<void(const std::string& tx_id)> on_committed_tx;
    std::unique_ptr<BlockPuller> puller;  // for snapshots of blocks this node lacks
    std::chrono::milliseconds no_leader_wait{5000};
  };

  // Starts the channel's Raft server (bootstrapping the group on first use).
  // FailedPrecondition when this node is not among the consenters.
  static Result<std::unique_ptr<RaftChain>> Start(ledger::BlockStore* store, const protocol::Signer* signer,
                                                  Options options);
  ~RaftChain() override;  // Stop()

  // Consenter.
  void Order(std::string envelope, std::string tx_id, OrderingChannel::OrderDone done) override;
  std::unique_ptr<OrderingChannel::ListenerHandle> AddBlockListener(
      std::function<void(uint64_t height)> listener) override;
  void Stop() override;
  Status health() const override;

  RaftStatus status() const;

 private:
  struct Proposal {
    std::string payload;  // encoded LogEntry
    OrderingChannel::OrderDone done;
    std::chrono::steady_clock::time_point deadline;
  };
  struct Restore {
    RaftSnapshotState snapshot;
  };
  using ChainItem = std::variant<LogEntry, Restore>;
  struct RaftState;  // libraft structs, loop thread only

  RaftChain(ledger::BlockStore* store, Options options);

  // Loop thread.
  Status StartRaft();
  void FlushIncoming();
  void Dispatch(std::vector<Proposal> proposals);
  void ApplyAsLeader(std::vector<Proposal> proposals);
  void OnForwarded(std::string payload, std::function<void(Status)> reply);
  void ProposeCheckedForwards();
  void CheckFinished();
  void Poll();
  void MaybeProposeTimeToCut();
  void RetryWaiting();
  void NoteProposalFailure();
  void CloseRaft();

  // RaftChainSink (loop thread; queue and return).
  void OnCommitted(LogEntry entry, uint64_t term) override;
  void OnRestored(const RaftSnapshotState& snapshot) override;
  void OnSkipped(uint64_t index, const Status& why) override;

  // Chain thread.
  void ChainLoop();
  bool ApplyItem(ChainItem& item);
  void Fail(const Status& status);
  void PublishStatus();

  ledger::BlockStore* const store_;
  Options options_;
  std::unique_ptr<RaftApplier> applier_;
  std::unique_ptr<RaftChainFsm> fsm_;
  std::unique_ptr<RaftState> raft_;
  uint64_t self_id_ = 0;

  mutable std::mutex health_mutex_;
  Status health_;

  // Orders from any thread, taken by the loop thread.
  std::mutex incoming_mutex_;
  std::vector<Proposal> incoming_;
  bool flush_posted_ = false;
  bool stopping_ = false;

  // Loop thread state.
  std::deque<Proposal> waiting_for_leader_;
  // Forwarded envelopes in arrival order; `verdict` is set once checked.
  struct ForwardedEnvelope {
    std::string payload;
    std::function<void(Status)> reply;
    std::optional<Status> verdict;
  };
  std::deque<std::shared_ptr<ForwardedEnvelope>> forwarded_;
  // Checks on check_workers not yet back on the loop; Stop waits for 0.
  std::mutex checks_mutex_;
  std::condition_variable checks_done_;
  size_t checks_in_flight_ = 0;
  uint64_t batch_block_ = 0;  // the block whose pending batch the timer measures
  std::optional<std::chrono::steady_clock::time_point> batch_seen_at_;
  std::optional<uint64_t> time_to_cut_proposed_;
  uint64_t last_leader_id_ = 0;

  mutable std::mutex status_mutex_;
  RaftStatus status_;

  // Chain thread input.
  std::mutex chain_mutex_;
  std::condition_variable chain_wakeup_;
  std::deque<ChainItem> chain_queue_;
  bool chain_stopping_ = false;
  std::optional<std::chrono::steady_clock::time_point> chain_batch_started_;

  BlockListeners listeners_;
  std::mutex stop_mutex_;
  bool stopped_ = false;
  std::thread chain_thread_;
};

}  // namespace loom::orderer
