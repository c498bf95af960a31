// MvccValidator: the in-order phase of block validation (Fabric's MVCC
// validation, after the parallel endorsement-policy phase).
//
// Input: the number of the block, its transactions in block order, each with
// the code the parallel phase gave it and its decoded read-write set, and a
// StateSnapshot of the committed state after the previous block. Only
// transactions still VALID take part; every other code passes through
// unchanged and the transaction's writes are ignored.
//
// For each VALID transaction, in block order, namespace by namespace (reads
// first, then range queries, as Fabric does):
//  - MVCC_READ_CONFLICT when a read's version differs from the key's current
//    version: the committed one, unless an earlier VALID transaction of the
//    block wrote or deleted the key — then it is always a conflict (the
//    write's version cannot have been read). A read without a version
//    (absent key) conflicts when the key now exists.
//  - PHANTOM_READ_CONFLICT when a range query re-executed over the committed
//    state plus the earlier VALID writes of the block (combined_range.h)
//    does not give the same keys with the same versions in the same order:
//    a key appeared, went or changed version. When the chaincode stopped
//    early (itr_exhausted false) the re-executed range ends at, and
//    includes, end_key (the last key it read): keys after it do not matter.
//  - INVALID_OTHER_REASON when a range query gives its results as a merkle
//    summary (Loom checks raw reads only), or the namespace carries private
//    data collection rwsets (whose hashed reads Loom cannot check yet; Fabric
//    checks them after the range queries) — `other_reason` says so.
//  - otherwise the transaction stays VALID and its writes and deletes go into
//    the update batch with version (block_num, tx index), later writes of a
//    key replacing earlier ones, so later transactions see them.
// The first failing check decides the code and the explanation.
//
// Explanations (for the lab's per-tx MVCC events) name the namespace and key,
// the version read and the version found, and the transaction that wrote
// what was found: an earlier tx of the block (with its tx id), or the
// committed writer — (block, tx) is the found version; for a deleted key the
// history index is asked. Tx ids and deletes' writers come from the optional
// WriterIndex; without it `writer` holds (block, tx) only when the found
// version names it.
//
// Deterministic: the codes and the update batch depend only on the inputs.
// Errors (a non-OK Result) only when the state DB or writer index fails.
// Holds no state between calls; ValidateBlock is const and may run
// concurrently (snapshot and writer index reads are thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ledger/state_db.h"
#include "core/util/status.h"
#include "core/validator/tx_rwset.h"
#include "core/validator/update_batch.h"
#include "core/validator/writer_index.h"
#include "peer/transaction.pb.h"

namespace loom::validator {

struct BlockTransaction {
  protos::TxValidationCode code = protos::VALID;  // from the parallel phase
  TxReadWriteSet rwset;                           // used only when VALID
};

struct ReadConflict {
  std::string ns;
  std::string key;
  std::optional<ledger::Version> version_read;   // nullopt: read as absent
  std::optional<ledger::Version> version_found;  // nullopt: absent or deleted now
  std::optional<TxRef> writer;                   // who wrote (or deleted) what was found
};

enum class RangeChange { kAppeared, kWent, kVersionChanged };

struct PhantomConflict {
  std::string ns;
  std::string start_key;
  std::string end_key;
  bool itr_exhausted = false;
  std::string key;  // the first key that differs
  RangeChange change = RangeChange::kAppeared;
  std::optional<ledger::Version> version_read;   // nullopt when it appeared
  std::optional<ledger::Version> version_found;  // nullopt when it went
  std::optional<TxRef> writer;                   // who wrote (or deleted) it
};

struct TxMvccResult {
  protos::TxValidationCode code = protos::VALID;
  std::optional<ReadConflict> read_conflict;  // set for MVCC_READ_CONFLICT
  std::optional<PhantomConflict> phantom;     // set for PHANTOM_READ_CONFLICT
  std::string other_reason;                   // set for INVALID_OTHER_REASON

  // One line for logs and events; empty when VALID or the code came in.
  std::string Explain() const;
};

struct MvccBlockResult {
  std::vector<TxMvccResult> txs;  // one per transaction, in block order
  // The same codes as bytes, for KvLedger::Commit and TRANSACTIONS_FILTER.
  std::vector<uint8_t> codes;
  UpdateBatch updates;  // the writes of the transactions left VALID
};

class MvccValidator {
 public:
  // `committed` is the state before the block; `writers` (optional) names
  // the writers in explanations. Both must outlive the validator.
  explicit MvccValidator(const ledger::StateSnapshot& committed, const WriterIndex* writers = nullptr)
      : committed_(committed), writers_(writers) {}

  Result<MvccBlockResult> ValidateBlock(uint64_t block_num, const std::vector<BlockTransaction>& txs) const;

 private:
  const ledger::StateSnapshot& committed_;
  const WriterIndex* writers_;
};

}  // namespace loom::validator
