#include "core/orderer/channel.h"

#include <filesystem>

#include "core/orderer/deliver_block_puller.h"
#include "core/orderer/raft_chain.h"

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
constexpr char kRaftFolder[] = "raft";

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
  const std::string& consensus = config.orderer->consensus_type;
  if (consensus != channelconfig::kConsensusSolo && consensus != channelconfig::kConsensusEtcdRaft) {
    return Status::FailedPrecondition("channel " + config.channel_id + " uses consensus type '" + consensus +
                                      "'; loom-orderer orders solo and etcdraft channels");
  }
  LOOM_RETURN_IF_ERROR(CheckOrdererMembership(config, *options.signer));
  channel->batch_.max_message_count = config.orderer->max_message_count;
  channel->batch_.absolute_max_bytes = config.orderer->absolute_max_bytes;
  channel->batch_.preferred_max_bytes = config.orderer->preferred_max_bytes;
  channel->batch_.batch_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.orderer->batch_timeout_duration);
  LOOM_ASSIGN_OR_RETURN(channel->policies_, channelconfig::PolicyManager::Create(config));

  channel->store_ = std::move(store);
  ledger::BlockStore* raw_store = channel->store_.get();
  channel->tx_ids_ = std::make_unique<TxIdGuard>(
      [raw_store](std::string_view tx_id) { return raw_store->GetTxLocation(tx_id).ok(); },
      options.tx_id_memory);
  if (consensus == channelconfig::kConsensusEtcdRaft) {
    LOOM_RETURN_IF_ERROR(channel->StartRaft(dir, options));
  } else {
    LOOM_RETURN_IF_ERROR(channel->StartSolo(dir, options));
  }
  return channel;
}

Status Channel::StartSolo(const std::string& dir, const ChannelOptions& options) {
  LOOM_ASSIGN_OR_RETURN(log_, SoloLog::Open(dir + "/" + kLogFolder, options.log));
  for (const std::string& note : log_->recovery_notes()) recovery_notes_.push_back(note);
  LOOM_ASSIGN_OR_RETURN(builder_, ChainBuilder::Create(store_.get(), options.signer, batch_));
  SoloChain::Options chain_options;
  chain_options.batch_timeout = batch_.batch_timeout;
  chain_options.events = options.events;
  TxIdGuard* guard = tx_ids_.get();
  chain_options.on_replayed_tx = [guard](const std::string& tx_id) { guard->Remember(tx_id); };
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<SoloChain> solo,
                        SoloChain::Start(log_.get(), builder_.get(), store_.get(), config_.channel_id,
                                         std::move(chain_options)));
  if (solo->replayed_entries() > 0) {
    recovery_notes_.push_back("replayed " + std::to_string(solo->replayed_entries()) +
                              " log entries not yet in a block");
  }
  chain_ = std::move(solo);
  return Status::Ok();
}

Status Channel::StartRaft(const std::string& dir, const ChannelOptions& options) {
  const channelconfig::OrdererConfig& orderer = *config_.orderer;
  if (options.raft == nullptr) {
    return Status::FailedPrecondition(
        "channel " + config_.channel_id +
        " uses etcdraft; give this orderer a cluster_address to take part in Raft");
  }
  if (orderer.raft_consenters.empty()) {
    return Status::InvalidArgument("channel " + config_.channel_id +
                                   ": its etcdraft config lists no consenters");
  }
  RaftChain::Options raft_options;
  raft_options.context = options.raft;
  raft_options.channel_id = config_.channel_id;
  raft_options.raft_dir = dir + "/" + kRaftFolder;
  raft_options.batch = batch_;
  if (orderer.raft_options) raft_options.raft = *orderer.raft_options;
  for (const auto& consenter : orderer.raft_consenters) {
    raft_options.consenters.push_back(consenter.host + ":" + std::to_string(consenter.port));
  }
  raft_options.events = options.events;
  TxIdGuard* guard = tx_ids_.get();
  raft_options.on_committed_tx = [guard](const std::string& tx_id) { guard->Remember(tx_id); };

  // Blocks this node lacks after a snapshot come from the other orderers.
  DeliverBlockPullerOptions puller_options;
  for (const auto& [name, org] : orderer.orgs) {
    for (const std::string& endpoint : org.endpoints) {
      if (endpoint != options.self_endpoint) puller_options.endpoints.push_back(endpoint);
    }
  }
  LOOM_ASSIGN_OR_RETURN(common::Block genesis, store_->GetBlock(0));
  puller_options.genesis_header_hash = protocol::BlockHeaderHash(genesis.header());
  if (!puller_options.endpoints.empty()) {
    LOOM_ASSIGN_OR_RETURN(
        raft_options.puller,
        DeliverBlockPuller::Create(config_.channel_id, options.signer, policies_, std::move(puller_options)));
  }
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<RaftChain> raft,
                        RaftChain::Start(store_.get(), options.signer, std::move(raft_options)));
  raft_chain_ = raft.get();
  chain_ = std::move(raft);
  return Status::Ok();
}

std::optional<RaftStatus> Channel::raft_status() const {
  if (raft_chain_ == nullptr) return std::nullopt;
  return raft_chain_->status();
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
