// Verifying blocks and chains of blocks as Fabric would accept them.
//
// VerifyBlock checks, and reports each failure as a fault:
//  * "DataHash mismatch": header.data_hash != SHA-256 of data[0] || data[1] ...
//  * "PreviousHash mismatch": header.previous_hash != the previous header's
//    hash (when the caller knows it);
//  * the re-marshal check of CVE-2023-46132: each data[i] must parse as a
//    common.Envelope that marshals back to exactly its bytes, otherwise
//    "transaction i has K trailing bytes" / "... does not re-marshal ...";
//  * orderer signatures in the SIGNATURES slot;
//  * each transaction's creator, proposal-hash, endorsement and config
//    update signatures (transaction_check.h), skipped for transactions the
//    committing peer already marked invalid in TRANSACTIONS_FILTER (a
//    committed block legitimately holds those).
// Identities are checked against their own certificates only; whether they
// belong to the channel's MSPs is the MSP layer's concern. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/common.pb.h"

namespace loom::protocol {

struct BlockFault {
  uint64_t block_number = 0;
  std::string message;  // "DataHash mismatch"
  // "block 0: DataHash mismatch"
  std::string ToString() const;
};

// `previous_header_hash`: the header hash of block number-1, when known.
std::vector<BlockFault> VerifyBlock(const common::Block& block,
                                    const std::optional<std::string>& previous_header_hash = std::nullopt);

// Verifies each block and that each links to the one before it in `blocks`
// (which must be consecutive); the first block's link is checked only when
// it is block 0 (whose previous_hash must be empty).
std::vector<BlockFault> VerifyChain(std::span<const common::Block> blocks);

}  // namespace loom::protocol
