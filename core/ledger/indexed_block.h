// What the block store checks and indexes about each block, shared by
// Append and by recovery so both judge a block the same way. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/block_location.h"
#include "core/util/status.h"

namespace loom::ledger {

// The index entries of one stored block.
struct IndexedBlock {
  uint64_t number = 0;
  std::string header_hash;  // protocol::BlockHeaderHash
  BlockLocation location;
  // tx_ids[i] is the channel header tx id of data[i]; "" when the envelope
  // has none or does not parse (the validator judges such envelopes).
  std::vector<std::string> tx_ids;
};

// OK when `block` can be the block after a chain of `height` blocks whose
// last header hash is `last_header_hash` ("" for an empty chain): it has a
// header, its number is `height`, its previous_hash is `last_header_hash`
// and its data_hash matches its data. InvalidArgument naming the mismatch
// otherwise.
Status CheckBlockExtendsChain(const common::Block& block, uint64_t height, std::string_view last_header_hash);

IndexedBlock DescribeBlock(const common::Block& block, const BlockLocation& location);

}  // namespace loom::ledger
