#include "core/orderer/chain_builder.h"

#include <utility>

#include "core/protocol/block.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/envelope.h"

namespace loom::orderer {
namespace {

// The channel a genesis block belongs to: its first envelope's channel id.
Result<std::string> ChannelOfGenesis(const common::Block& genesis) {
  if (genesis.data().data_size() == 0) return Status::InvalidArgument("block 0 has no envelope");
  auto parsed = protocol::ParseEnvelopeBytes(genesis.data().data(0));
  if (!parsed.ok()) return parsed.status().WithContext("block 0, envelope 0");
  if (parsed->channel_header.channel_id().empty()) {
    return Status::InvalidArgument("block 0, envelope 0: channel header has no channel id");
  }
  return parsed->channel_header.channel_id();
}

// The deprecated LAST_CONFIG slot, which Fabric's block writer still fills.
std::string LastConfigSlot(uint64_t last_config_index) {
  common::LastConfig last_config;
  last_config.set_index(last_config_index);
  common::Metadata metadata;
  metadata.set_value(last_config.SerializeAsString());
  return metadata.SerializeAsString();
}

}  // namespace

ChainBuilder::ChainBuilder(ledger::BlockStore* store, const protocol::Signer* signer, BatchConfig config)
    : store_(store), signer_(signer), cutter_(config) {}

Result<std::unique_ptr<ChainBuilder>> ChainBuilder::Create(ledger::BlockStore* store,
                                                           const protocol::Signer* signer,
                                                           BatchConfig config) {
  if (store == nullptr || signer == nullptr) {
    return Status::InvalidArgument("chain builder: no store or signer");
  }
  const uint64_t height = store->Height();
  if (height == 0) {
    return Status::FailedPrecondition(store->dir() +
                                      ": the block store is empty; a chain starts from its genesis block");
  }
  std::unique_ptr<ChainBuilder> builder(new ChainBuilder(store, signer, config));
  LOOM_ASSIGN_OR_RETURN(common::Block genesis, store->GetBlock(0));
  LOOM_ASSIGN_OR_RETURN(builder->channel_id_, ChannelOfGenesis(genesis));

  builder->next_block_number_ = height;
  if (height > 1) {
    LOOM_ASSIGN_OR_RETURN(common::Block last, store->GetBlock(height - 1));
    auto last_config = protocol::LastConfigIndex(last);
    if (!last_config.ok()) return last_config.status().WithContext("block " + std::to_string(height - 1));
    builder->last_config_index_ = *last_config;
    LOOM_ASSIGN_OR_RETURN(builder->last_applied_index_, LastLogIndexOfBlock(last));
  }
  return builder;
}

Result<std::vector<common::Block>> ChainBuilder::Apply(const LogEntry& entry) {
  last_cut_reasons_.clear();
  if (!failure_.ok()) {
    return Status::FailedPrecondition("chain " + channel_id_ + ": an earlier entry failed (" +
                                      failure_.message() +
                                      "); re-create the builder from the store and replay the log");
  }
  if (entry.channel != channel_id_) {
    return Status::InvalidArgument("log entry " + std::to_string(entry.index) + " is for channel '" +
                                   entry.channel + "', this chain is '" + channel_id_ + "'");
  }
  if (entry.index == 0) {
    return Status::InvalidArgument("log entry has no index: it was never appended to the log");
  }
  if (entry.index <= last_applied_index_) return std::vector<common::Block>{};
  LOOM_RETURN_IF_ERROR(ValidateLogEntry(entry));

  // Each batch with the log index it records (see the header).
  std::vector<std::pair<Batch, uint64_t>> cuts;
  if (entry.kind == LogEntry::kEnvelope) {
    std::vector<Batch> batches = cutter_.Ordered(entry.envelope);
    for (size_t i = 0; i < batches.size(); ++i) {
      const bool holds_entry = i + 1 == batches.size() && (batches[i].reason == CutReason::kCount ||
                                                           batches[i].reason == CutReason::kOversized);
      cuts.emplace_back(std::move(batches[i]), holds_entry ? entry.index : entry.index - 1);
    }
  } else if (entry.cut_block_number == next_block_number_) {
    if (auto batch = cutter_.Cut(CutReason::kTimeout)) cuts.emplace_back(std::move(*batch), entry.index);
  }

  std::vector<common::Block> blocks;
  for (auto& [batch, log_index] : cuts) {
    const CutReason reason = batch.reason;
    auto block = WriteBlock(std::move(batch), log_index);
    if (!block.ok()) {
      failure_ = block.status();
      return block.status();
    }
    blocks.push_back(std::move(block).value());
    last_cut_reasons_.push_back(reason);
  }
  last_applied_index_ = entry.index;
  return blocks;
}

Result<common::Block> ChainBuilder::WriteBlock(Batch batch, uint64_t log_index) {
  const std::string where = "chain " + channel_id_ + ", block " + std::to_string(next_block_number_);
  common::Block block =
      protocol::NewBlock(next_block_number_, store_->LastHeaderHash(), std::move(batch.envelopes));
  block.mutable_metadata()->set_metadata(kLastConfigMetadataSlot, LastConfigSlot(last_config_index_));
  Status signed_status =
      protocol::SignBlock(&block, *signer_, last_config_index_, EncodeConsenterMetadata(log_index));
  if (!signed_status.ok()) return signed_status.WithContext(where + ": signing");
  Status appended = store_->Append(block);
  if (!appended.ok()) return appended.WithContext(where + ": appending");
  ++next_block_number_;
  return block;
}

}  // namespace loom::orderer
