// OrdererAdmin: the logic of Loom's orderer admin service (loom.OrdererAdmin,
// core/proto/loom/orderer_admin.proto) without gRPC — who may administer the
// node, what a block must be to start a channel, joining and listing.
//
// A request is accepted when AuthorizeAdminRequest (admin_request.h)
// accepts it for the orderer's own MSP; then the request's body must be the
// operation called (InvalidArgument).
//
// Joining: the block must be a genesis block (ParseGenesisBlock); a channel
// the node already serves is answered from the registry — the same block 0
// is success with already_joined, a different one AlreadyExists; otherwise
// `create` makes the channel. Joins are serialised. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/common.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/msp/msp.h"
#include "core/orderer/admin_request.h"
#include "core/orderer/ordering_channel.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"
#include "loom/orderer_admin.pb.h"

namespace loom::orderer {

// A block that can start a channel: block 0, with the data hash its header
// claims, whose one envelope is a CONFIG transaction carrying a channel
// config with an Orderer section, for a valid channel name.
struct GenesisBlock {
  common::Block block;
  channelconfig::ChannelConfig config;
};

// InvalidArgument "genesis block: <what is wrong>" otherwise.
Result<GenesisBlock> CheckGenesisBlock(common::Block block);
Result<GenesisBlock> ParseGenesisBlock(std::string_view bytes);

// The channel's id, height and the consensus type of its current config
// (read from its last config block).
Result<loom::ChannelInfo> DescribeChannel(const OrderingChannel& channel);

// The orderer's own MSP, the request time window and the node's clock.
using OrdererAdminOptions = AdminAuthOptions;

// Makes, opens and registers a new channel from its genesis block, or
// fails leaving nothing behind (the node's channel-creation function).
using CreateChannelFn = std::function<Result<std::shared_ptr<OrderingChannel>>(const GenesisBlock& genesis)>;

struct JoinChannelOutcome {
  loom::ChannelInfo channel;
  bool already_joined = false;
  std::string caller;  // who asked, for the node's log
};

class OrdererAdmin {
 public:
  // `registry` must outlive the admin; `create` registers what it makes there.
  OrdererAdmin(const ChannelRegistry* registry, CreateChannelFn create, OrdererAdminOptions options);

  using Authorized = AuthorizedAdminRequest;
  // The checks above, except the body's.
  Result<Authorized> Authorize(const loom::SignedAdminRequest& signed_request) const;

  Result<JoinChannelOutcome> JoinChannel(const loom::SignedAdminRequest& signed_request);
  // Every served channel, by id.
  Result<std::vector<loom::ChannelInfo>> ListChannels(const loom::SignedAdminRequest& signed_request) const;

 private:
  const ChannelRegistry* registry_;
  CreateChannelFn create_;
  OrdererAdminOptions options_;
  std::mutex join_mutex_;  // one join at a time
};

}  // namespace loom::orderer
