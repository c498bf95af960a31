// Building blocks and reading their fixed metadata.
//
// A block has five metadata slots (common.BlockMetadataIndex): SIGNATURES,
// LAST_CONFIG (deprecated), TRANSACTIONS_FILTER, ORDERER (deprecated) and
// COMMIT_HASH. Functions here are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/common.pb.h"
#include "core/util/status.h"

namespace loom::protocol {

inline constexpr int kBlockMetadataSlotCount = 5;

// A block with `envelopes` (marshalled common.Envelope each) as its data,
// data_hash computed, and five empty metadata slots.
common::Block NewBlock(uint64_t number, std::string previous_hash, std::vector<std::string> envelopes);

// Appends empty slots until the block has all five.
void EnsureMetadataSlots(common::Block* block);

// Parses a marshalled common.Block. InvalidArgument when the bytes are not a
// block or the block has no header.
Result<common::Block> ParseBlock(std::string_view bytes);

// The per-transaction validation codes of the TRANSACTIONS_FILTER slot
// (empty when the slot is absent or empty).
std::string TransactionsFilter(const common::Block& block);

// The name of a protos.TxValidationCode ("MVCC_READ_CONFLICT"), or
// "UNKNOWN(<n>)".
std::string ValidationCodeName(int code);

}  // namespace loom::protocol
