#include "core/peer/commit_metrics.h"

#include "core/ops/fabric_metrics.h"

namespace loom::peer {

Result<CommitMetrics> CommitMetrics::Create(ops::MetricsRegistry* registry, std::string channel) {
  CommitMetrics metrics;
  metrics.channel_ = std::move(channel);
  if (registry == nullptr) return metrics;
  LOOM_ASSIGN_OR_RETURN(metrics.block_processing_, registry->NewHistogram(ops::kLedgerBlockProcessingTime));
  LOOM_ASSIGN_OR_RETURN(metrics.blockstorage_commit_,
                        registry->NewHistogram(ops::kLedgerBlockstorageCommitTime));
  LOOM_ASSIGN_OR_RETURN(metrics.statedb_commit_, registry->NewHistogram(ops::kLedgerStatedbCommitTime));
  LOOM_ASSIGN_OR_RETURN(metrics.height_, registry->NewGauge(ops::kLedgerBlockchainHeight));
  LOOM_ASSIGN_OR_RETURN(metrics.transactions_, registry->NewCounter(ops::kLedgerTransactionCount));
  LOOM_ASSIGN_OR_RETURN(metrics.vscc_, registry->NewHistogram(ops::kLoomVsccDuration));
  LOOM_ASSIGN_OR_RETURN(metrics.mvcc_, registry->NewHistogram(ops::kLoomMvccDuration));
  return metrics;
}

void CommitMetrics::BlockProcessed(double seconds) const {
  if (block_processing_ != nullptr) block_processing_->With({channel_}).Observe(seconds);
}

void CommitMetrics::BlockStored(double seconds) const {
  if (blockstorage_commit_ != nullptr) blockstorage_commit_->With({channel_}).Observe(seconds);
}

void CommitMetrics::StateCommitted(double seconds) const {
  if (statedb_commit_ != nullptr) statedb_commit_->With({channel_}).Observe(seconds);
}

void CommitMetrics::Height(uint64_t height) const {
  if (height_ != nullptr) height_->With({channel_}).Set(static_cast<double>(height));
}

void CommitMetrics::Vscc(double seconds) const {
  if (vscc_ != nullptr) vscc_->With({channel_}).Observe(seconds);
}

void CommitMetrics::Mvcc(double seconds) const {
  if (mvcc_ != nullptr) mvcc_->With({channel_}).Observe(seconds);
}

void CommitMetrics::Transaction(std::string_view type, std::string_view chaincode,
                                std::string_view code) const {
  if (transactions_ != nullptr) transactions_->With({channel_, type, chaincode, code}).Inc();
}

}  // namespace loom::peer
