#include "core/peer/peer_admin.h"

#include <google/protobuf/util/time_util.h>

#include "core/crypto/hash.h"
#include "core/msp/identity.h"
#include "core/orderer/orderer_admin.h"
#include "core/protocol/block_header.h"

namespace loom::peer {
namespace {

using google::protobuf::util::TimeUtil;

std::string ShortHash(const std::string& hash) {
  return crypto::HexEncode(hash).substr(0, 16);
}

}  // namespace

PeerAdmin::PeerAdmin(PeerChannelDirectory* channels, PeerAdminOptions options)
    : channels_(channels), options_(std::move(options)) {}

std::chrono::system_clock::time_point PeerAdmin::Now() const {
  return options_.now ? options_.now() : std::chrono::system_clock::now();
}

Result<PeerAdmin::Authorized> PeerAdmin::Authorize(const loom::SignedAdminRequest& signed_request) const {
  Authorized authorized;
  if (!authorized.request.ParseFromString(signed_request.request())) {
    return Status::InvalidArgument("request: not a loom.AdminRequest");
  }
  const loom::AdminRequest& request = authorized.request;
  if (request.creator().empty()) return Status::InvalidArgument("request: no creator");
  if (!request.has_timestamp()) return Status::InvalidArgument("request: no timestamp");

  const msp::Msp& local = options_.local_msp;
  auto identity = local.DeserializeIdentity(request.creator());
  if (!identity.ok()) {
    if (identity.status().IsPermissionDenied()) {
      return Status::PermissionDenied("only admins of this peer's MSP " + local.id() +
                                      " may administer it: " + identity.status().message());
    }
    return identity.status().WithContext("request: creator");
  }
  authorized.caller = identity->Describe();
  LOOM_RETURN_IF_ERROR(identity->Verify(signed_request.request(), signed_request.signature())
                           .WithContext("request signature"));

  auto now = Now();
  auto sent =
      std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(TimeUtil::TimestampToNanoseconds(request.timestamp()))));
  auto skew = sent > now ? sent - now : now - sent;
  if (skew > options_.time_window) {
    return Status::PermissionDenied(
        "request timestamp " + TimeUtil::ToString(request.timestamp()) + " is " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(skew).count()) +
        " s away from the peer's clock (allowed: " + std::to_string(options_.time_window.count()) + " s)");
  }
  Status valid = identity->Validate(now);
  if (!valid.ok()) return valid.WithContext(authorized.caller);
  if (!local.IsAdmin(*identity)) {
    return Status::PermissionDenied(authorized.caller + " is not an admin of " + local.id() +
                                    " (neither in its admincerts nor carrying the admin OU)");
  }
  return authorized;
}

Result<PeerJoinOutcome> PeerAdmin::JoinChannel(const loom::SignedAdminRequest& signed_request) {
  LOOM_ASSIGN_OR_RETURN(Authorized authorized, Authorize(signed_request));
  if (!authorized.request.has_join_channel()) {
    return Status::InvalidArgument("request: the signed body is not a join_channel request");
  }
  LOOM_ASSIGN_OR_RETURN(orderer::GenesisBlock genesis,
                        orderer::ParseGenesisBlock(authorized.request.join_channel().genesis_block()));
  const std::string& id = genesis.config.channel_id;
  if (!genesis.config.application) {
    return Status::InvalidArgument("genesis block: channel " + id +
                                   " has no Application config group; a peer joins application channels");
  }

  std::lock_guard lock(join_mutex_);
  PeerJoinOutcome outcome;
  outcome.caller = authorized.caller;
  auto stored_hash = channels_->GenesisHeaderHash(id);
  if (stored_hash.ok()) {
    std::string offered_hash = protocol::BlockHeaderHash(genesis.block.header());
    if (*stored_hash != offered_hash) {
      return Status::AlreadyExists(
          "channel " + id + " is already kept with a different genesis block (block 0 header hash " +
          ShortHash(*stored_hash) + "..., this block's " + ShortHash(offered_hash) + "...)");
    }
    LOOM_ASSIGN_OR_RETURN(outcome.channel, channels_->Describe(id));
    outcome.already_joined = true;
    return outcome;
  }
  if (!stored_hash.status().IsNotFound()) return stored_hash.status();
  LOOM_ASSIGN_OR_RETURN(outcome.channel, channels_->Join(genesis.block));
  return outcome;
}

Result<std::vector<loom::PeerChannelInfo>> PeerAdmin::ListChannels(
    const loom::SignedAdminRequest& signed_request) const {
  LOOM_ASSIGN_OR_RETURN(Authorized authorized, Authorize(signed_request));
  if (!authorized.request.has_list_channels()) {
    return Status::InvalidArgument("request: the signed body is not a list_channels request");
  }
  std::vector<loom::PeerChannelInfo> channels;
  for (const std::string& id : channels_->ChannelIds()) {
    auto info = channels_->Describe(id);
    if (info.status().IsNotFound()) continue;  // left meanwhile
    if (!info.ok()) return info.status();
    channels.push_back(std::move(*info));
  }
  return channels;
}

}  // namespace loom::peer
