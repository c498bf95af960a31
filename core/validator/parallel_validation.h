// The parallel phase of block validation: every transaction of a block
// checked by a TxValidator (tx_validator.h) on a number of threads, then the
// in-block duplicate rule applied in block order.
//
// In-block duplicates (Fabric's markTXIdDuplicates): among the endorser
// transactions still VALID after their own checks, the first one with a tx
// id keeps it; every later one becomes DUPLICATE_TXID naming the first.
// Transactions already invalid do not claim their tx id.
//
// Deterministic: the verdicts depend only on the block and the validator's
// inputs, not on the thread count or scheduling. Errors only when one of the
// validator's lookups fails (tx_validator.h; the first failing transaction's
// error, by index). Thread-safe; runs its own threads and joins them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/common.pb.h"
#include "core/util/status.h"
#include "core/validator/tx_validator.h"

namespace loom::validator {

struct ParallelBlockResult {
  std::vector<TxVerdict> txs;  // one per transaction, in block order
  std::vector<uint8_t> codes;  // the same codes as bytes (MVCC phase input)
};

// Fabric's markTXIdDuplicates: among the endorser transactions still VALID,
// the first with a tx id keeps it, every later one becomes DUPLICATE_TXID
// (naming the first). `verdicts` are in block order.
void MarkInBlockDuplicates(std::vector<TxVerdict>* verdicts);

// `threads` 0 means one per hardware thread; 1 validates on the caller's
// thread.
Result<ParallelBlockResult> ValidateBlockInParallel(const common::Block& block, const TxValidator& validator,
                                                    size_t threads);

}  // namespace loom::validator
