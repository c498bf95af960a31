// Consenter: how one channel orders — what Channel needs from SoloChain and
// RaftChain alike. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/orderer/ordering_channel.h"
#include "core/util/status.h"

namespace loom::orderer {

class Consenter {
 public:
  virtual ~Consenter() = default;
  // OrderingChannel::Order: `done` runs once the envelope is durable in the
  // channel's log (for Raft: committed by a majority), or with why not.
  virtual void Order(std::string envelope, std::string tx_id, OrderingChannel::OrderDone done) = 0;
  virtual std::unique_ptr<OrderingChannel::ListenerHandle> AddBlockListener(
      std::function<void(uint64_t height)> listener) = 0;
  // Finishes queued work and stops; later orders fail with Unavailable.
  virtual void Stop() = 0;
  // Not OK once ordering failed (the node must restart to replay).
  virtual Status health() const = 0;
};

}  // namespace loom::orderer
