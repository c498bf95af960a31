// BlockPuller: fetches blocks of one channel from the other orderers (a Raft
// member that fell behind, or restored a snapshot, catches up with it).
// Implementations say whether they are thread-safe.
#pragma once

#include <cstdint>

#include "common/common.pb.h"
#include "core/util/status.h"

namespace loom::orderer {

class BlockPuller {  // fetches blocks of one channel from the other orderers
 public:
  virtual ~BlockPuller() = default;
  // Block `number` of the channel, with its header number and data hash
  // checked and its orderer signature satisfying the channel's
  // BlockValidation policy. Unavailable when no orderer could provide it
  // (naming them); Corruption/PermissionDenied when what came back fails
  // the checks.
  virtual Result<common::Block> PullBlock(uint64_t number) = 0;
};

}  // namespace loom::orderer
