#include "core/orderer/orderer_admin.h"

#include "core/channelconfig/config_reader.h"
#include "core/crypto/hash.h"
#include "core/ledger/block_store.h"
#include "core/orderer/channel.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"

namespace loom::orderer {
namespace {

Status BadGenesis(const std::string& what) {
  return Status::InvalidArgument("genesis block: " + what);
}

std::string ShortHash(const std::string& hash) {
  return crypto::HexEncode(hash).substr(0, 16);
}

}  // namespace

Result<GenesisBlock> CheckGenesisBlock(common::Block block) {
  if (!block.has_header()) return BadGenesis("no header");
  if (block.header().number() != 0) {
    return BadGenesis("this is block " + std::to_string(block.header().number()) +
                      "; a channel is joined with its block 0");
  }
  if (block.data().data_size() != 1) {
    return BadGenesis("holds " + std::to_string(block.data().data_size()) +
                      " envelopes; a genesis block holds exactly one CONFIG envelope");
  }
  if (protocol::ComputeDataHash(block.data()) != block.header().data_hash()) {
    return BadGenesis("header data_hash does not match the block's data");
  }
  auto config = channelconfig::ReadChannelConfig(block);
  if (!config.ok()) return BadGenesis("not a channel config block: " + config.status().message());
  if (!config->orderer) return BadGenesis("channel " + config->channel_id + " has no Orderer config group");
  Status id = ValidateChannelId(config->channel_id);
  if (!id.ok()) return BadGenesis("channel id: " + id.message());
  return GenesisBlock{std::move(block), std::move(config).value()};
}

Result<GenesisBlock> ParseGenesisBlock(std::string_view bytes) {
  if (bytes.empty()) return BadGenesis("empty (no bytes)");
  auto block = protocol::ParseBlock(bytes);
  if (!block.ok()) return BadGenesis(block.status().message());
  return CheckGenesisBlock(std::move(block).value());
}

Result<loom::ChannelInfo> DescribeChannel(const OrderingChannel& channel) {
  const ledger::BlockStore& store = channel.block_store();
  uint64_t height = store.Height();
  if (height == 0) return Status::FailedPrecondition("channel " + channel.channel_id() + " has no blocks");
  LOOM_ASSIGN_OR_RETURN(common::Block last, store.GetBlock(height - 1));
  uint64_t config_index = 0;
  if (last.header().number() > 0) {
    LOOM_ASSIGN_OR_RETURN(config_index, protocol::LastConfigIndex(last));
  }
  LOOM_ASSIGN_OR_RETURN(common::Block config_block, store.GetBlock(config_index));
  LOOM_ASSIGN_OR_RETURN(channelconfig::ChannelConfig config, channelconfig::ReadChannelConfig(config_block));
  loom::ChannelInfo info;
  info.set_channel_id(channel.channel_id());
  info.set_height(height);
  if (config.orderer) info.set_consensus_type(config.orderer->consensus_type);
  return info;
}

OrdererAdmin::OrdererAdmin(const ChannelRegistry* registry, CreateChannelFn create,
                           OrdererAdminOptions options)
    : registry_(registry), create_(std::move(create)), options_(std::move(options)) {}

Result<OrdererAdmin::Authorized> OrdererAdmin::Authorize(
    const loom::SignedAdminRequest& signed_request) const {
  return AuthorizeAdminRequest(signed_request, options_, "orderer");
}

Result<JoinChannelOutcome> OrdererAdmin::JoinChannel(const loom::SignedAdminRequest& signed_request) {
  LOOM_ASSIGN_OR_RETURN(Authorized authorized, Authorize(signed_request));
  if (!authorized.request.has_join_channel()) {
    return Status::InvalidArgument("request: the signed body is not a join_channel request");
  }
  LOOM_ASSIGN_OR_RETURN(GenesisBlock genesis,
                        ParseGenesisBlock(authorized.request.join_channel().genesis_block()));
  const std::string& id = genesis.config.channel_id;

  std::lock_guard lock(join_mutex_);
  JoinChannelOutcome outcome;
  outcome.caller = authorized.caller;
  if (std::shared_ptr<OrderingChannel> served = registry_->Find(id)) {
    LOOM_ASSIGN_OR_RETURN(common::Block stored, served->block_store().GetBlock(0));
    std::string stored_hash = protocol::BlockHeaderHash(stored.header());
    std::string offered_hash = protocol::BlockHeaderHash(genesis.block.header());
    if (stored_hash != offered_hash) {
      return Status::AlreadyExists(
          "channel " + id + " is already served with a different genesis block (block 0 header hash " +
          ShortHash(stored_hash) + "..., this block's " + ShortHash(offered_hash) + "...)");
    }
    LOOM_ASSIGN_OR_RETURN(outcome.channel, DescribeChannel(*served));
    outcome.already_joined = true;
    return outcome;
  }
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<OrderingChannel> channel, create_(genesis));
  LOOM_ASSIGN_OR_RETURN(outcome.channel, DescribeChannel(*channel));
  return outcome;
}

Result<std::vector<loom::ChannelInfo>> OrdererAdmin::ListChannels(
    const loom::SignedAdminRequest& signed_request) const {
  LOOM_ASSIGN_OR_RETURN(Authorized authorized, Authorize(signed_request));
  if (!authorized.request.has_list_channels()) {
    return Status::InvalidArgument("request: the signed body is not a list_channels request");
  }
  std::vector<loom::ChannelInfo> channels;
  for (const std::string& id : registry_->ChannelIds()) {
    std::shared_ptr<OrderingChannel> channel = registry_->Find(id);
    if (channel == nullptr) continue;
    LOOM_ASSIGN_OR_RETURN(loom::ChannelInfo info, DescribeChannel(*channel));
    channels.push_back(std::move(info));
  }
  return channels;
}

}  // namespace loom::orderer
