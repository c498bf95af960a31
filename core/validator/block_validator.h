// ValidateBlock: a block's transactions through both phases of validation —
// the parallel per-transaction phase (parallel_validation.h) on a number of
// threads, then, in block order, the MVCC phase (mvcc_validator.h) against a
// snapshot of the committed state — giving each transaction its final
// protos.TxValidationCode and an explanation.
//
// A transaction the parallel phase refused keeps that code and explanation;
// one whose read-write set cannot be decoded for MVCC becomes
// INVALID_OTHER_REASON (block_transactions.h); otherwise MVCC decides.
// `codes` go to KvLedger::Commit / TRANSACTIONS_FILTER and `updates` are the
// writes of the transactions left VALID.
//
// Deterministic: same block and inputs, same codes and updates, whatever
// the thread count. Errors only from the validator's lookups, the state DB or
// the writer index. Thread-safe as its parts are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/state_db.h"
#include "core/util/status.h"
#include "core/validator/mvcc_validator.h"
#include "core/validator/parallel_validation.h"
#include "core/validator/tx_validator.h"
#include "core/validator/update_batch.h"
#include "core/validator/writer_index.h"

namespace loom::validator {

enum class DecidingPhase { kParallel, kDecode, kMvcc };

struct TxFinalResult {
  protos::TxValidationCode code = protos::VALID;
  DecidingPhase phase = DecidingPhase::kMvcc;  // which phase gave the code
  std::string explanation;                     // empty when VALID
  TxVerdict parallel;                          // the parallel phase's verdict (ignored endorsements too)
};

struct BlockValidationResult {
  std::vector<TxFinalResult> txs;  // one per transaction, in block order
  std::vector<uint8_t> codes;      // the final codes as bytes
  UpdateBatch updates;
};

// `committed` is the state after the previous block; `writers` (optional)
// names conflicting writers in MVCC explanations.
Result<BlockValidationResult> ValidateBlock(const common::Block& block,
                                            const ledger::StateSnapshot& committed,
                                            const TxValidator& validator, size_t threads,
                                            const WriterIndex* writers = nullptr);

}  // namespace loom::validator
