// Where a block or a transaction lives in the block store.
#pragma once

#include <cstdint>

namespace loom::ledger {

// A transaction: the block holding it and its position in block.data.
struct TxLocation {
  uint64_t block_number = 0;
  uint32_t tx_index = 0;
};

// A block's stored bytes: `length` bytes at `offset` of segment `segment`
// (the offset is past the frame's length prefix, so the bytes are exactly
// the marshalled common.Block).
struct BlockLocation {
  uint32_t segment = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
};

}  // namespace loom::ledger
