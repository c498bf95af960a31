// The committer's metrics for one channel, under Fabric's names and labels
// (core/ops/fabric_metrics.h): ledger_block_processing_time,
// ledger_blockstorage_commit_time, ledger_statedb_commit_time,
// ledger_blockchain_height, ledger_transaction_count, and Loom's
// loom_validator_vscc_duration / loom_validator_mvcc_duration. Without a
// registry every call does nothing. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/ops/metrics.h"
#include "core/util/status.h"

namespace loom::peer {

class CommitMetrics {
 public:
  // Registers the families in `registry` (nullptr: no metrics). Errors only
  // when a name is taken by a different definition.
  static Result<CommitMetrics> Create(ops::MetricsRegistry* registry, std::string channel);

  void BlockProcessed(double seconds) const;
  void BlockStored(double seconds) const;
  void StateCommitted(double seconds) const;
  void Height(uint64_t height) const;
  void Vscc(double seconds) const;
  void Mvcc(double seconds) const;
  // One transaction: HeaderType name, chaincode name (empty for none),
  // TxValidationCode name.
  void Transaction(std::string_view type, std::string_view chaincode, std::string_view code) const;

 private:
  std::string channel_;
  ops::HistogramFamily* block_processing_ = nullptr;
  ops::HistogramFamily* blockstorage_commit_ = nullptr;
  ops::HistogramFamily* statedb_commit_ = nullptr;
  ops::GaugeFamily* height_ = nullptr;
  ops::CounterFamily* transactions_ = nullptr;
  ops::HistogramFamily* vscc_ = nullptr;
  ops::HistogramFamily* mvcc_ = nullptr;
};

}  // namespace loom::peer
