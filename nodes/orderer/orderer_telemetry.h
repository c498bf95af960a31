// OrdererTelemetry: turns what the orderer does into trace events
// (loom.Observer) and Prometheus metrics under Fabric's names
// (core/ops/fabric_metrics.h):
//
//   broadcast      BROADCAST_ACCEPTED (durable in the log) / BROADCAST_REJECTED;
//                  broadcast_validate_duration, broadcast_enqueue_duration,
//                  broadcast_processed_count {channel, type, status}
//   log            CONSENSUS_COMMITTED per entry (consenter "solo" / "raft", term);
//                  loom_consensus_last_log_index / commit_index,
//                  loom_orderer_log_sync_duration / log_sync_entries
//   blocks         BLOCK_CUT (reason, tx ids) and BLOCK_WRITTEN per block;
//                  blockcutter_block_fill_duration, ledger_blockchain_height,
//                  loom_blockcutter_blocks_cut {reason}, batch_envelopes, batch_bytes
//   raft           consensus_etcdraft_cluster_size, is_leader, leader_changes,
//                  proposal_failures, committed_block_number (Raft channels);
//                  loom_consensus_snapshot_index / log_first_index
//   deliver        deliver_streams_opened / closed, requests_received /
//                  completed, blocks_sent
//
// Thread-safe; every callback is quick (atomic updates, a hub publish).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "core/ops/fabric_metrics.h"
#include "core/ops/metrics.h"
#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/broadcast_handler.h"
#include "core/orderer/chain_events.h"
#include "core/trace/trace_hub.h"
#include "core/util/status.h"

namespace loom::orderer {

class OrdererTelemetry : public ChainEvents, public DeliverStreamEvents {
 public:
  // `hub` and `metrics` must outlive the telemetry.
  static Result<std::unique_ptr<OrdererTelemetry>> Create(trace::TraceHub* hub,
                                                          ops::MetricsRegistry* metrics);

  void OnBroadcast(const BroadcastEvent& event);
  // The chain's height when a channel opens (and after each block).
  void SetHeight(const std::string& channel, uint64_t height);

  // ChainEvents.
  void OnEntriesLogged(const std::string& channel, const std::vector<LoggedEntry>& entries,
                       std::chrono::nanoseconds sync_duration) override;
  void OnBlockWritten(const std::string& channel, const WrittenBlock& block) override;
  void OnRaftStatus(const std::string& channel, const RaftStatus& status) override;

  // DeliverStreamEvents.
  void OnDeliverStreamOpened() override;
  void OnDeliverStreamClosed() override;
  void OnDeliverRequestReceived(const std::string& channel) override;
  void OnDeliverRequestCompleted(const std::string& channel, common::Status status) override;
  void OnBlockSent(const std::string& channel) override;

 private:
  OrdererTelemetry(trace::TraceHub* hub) : hub_(hub) {}

  trace::TraceHub* hub_;
  ops::HistogramFamily* validate_duration_ = nullptr;
  ops::HistogramFamily* enqueue_duration_ = nullptr;
  ops::CounterFamily* processed_count_ = nullptr;
  ops::HistogramFamily* fill_duration_ = nullptr;
  ops::GaugeFamily* height_ = nullptr;
  ops::CounterFamily* blocks_cut_ = nullptr;
  ops::HistogramFamily* batch_envelopes_ = nullptr;
  ops::HistogramFamily* batch_bytes_ = nullptr;
  ops::GaugeFamily* term_ = nullptr;
  ops::GaugeFamily* last_log_index_ = nullptr;
  ops::GaugeFamily* commit_index_ = nullptr;
  ops::HistogramFamily* log_sync_duration_ = nullptr;
  ops::HistogramFamily* log_sync_entries_ = nullptr;
  ops::CounterFamily* streams_opened_ = nullptr;
  ops::CounterFamily* streams_closed_ = nullptr;
  ops::CounterFamily* requests_received_ = nullptr;
  ops::CounterFamily* requests_completed_ = nullptr;
  ops::CounterFamily* blocks_sent_ = nullptr;
  ops::GaugeFamily* raft_cluster_size_ = nullptr;
  ops::GaugeFamily* raft_is_leader_ = nullptr;
  ops::CounterFamily* raft_leader_changes_ = nullptr;
  ops::CounterFamily* raft_proposal_failures_ = nullptr;
  ops::GaugeFamily* raft_committed_block_ = nullptr;
  ops::GaugeFamily* snapshot_index_ = nullptr;
  ops::GaugeFamily* log_first_index_ = nullptr;
  // Counts already exported per Raft channel (RaftStatus carries totals).
  struct RaftCounts {
    uint64_t leader_changes = 0;
    uint64_t proposal_failures = 0;
  };
  std::mutex raft_mutex_;
  std::map<std::string, RaftCounts> raft_counts_;
};

}  // namespace loom::orderer
