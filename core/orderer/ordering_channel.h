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

#include "core/util/status.h"

namespace loom::channelconfig {
class PolicyManager;
}  // namespace loom::channelconfig
namespace loom::ledger {
class BlockStore;
}  // namespace loom::ledger

namespace loom::orderer {

class TxIdGuard;

class OrderingChannel {
 public:
  // Called once with OK when the envelope is durable in the channel's log
  // (it will be in a block even if the process dies now), or with the
  // reason it was not ordered. May run on any thread; must not block.
  using OrderDone = std::function<void(Status)>;

  virtual ~OrderingChannel() = default;

  virtual const std::string& channel_id() const = 0;
  // The policies of the channel's current config. A new config must come
  // with a new PolicyManager object: running Deliver requests notice a
  // config change by the pointer changing.
  virtual std::shared_ptr<const channelconfig::PolicyManager> policy_manager() const = 0;
  // Orderer.BatchSize.AbsoluteMaxBytes of the current config.
  virtual uint32_t absolute_max_bytes() const = 0;
  // Ids already ordered on this channel.
  virtual TxIdGuard& tx_ids() = 0;
  // Appends a checked envelope (marshalled common.Envelope, with its tx id)
  // to the log.
  virtual void Order(std::string envelope, std::string tx_id, OrderDone done) = 0;
  // The channel's blocks, for Deliver.
  virtual const ledger::BlockStore& block_store() const = 0;
  // True once the channel stopped for shutdown: it orders nothing more and
  // Deliver ends its waits (SERVICE_UNAVAILABLE).
  virtual bool stopped() const = 0;

  // Calls `listener(height)` after blocks are appended, and once when the
  // channel stops, from the thread that did it (it must not block). The listener stays registered until
  // the returned handle is destroyed.
  class ListenerHandle {
   public:
    virtual ~ListenerHandle() = default;
  };
  virtual std::unique_ptr<ListenerHandle> AddBlockListener(std::function<void(uint64_t height)> listener) = 0;
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
