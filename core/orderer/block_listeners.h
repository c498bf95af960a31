// BlockListeners: the "blocks were appended" callbacks of one channel, and
// the block reports for ChainEvents — shared by the solo and Raft chains.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/orderer/block_cutter.h"
#include "core/orderer/chain_events.h"
#include "core/orderer/ordering_channel.h"

namespace loom::orderer {

// Thread-safe. Handles may outlive the set (they then do nothing).
class BlockListeners {
 public:
  BlockListeners();
  // The listener stays registered until the handle is destroyed; it must
  // not destroy its own handle from inside the call.
  std::unique_ptr<OrderingChannel::ListenerHandle> Add(std::function<void(uint64_t height)> listener);
  void Notify(uint64_t height);

 private:
  struct Set;
  class Handle;
  std::shared_ptr<Set> set_;
};

// Calls events->OnBlockWritten for each of `blocks` (cut for `reasons`, the
// batch having started at `batch_started` when known). No-op without events.
void ReportWrittenBlocks(ChainEvents* events, const std::string& channel_id,
                         const std::vector<common::Block>& blocks, const std::vector<CutReason>& reasons,
                         std::optional<std::chrono::steady_clock::time_point> batch_started,
                         std::chrono::steady_clock::time_point now);

}  // namespace loom::orderer
