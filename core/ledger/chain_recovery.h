// Recovery when a block store opens: brings the index up to date with the
// block files and cuts off a torn or corrupt tail.
//
// The last indexed block is read back and checked in full (it parses, its
// header hash is the indexed one, its data_hash matches); when it is damaged
// and nothing follows it, it is taken out of the index and cut off.
// From the index checkpoint on, every whole block found in the segments is
// checked (it parses, its number follows, its previous_hash chains, its
// data_hash matches) and indexed. The first frame that fails — a partial
// frame left by a crash, bytes that are not a block, a block that does not
// chain or whose data was damaged — starts the tail, which is truncated
// away and described in the notes. Only a tail is ever cut: damage followed
// by bytes in a later segment is Corruption, and so is an index that is
// ahead of the files (block files lost or replaced). Not thread-safe: runs
// before the store is shared.
#pragma once

#include <string>
#include <vector>

#include "core/ledger/block_index.h"
#include "core/ledger/segment_files.h"
#include "core/util/status.h"

namespace loom::ledger {

struct RecoveredChain {
  Checkpoint tip;                  // the chain's last block; index and files agree up to here
  std::vector<std::string> notes;  // what was re-indexed or cut, one line each
};

// Creates the first segment when there is none.
Result<RecoveredChain> RecoverChain(SegmentFiles& segments, BlockIndex& index);

}  // namespace loom::ledger
