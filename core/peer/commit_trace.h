// The committer's trace events (loom/observer.proto), built from what the
// validator and the ledger decided: BLOCK_RECEIVED, VSCC_DONE, MVCC_DONE and
// COMMITTED (per transaction, and block-level with the state hash). Pure
// builders; the channel stamps times and publishes them. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/common.pb.h"
#include "core/validator/mvcc_validator.h"
#include "core/validator/tx_validator.h"
#include "loom/observer.pb.h"

namespace loom::peer {

// Block-level BLOCK_RECEIVED with the block's hashes, size and tx ids.
loom::TraceEvent BlockReceivedEvent(const std::string& channel, const common::Block& block);

// VSCC_DONE for transaction `tx_index` of `block`: the parallel phase's code,
// the chaincode, `policy_text` (empty when no policy was looked up), the
// endorsers whose signatures counted and the reason when not VALID (the
// verdict's explanation and the endorsements not counted).
loom::TraceEvent VsccEvent(const std::string& channel, const common::Block& block, uint32_t tx_index,
                           const validator::TxVerdict& verdict, const std::string& policy_text);

// MVCC_DONE: the final code and, for a conflict, the key, the versions read
// and found, the writer tx and the range of a phantom; `explanation` goes in
// facts["explanation"] when not empty.
loom::TraceEvent MvccEvent(const std::string& channel, uint64_t block_number, uint32_t tx_index,
                           const std::string& tx_id, protos::TxValidationCode code,
                           const validator::TxMvccResult* mvcc, const std::string& explanation);

// COMMITTED for one transaction.
loom::TraceEvent TxCommittedEvent(const std::string& channel, uint64_t block_number, uint32_t tx_index,
                                  const std::string& tx_id, protos::TxValidationCode code);

// Block-level COMMITTED with the state hash and the valid/invalid counts.
loom::TraceEvent BlockCommittedEvent(const std::string& channel, uint64_t block_number,
                                     const std::string& state_hash, uint32_t valid_count,
                                     uint32_t invalid_count);

}  // namespace loom::peer
