// DeliverSource: what Deliver (DeliverHandler, DeliverCursor, the Deliver
// stream reactors) needs from one channel, whoever keeps it — an orderer's
// OrderingChannel or a peer's channel — so both nodes serve Fabric's seek
// semantics and access checks with the same code.
//
// Implementations must be thread-safe: any number of Deliver streams call
// into one source at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::channelconfig {
class PolicyManager;
}  // namespace loom::channelconfig

namespace loom::orderer {

class DeliverSource {
 public:
  virtual ~DeliverSource() = default;

  virtual const std::string& channel_id() const = 0;
  // The policies of the channel's current config. A new config must come
  // with a new PolicyManager object: running Deliver requests notice a
  // config change by the pointer changing.
  virtual std::shared_ptr<const channelconfig::PolicyManager> policy_manager() const = 0;
  // The policy a requester must satisfy now: "/Channel/Readers" on an
  // orderer; on a peer the channel's event/Block or event/FilteredBlock ACL
  // (by default "/Channel/Application/Readers").
  virtual std::string readers_policy() const = 0;
  // Blocks that may be delivered: 0 .. deliverable_height() - 1. On a peer
  // only committed blocks (state visible) count.
  virtual uint64_t deliverable_height() const = 0;
  // The stored bytes of a deliverable block (a marshalled common.Block).
  virtual Result<std::string> GetBlockBytes(uint64_t number) const = 0;
  // Waits until block `number` is deliverable (true), `deadline` passes or
  // the source closes (false).
  virtual bool WaitForBlock(uint64_t number, std::chrono::steady_clock::time_point deadline) const = 0;
  // True once the channel stopped for shutdown: Deliver ends its waits
  // (SERVICE_UNAVAILABLE).
  virtual bool stopped() const = 0;

  // Calls `listener(height)` after blocks become deliverable, and once when
  // the channel stops, from the thread that did it (it must not block). The
  // listener stays registered until the returned handle is destroyed;
  // destroying it waits for a call in progress.
  class ListenerHandle {
   public:
    virtual ~ListenerHandle() = default;
  };
  virtual std::unique_ptr<ListenerHandle> AddBlockListener(std::function<void(uint64_t height)> listener) = 0;
};

}  // namespace loom::orderer
