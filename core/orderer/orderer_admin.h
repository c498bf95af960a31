// OrdererAdmin: the logic of Loom's orderer admin service (loom.OrdererAdmin,
// core/proto/loom/orderer_admin.proto) without gRPC — who may administer the
// node, what a block must be to start a channel, joining and listing.
//
// A request is accepted when (in this order, the first failure is the
// answer): it is a marshalled AdminRequest with a creator and a timestamp
// (InvalidArgument otherwise); the creator is an identity of the orderer's
// own MSP (PermissionDenied naming both MSP ids otherwise); the signature
// over the request bytes verifies with the creator's key (PermissionDenied);
// the timestamp is within `time_window` of the node's clock
// (PermissionDenied); the creator is a valid member of that MSP now and an
// admin of it — listed in admincerts or carrying the admin NodeOU
// (PermissionDenied saying which). Then the request's body must be the
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

// Makes, opens and registers a new channel from its genesis block, or
// fails leaving nothing behind (the node's channel-creation function).
using CreateChannelFn = std::function<Result<std::shared_ptr<OrderingChannel>>(const GenesisBlock& genesis)>;

struct OrdererAdminOptions {
  msp::Msp local_msp;  // the orderer's own MSP: its admins administer the node
  // How far a request's timestamp may be from the node's clock (Fabric's
  // General.Authentication.TimeWindow default).
  std::chrono::seconds time_window = std::chrono::minutes(15);
  // The node's clock; the system clock when empty.
  std::function<std::chrono::system_clock::time_point()> now;
};

struct JoinChannelOutcome {
  loom::ChannelInfo channel;
  bool already_joined = false;
  std::string caller;  // who asked, for the node's log
};

class OrdererAdmin {
 public:
  // `registry` must outlive the admin; `create` registers what it makes there.
  OrdererAdmin(const ChannelRegistry* registry, CreateChannelFn create, OrdererAdminOptions options);

  struct Authorized {
    loom::AdminRequest request;
    std::string caller;  // the creator, described ("OrdererMSP:CN=Admin@example.com,...")
  };
  // The checks above, except the body's.
  Result<Authorized> Authorize(const loom::SignedAdminRequest& signed_request) const;

  Result<JoinChannelOutcome> JoinChannel(const loom::SignedAdminRequest& signed_request);
  // Every served channel, by id.
  Result<std::vector<loom::ChannelInfo>> ListChannels(const loom::SignedAdminRequest& signed_request) const;

 private:
  std::chrono::system_clock::time_point Now() const;

  const ChannelRegistry* registry_;
  CreateChannelFn create_;
  OrdererAdminOptions options_;
  std::mutex join_mutex_;  // one join at a time
};

// The client side: `request` (its body set) with `signer`'s identity and
// timestamp `now`, signed by `signer`.
Result<loom::SignedAdminRequest> SignAdminRequest(
    loom::AdminRequest request, const protocol::Signer& signer,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace loom::orderer
