#include "core/orderer/channel.h"

#include <filesystem>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/serialized_identity.h"
#include "core/util/file_util.h"

namespace loom::orderer {
namespace {

constexpr char kLedgerFolder[] = "ledger";
constexpr char kLogFolder[] = "log";

// The config of the channel's last config block.
Result<channelconfig::ChannelConfig> CurrentConfig(const ledger::BlockStore& store) {
  LOOM_ASSIGN_OR_RETURN(common::Block last, store.GetBlock(store.Height() - 1));
  uint64_t config_index = 0;
  if (last.header().number() > 0) {
    LOOM_ASSIGN_OR_RETURN(config_index, protocol::LastConfigIndex(last));
  }
  LOOM_ASSIGN_OR_RETURN(common::Block config_block, store.GetBlock(config_index));
  return channelconfig::ReadChannelConfig(config_block);
}

// The orderer must belong to one of the channel's orderer orgs, or peers
// would refuse its block signatures (BlockValidation).
Status CheckOrdererMembership(const channelconfig::ChannelConfig& config, const protocol::Signer& signer) {
  auto identity = protocol::ParseIdentity(signer.serialized_identity());
  if (!identity.ok()) return identity.status().WithContext("the orderer's identity");
  std::string members;
  for (const auto& [name, org] : config.orderer->orgs) {
    if (org.msp_id == identity->mspid) return Status::Ok();
    members += (members.empty() ? "" : ", ") + org.msp_id;
  }
  return Status::FailedPrecondition("this orderer's MSP " + identity->mspid +
                                    " is not an orderer org of channel " + config.channel_id +
                                    " (its orderer orgs: " + members + ")");
}

}  // namespace

std::string ChannelDir(const std::string& data_dir, const std::string& channel_id) {
  return (std::filesystem::path(data_dir) / "channels" / channel_id).string();
}

Status ValidateChannelId(const std::string& channel_id) {
  bool ok = !channel_id.empty() && channel_id.size() < 250 && channel_id[0] >= 'a' && channel_id[0] <= 'z';
  for (char c : channel_id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-');
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument("'" + channel_id +
                                 "' is not a channel name (lower-case letters, digits, '.' and '-', starting "
                                 "with a letter, shorter than 250 characters)");
}

Result<std::shared_ptr<Channel>> Channel::Open(const std::string& dir, const ChannelOptions& options) {
  std::string ledger_dir = dir + "/" + kLedgerFolder;
  if (!std::filesystem::is_directory(ledger_dir))
    return Status::NotFound(dir + " holds no channel (no ledger/)");
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<ledger::BlockStore> store, ledger::BlockStore::Open(ledger_dir));
  if (store->Height() == 0) {
    return Status::FailedPrecondition(ledger_dir +
                                      " has no genesis block; join the channel again with its block");
  }
  return OpenStore(dir, std::move(store), options);
}

Result<std::shared_ptr<Channel>> Channel::Join(const std::string& dir, const common::Block& genesis,
                                               const ChannelOptions& options) {
  if (genesis.header().number() != 0) {
    return Status::InvalidArgument("a channel is joined with its block 0; this is block " +
                                   std::to_string(genesis.header().number()));
  }
  // Refuse a block that is not a config block before writing anything.
  LOOM_ASSIGN_OR_RETURN(channelconfig::ChannelConfig config, channelconfig::ReadChannelConfig(genesis));
  LOOM_RETURN_IF_ERROR(ValidateChannelId(config.channel_id));
  std::string ledger_dir = dir + "/" + kLedgerFolder;
  LOOM_RETURN_IF_ERROR(MakeDirectories(ledger_dir));
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<ledger::BlockStore> store, ledger::BlockStore::Open(ledger_dir));
  if (store->Height() == 0) {
    LOOM_RETURN_IF_ERROR(
        store->Append(genesis).WithContext("storing the genesis block of " + config.channel_id));
  } else {
    LOOM_ASSIGN_OR_RETURN(common::Block stored, store->GetBlock(0));
    if (protocol::BlockHeaderHash(stored.header()) != protocol::BlockHeaderHash(genesis.header())) {
      return Status::FailedPrecondition("channel " + config.channel_id + " in " + dir +
                                        " was joined with a different genesis block");
    }
  }
  return OpenStore(dir, std::move(store), options);
}

Result<std::shared_ptr<Channel>> Channel::OpenStore(const std::string& dir,
                                                    std::unique_ptr<ledger::BlockStore> store,
                                                    const ChannelOptions& options) {
  if (options.signer == nullptr) return Status::InvalidArgument("a channel needs the orderer's signer");
  std::shared_ptr<Channel> channel(new Channel());
  channel->recovery_notes_ = store->recovery_notes();
  LOOM_ASSIGN_OR_RETURN(channel->config_, CurrentConfig(*store));
  const channelconfig::ChannelConfig& config = channel->config_;
  if (!config.orderer)
    return Status::InvalidArgument("channel " + config.channel_id + " has no Orderer config");
  if (config.orderer->consensus_type != channelconfig::kConsensusSolo) {
    return Status::FailedPrecondition("channel " + config.channel_id + " uses consensus type '" +
                                      config.orderer->consensus_type +
                                      "'; this loom-orderer orders solo channels only");
  }
  LOOM_RETURN_IF_ERROR(CheckOrdererMembership(config, *options.signer));
  channel->batch_.max_message_count = config.orderer->max_message_count;
  channel->batch_.absolute_max_bytes = config.orderer->absolute_max_bytes;
  channel->batch_.preferred_max_bytes = config.orderer->preferred_max_bytes;
  channel->batch_.batch_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.orderer->batch_timeout_duration);
  LOOM_ASSIGN_OR_RETURN(channel->policies_, channelconfig::PolicyManager::Create(config));

  LOOM_ASSIGN_OR_RETURN(channel->log_, SoloLog::Open(dir + "/" + kLogFolder, options.log));
  for (const std::string& note : channel->log_->recovery_notes()) channel->recovery_notes_.push_back(note);
  channel->store_ = std::move(store);
  ledger::BlockStore* raw_store = channel->store_.get();
  channel->tx_ids_ = std::make_unique<TxIdGuard>(
      [raw_store](std::string_view tx_id) { return raw_store->GetTxLocation(tx_id).ok(); },
      options.tx_id_memory);
  LOOM_ASSIGN_OR_RETURN(channel->builder_, ChainBuilder::Create(raw_store, options.signer, channel->batch_));

  SoloChain::Options chain_options;
  chain_options.batch_timeout = channel->batch_.batch_timeout;
  chain_options.events = options.events;
  TxIdGuard* guard = channel->tx_ids_.get();
  chain_options.on_replayed_tx = [guard](const std::string& tx_id) { guard->Remember(tx_id); };
  LOOM_ASSIGN_OR_RETURN(channel->chain_,
                        SoloChain::Start(channel->log_.get(), channel->builder_.get(), raw_store,
                                         config.channel_id, std::move(chain_options)));
  if (channel->chain_->replayed_entries() > 0) {
    channel->recovery_notes_.push_back("replayed " + std::to_string(channel->chain_->replayed_entries()) +
                                       " log entries not yet in a block");
  }
  return channel;
}

Channel::~Channel() {
  Stop();
}

void Channel::Order(std::string envelope, std::string tx_id, OrderDone done) {
  chain_->Order(std::move(envelope), std::move(tx_id), std::move(done));
}

std::unique_ptr<OrderingChannel::ListenerHandle> Channel::AddBlockListener(
    std::function<void(uint64_t height)> listener) {
  return chain_->AddBlockListener(std::move(listener));
}

void Channel::Stop() {
  // Set first, so the listeners the chain calls as it stops find it set.
  stopped_ = true;
  if (chain_) chain_->Stop();
  if (store_) store_->Close();
}

}  // namespace loom::orderer
