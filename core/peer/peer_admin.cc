#include "core/peer/peer_admin.h"

#include "core/crypto/hash.h"
#include "core/orderer/orderer_admin.h"
#include "core/protocol/block_header.h"

namespace loom::peer {
namespace {

std::string ShortHash(const std::string& hash) {
  return crypto::HexEncode(hash).substr(0, 16);
}

}  // namespace

PeerAdmin::PeerAdmin(PeerChannelDirectory* channels, PeerAdminOptions options)
    : channels_(channels), options_(std::move(options)) {}

Result<PeerAdmin::Authorized> PeerAdmin::Authorize(const loom::SignedAdminRequest& signed_request) const {
  return orderer::AuthorizeAdminRequest(signed_request, options_, "peer");
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
