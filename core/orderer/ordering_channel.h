// OrderingChannel: what Broadcast and Deliver need from one channel of this
// orderer, so their logic does not depend on how the channel orders (solo
// today, Raft later) and can be tested with a channel of the test's own.
//
// Implementations must be thread-safe: any number of Broadcast and Deliver
// streams call into one channel at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/orderer/deliver_source.h"
#include "core/util/status.h"

namespace loom::channelconfig {
class PolicyManager;
}  // namespace loom::channelconfig
namespace loom::ledger {
class BlockStore;
}  // namespace loom::ledger

namespace loom::orderer {

class TxIdGuard;

// Deliver reads it through DeliverSource: readers_policy() is
// /Channel/Readers and every stored block is deliverable.
class OrderingChannel : public DeliverSource {
 public:
  // Called once with OK when the envelope is durable in the channel's log
  // (it will be in a block even if the process dies now), or with the
  // reason it was not ordered. May run on any thread; must not block.
  using OrderDone = std::function<void(Status)>;

  virtual ~OrderingChannel() = default;

  // Orderer.BatchSize.AbsoluteMaxBytes of the current config.
  virtual uint32_t absolute_max_bytes() const = 0;
  // Ids already ordered on this channel.
  virtual TxIdGuard& tx_ids() = 0;
  // Appends a checked envelope (marshalled common.Envelope, with its tx id)
  // to the log.
  virtual void Order(std::string envelope, std::string tx_id, OrderDone done) = 0;
  // The channel's blocks, for Deliver.
  virtual const ledger::BlockStore& block_store() const = 0;
  // DeliverSource, from block_store(). channel_id, policy_manager, stopped
  // (it orders nothing more once stopped) and AddBlockListener (called after
  // blocks are appended) are left to the channel.
  std::string readers_policy() const final { return "/Channel/Readers"; }
  uint64_t deliverable_height() const final;
  Result<std::string> GetBlockBytes(uint64_t number) const final;
  bool WaitForBlock(uint64_t number, std::chrono::steady_clock::time_point deadline) const final;
};

// The channels this orderer serves, by id. Thread-safe.
class ChannelRegistry {
 public:
  // AlreadyExists when a channel with that id is registered.
  Status Add(std::shared_ptr<OrderingChannel> channel);
  // nullptr when the orderer does not serve `channel_id`.
  std::shared_ptr<OrderingChannel> Find(const std::string& channel_id) const;
  std::vector<std::string> ChannelIds() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<OrderingChannel>, std::less<>> channels_;
};

}  // namespace loom::orderer
