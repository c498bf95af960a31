// OrdererNode: a running loom-orderer — its signing identity, its channels
// (those found in the data folder, those joined at start, and those joined
// at run time through the admin service), the AtomicBroadcast, OrdererAdmin
// and Observer gRPC services on the listen address, and the operations
// endpoint (/healthz, /metrics) when configured.
//
// Start fails with a message naming what is wrong (config files, MSP folder,
// a block file, a channel folder, an address that cannot be bound).
// Shutdown stops the channels (queued envelopes are logged and answered,
// later ones refused, Deliver waits end with SERVICE_UNAVAILABLE), gives
// the streams still open up to `grace` to end, then stops the gRPC server,
// cancelling what remains. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/orderer/orderer_config.h"
#include "core/util/status.h"

namespace loom::orderer {

class OrdererNode {
 public:
  // One line for the node's log (what happens after start-up: channels
  // joined at run time, refused admin requests). Called from any thread.
  using LogFn = std::function<void(const std::string& line)>;

  // `join_blocks`: genesis block files of channels to join (or re-open).
  static Result<std::unique_ptr<OrdererNode>> Start(const OrdererNodeConfig& config,
                                                    const std::vector<std::string>& join_blocks,
                                                    LogFn log = {});
  ~OrdererNode();

  // "127.0.0.1:41234": the address actually bound (port 0 resolved).
  std::string listen_address() const;
  // The operations endpoint's address, when configured.
  std::optional<std::string> operations_address() const;
  std::vector<std::string> channel_ids() const;
  // Lines worth logging from start-up (recovery of each channel).
  const std::vector<std::string>& start_notes() const;

  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(2));

 private:
  struct State;
  explicit OrdererNode(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace loom::orderer
