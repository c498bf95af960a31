// A KvLedger with committed base state and the transactions of the block
// under test, for the MVCC validator tests: real signed endorser envelopes
// (tests/support/endorser_transaction.h) with chosen reads, range queries
// and writes, committed with KvLedger, and the validator run on the next
// block against a snapshot of the committed state.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/kv_ledger.h"
#include "core/protocol/signer.h"
#include "core/validator/block_transactions.h"
#include "core/validator/mvcc_validator.h"
#include "ledger/rwset/rwset.pb.h"
#include "tests/support/endorser_transaction.h"
#include "tests/support/temp_dir.h"

namespace loom::validator::testing {

using loom::testing::TxRangeQuery;
using loom::testing::TxRead;
using loom::testing::TxReadVersion;
using loom::testing::TxRwSet;
using loom::testing::TxWrite;

inline TxRead ReadAt(std::string ns, std::string key, uint64_t block, uint64_t tx) {
  return TxRead{std::move(ns), std::move(key), TxReadVersion{block, tx}};
}
inline TxRead ReadAbsent(std::string ns, std::string key) {
  return TxRead{std::move(ns), std::move(key), std::nullopt};
}
inline TxWrite Put(std::string ns, std::string key, std::string value) {
  return TxWrite{std::move(ns), std::move(key), std::move(value), false};
}
inline TxWrite Del(std::string ns, std::string key) {
  return TxWrite{std::move(ns), std::move(key), "", true};
}
// A range query's raw read of `key` at (block, tx) (namespace unused).
inline TxRead Saw(std::string key, uint64_t block, uint64_t tx) {
  return ReadAt("", std::move(key), block, tx);
}
inline TxRangeQuery Range(std::string ns, std::string start, std::string end, bool itr_exhausted,
                          std::vector<TxRead> raw_reads) {
  return TxRangeQuery{std::move(ns), std::move(start),     std::move(end),
                      itr_exhausted, std::move(raw_reads), false};
}

// `envelope` (marshalled) re-encoded after `edit` changed the endorsed
// rwset.TxReadWriteSet inside it (the signatures no longer match).
std::string EditResults(const std::string& envelope, const std::function<void(rwset::TxReadWriteSet*)>& edit);

class MvccLedger {
 public:
  MvccLedger();

  // Commits the next block of transactions (one per rwset), all VALID.
  void CommitBlock(const std::vector<TxRwSet>& txs);

  // The next block (not committed) of transactions with these rwsets.
  common::Block NextBlock(const std::vector<TxRwSet>& txs);
  // Commits `block` (the next one) with `codes`.
  Status Commit(const common::Block& block, const std::vector<uint8_t>& codes);

  // The tx id of transaction `tx` of a block made here (committed or not).
  std::string TxId(uint64_t block, uint64_t tx) const;

  ledger::KvLedger& ledger() { return *ledger_; }
  uint64_t height() const { return ledger_->Height(); }

 private:
  loom::testing::TempDir dir_{"mvcc-validator"};
  std::unique_ptr<protocol::Signer> client_;
  std::unique_ptr<protocol::Signer> endorser_;
  std::unique_ptr<ledger::KvLedger> ledger_;
  std::string last_hash_;
  std::map<std::pair<uint64_t, uint64_t>, std::string> tx_ids_;
};

}  // namespace loom::validator::testing
