#include "nodes/orderer/orderer_telemetry.h"

#include "core/protocol/block_header.h"
#include "core/protocol/envelope.h"

namespace loom::orderer {
namespace {

double Seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

int64_t UnixNanos(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}

loom::BlockCutDetail::Reason TraceReason(CutReason reason) {
  switch (reason) {
    case CutReason::kCount: return loom::BlockCutDetail::COUNT;
    case CutReason::kBytes: return loom::BlockCutDetail::BYTES;
    case CutReason::kOversized: return loom::BlockCutDetail::OVERSIZED;
    case CutReason::kTimeout: return loom::BlockCutDetail::TIMEOUT;
  }
  return loom::BlockCutDetail::REASON_UNSPECIFIED;
}

std::string StatusName(common::Status status) {
  return common::Status_IsValid(status) ? common::Status_Name(status) : std::to_string(status);
}

template <typename T>
Status Register(Result<T> family, T* out) {
  if (!family.ok()) return family.status();
  *out = *family;
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<OrdererTelemetry>> OrdererTelemetry::Create(trace::TraceHub* hub,
                                                                   ops::MetricsRegistry* metrics) {
  std::unique_ptr<OrdererTelemetry> t(new OrdererTelemetry(hub));
  LOOM_RETURN_IF_ERROR(
      Register(metrics->NewHistogram(ops::kBroadcastValidateDuration), &t->validate_duration_));
  LOOM_RETURN_IF_ERROR(
      Register(metrics->NewHistogram(ops::kBroadcastEnqueueDuration), &t->enqueue_duration_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewCounter(ops::kBroadcastProcessedCount), &t->processed_count_));
  LOOM_RETURN_IF_ERROR(
      Register(metrics->NewHistogram(ops::kBlockcutterBlockFillDuration), &t->fill_duration_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewGauge(ops::kLedgerBlockchainHeight), &t->height_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewCounter(ops::kLoomBlocksCut), &t->blocks_cut_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewHistogram(ops::kLoomBatchEnvelopes), &t->batch_envelopes_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewHistogram(ops::kLoomBatchBytes), &t->batch_bytes_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewGauge(ops::kLoomConsensusTerm), &t->term_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewGauge(ops::kLoomConsensusLastLogIndex), &t->last_log_index_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewGauge(ops::kLoomConsensusCommitIndex), &t->commit_index_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewHistogram(ops::kLoomLogSyncDuration), &t->log_sync_duration_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewHistogram(ops::kLoomLogSyncEntries), &t->log_sync_entries_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewCounter(ops::kDeliverStreamsOpened), &t->streams_opened_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewCounter(ops::kDeliverStreamsClosed), &t->streams_closed_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewCounter(ops::kDeliverRequestsReceived), &t->requests_received_));
  LOOM_RETURN_IF_ERROR(
      Register(metrics->NewCounter(ops::kDeliverRequestsCompleted), &t->requests_completed_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewCounter(ops::kDeliverBlocksSent), &t->blocks_sent_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewGauge(ops::kEtcdraftClusterSize), &t->raft_cluster_size_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewGauge(ops::kEtcdraftIsLeader), &t->raft_is_leader_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewCounter(ops::kEtcdraftLeaderChanges), &t->raft_leader_changes_));
  LOOM_RETURN_IF_ERROR(
      Register(metrics->NewCounter(ops::kEtcdraftProposalFailures), &t->raft_proposal_failures_));
  LOOM_RETURN_IF_ERROR(
      Register(metrics->NewGauge(ops::kEtcdraftCommittedBlockNumber), &t->raft_committed_block_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewGauge(ops::kLoomConsensusSnapshotIndex), &t->snapshot_index_));
  LOOM_RETURN_IF_ERROR(Register(metrics->NewGauge(ops::kLoomConsensusLogFirstIndex), &t->log_first_index_));
  return t;
}

void OrdererTelemetry::OnBroadcast(const BroadcastEvent& event) {
  std::string type = event.header_type < 0 ? "" : protocol::HeaderTypeName(event.header_type);
  std::string status = StatusName(event.reply.status);
  validate_duration_->With({event.channel, type, status}).Observe(Seconds(event.validate_duration));
  if (event.enqueue_duration.count() > 0) {
    enqueue_duration_->With({event.channel, type, status}).Observe(Seconds(event.enqueue_duration));
  }
  processed_count_->With({event.channel, type, status}).Inc();

  loom::TraceEvent trace;
  bool accepted = event.reply.status == common::SUCCESS;
  trace.set_phase(accepted ? loom::TraceEvent::BROADCAST_ACCEPTED : loom::TraceEvent::BROADCAST_REJECTED);
  trace.set_channel(event.channel);
  trace.set_tx_id(event.tx_id);
  int64_t now = trace::UnixNanosNow();
  trace.set_end_unix_nanos(now);
  trace.set_start_unix_nanos(now - (event.validate_duration + event.enqueue_duration).count());
  loom::BroadcastDetail* detail = trace.mutable_broadcast();
  detail->set_envelope_bytes(event.size_bytes);
  detail->set_creator_msp_id(event.creator_mspid);
  detail->set_header_type(type);
  detail->set_status(event.reply.status);
  detail->set_info(event.reply.info);
  hub_->Publish(std::move(trace));
}

void OrdererTelemetry::SetHeight(const std::string& channel, uint64_t height) {
  height_->With({channel}).Set(static_cast<double>(height));
}

void OrdererTelemetry::OnRaftStatus(const std::string& channel, const RaftStatus& status) {
  raft_cluster_size_->With({channel}).Set(static_cast<double>(status.cluster_size));
  raft_is_leader_->With({channel}).Set(status.is_leader ? 1 : 0);
  term_->With({channel}).Set(static_cast<double>(status.term));
  commit_index_->With({channel}).Set(static_cast<double>(status.commit_index));
  snapshot_index_->With({channel}).Set(static_cast<double>(status.snapshot_index));
  log_first_index_->With({channel}).Set(static_cast<double>(status.log_first_index));
  std::lock_guard lock(raft_mutex_);
  RaftCounts& seen = raft_counts_[channel];
  if (status.leader_changes > seen.leader_changes) {
    raft_leader_changes_->With({channel}).Add(
        static_cast<double>(status.leader_changes - seen.leader_changes));
    seen.leader_changes = status.leader_changes;
  }
  if (status.proposal_failures > seen.proposal_failures) {
    raft_proposal_failures_->With({channel}).Add(
        static_cast<double>(status.proposal_failures - seen.proposal_failures));
    seen.proposal_failures = status.proposal_failures;
  }
}

void OrdererTelemetry::OnEntriesLogged(const std::string& channel, const std::vector<LoggedEntry>& entries,
                                       std::chrono::nanoseconds sync_duration) {
  if (entries.empty()) return;
  log_sync_duration_->With({channel}).Observe(Seconds(sync_duration));
  log_sync_entries_->With({channel}).Observe(static_cast<double>(entries.size()));
  last_log_index_->With({channel}).Set(static_cast<double>(entries.back().index));
  commit_index_->With({channel}).Set(static_cast<double>(entries.back().index));
  term_->With({channel}).Set(static_cast<double>(entries.back().term));
  int64_t now = trace::UnixNanosNow();
  for (const LoggedEntry& entry : entries) {
    if (entry.kind != LogEntry::kEnvelope) continue;
    loom::TraceEvent trace;
    trace.set_phase(loom::TraceEvent::CONSENSUS_COMMITTED);
    trace.set_channel(channel);
    trace.set_tx_id(entry.tx_id);
    trace.set_start_unix_nanos(now - sync_duration.count());
    trace.set_end_unix_nanos(now);
    loom::ConsensusDetail* detail = trace.mutable_consensus();
    detail->set_consenter(entry.consenter);
    detail->set_log_index(entry.index);
    detail->set_term(entry.term);
    hub_->Publish(std::move(trace));
  }
}

void OrdererTelemetry::OnBlockWritten(const std::string& channel, const WrittenBlock& written) {
  const common::Block& block = *written.block;
  uint64_t number = block.header().number();
  uint32_t tx_count = static_cast<uint32_t>(block.data().data_size());
  fill_duration_->With({channel}).Observe(Seconds(written.fill_duration));
  blocks_cut_->With({channel, CutReasonName(written.reason)}).Inc();
  batch_envelopes_->With({channel}).Observe(tx_count);
  batch_bytes_->With({channel}).Observe(static_cast<double>(written.data_bytes));
  SetHeight(channel, number + 1);
  {
    std::lock_guard lock(raft_mutex_);
    if (raft_counts_.count(channel) > 0)
      raft_committed_block_->With({channel}).Set(static_cast<double>(number));
  }

  loom::TraceEvent cut;
  cut.set_phase(loom::TraceEvent::BLOCK_CUT);
  cut.set_channel(channel);
  cut.set_block_number(number);
  cut.set_start_unix_nanos(UnixNanos(written.cut_at) - written.fill_duration.count());
  cut.set_end_unix_nanos(UnixNanos(written.cut_at));
  loom::BlockCutDetail* cut_detail = cut.mutable_block_cut();
  cut_detail->set_reason(TraceReason(written.reason));
  cut_detail->set_tx_count(tx_count);
  cut_detail->set_data_bytes(written.data_bytes);
  for (const std::string& tx_id : written.tx_ids) cut_detail->add_tx_ids(tx_id);
  hub_->Publish(std::move(cut));

  loom::TraceEvent stored;
  stored.set_phase(loom::TraceEvent::BLOCK_WRITTEN);
  stored.set_channel(channel);
  stored.set_block_number(number);
  stored.set_start_unix_nanos(UnixNanos(written.cut_at));
  stored.set_end_unix_nanos(UnixNanos(written.written_at));
  loom::BlockDetail* block_detail = stored.mutable_block();
  block_detail->set_header_hash(protocol::BlockHeaderHash(block.header()));
  block_detail->set_previous_hash(block.header().previous_hash());
  block_detail->set_tx_count(tx_count);
  block_detail->set_block_bytes(block.ByteSizeLong());
  for (const std::string& tx_id : written.tx_ids) block_detail->add_tx_ids(tx_id);
  hub_->Publish(std::move(stored));
}

void OrdererTelemetry::OnDeliverStreamOpened() {
  streams_opened_->Get().Inc();
}
void OrdererTelemetry::OnDeliverStreamClosed() {
  streams_closed_->Get().Inc();
}

void OrdererTelemetry::OnDeliverRequestReceived(const std::string& channel) {
  requests_received_->With({channel, "false", "block"}).Inc();
}

void OrdererTelemetry::OnDeliverRequestCompleted(const std::string& channel, common::Status status) {
  requests_completed_
      ->With({channel, "false", "block", status == common::SUCCESS ? ops::kBoolTrue : ops::kBoolFalse})
      .Inc();
}

void OrdererTelemetry::OnBlockSent(const std::string& channel) {
  blocks_sent_->With({channel, "false", "block"}).Inc();
}

}  // namespace loom::orderer
