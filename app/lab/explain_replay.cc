#include "app/lab/explain_replay.h"

#include "core/channelconfig/config_reader.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "core/validator/tx_rwset.h"

namespace loom::lab {

Status LedgerReplay::ApplyBlock(const common::Block& block) {
  uint64_t number = block.header().number();
  if (number != next_block_ || next_tx_)
    return Status::InvalidArgument("replay expected block " + std::to_string(next_block_) + ", got " +
                                   std::to_string(number));
  int count = block.data().data_size();
  if (count == 0) {
    ++next_block_;
    return Status::Ok();
  }
  for (int i = 0; i < count; ++i) LOOM_RETURN_IF_ERROR(ApplyTx(block, static_cast<uint32_t>(i)));
  return Status::Ok();
}

Status LedgerReplay::ApplyTx(const common::Block& block, uint32_t index) {
  uint64_t number = block.header().number();
  uint32_t expected = next_tx_.value_or(0);
  if (number != next_block_ || index != expected)
    return Status::InvalidArgument("replay expected block " + std::to_string(next_block_) + " tx " +
                                   std::to_string(expected) + ", got block " + std::to_string(number) +
                                   " tx " + std::to_string(index));
  uint32_t count = static_cast<uint32_t>(block.data().data_size());
  if (index >= count)
    return Status::InvalidArgument("block " + std::to_string(number) + " has no tx " + std::to_string(index));
  std::string filter = protocol::TransactionsFilter(block);
  int code = index < filter.size() ? static_cast<uint8_t>(filter[index]) : 0;
  const std::string& envelope = block.data().data(static_cast<int>(index));

  Result<protocol::ParsedEnvelope> parsed = protocol::ParseEnvelopeBytes(envelope);
  if (parsed.ok()) {
    TxPosition position{parsed->channel_header.tx_id(), number, index, code};
    if (!position.tx_id.empty()) tx_ids_.try_emplace(position.tx_id, position);
    if (code == 0 && parsed->channel_header.type() == common::ENDORSER_TRANSACTION) {
      Result<validator::TxReadWriteSet> rwset = validator::ExtractTxReadWriteSet(envelope);
      if (rwset.ok()) {
        for (const validator::NsReadWriteSet& ns : rwset->namespaces) {
          for (const validator::KeyWrite& write : ns.writes) {
            ReplayedKey& entry = state_[{ns.ns, write.key}];
            entry.value = write.is_delete ? std::string() : write.value;
            entry.deleted = write.is_delete;
            entry.version = ledger::Version{number, index};
            entry.writer = position;
          }
        }
      }
    } else if (code == 0 && parsed->channel_header.type() == common::CONFIG) {
      common::Block single;
      *single.mutable_header() = block.header();
      single.mutable_data()->add_data(envelope);
      Result<channelconfig::ChannelConfig> config = channelconfig::ReadChannelConfig(single);
      if (!config.ok()) return config.status().WithContext("config in block " + std::to_string(number));
      config_ = std::move(*config);
    }
  }
  if (index + 1 == count) {
    ++next_block_;
    next_tx_.reset();
  } else {
    next_tx_ = index + 1;
  }
  return Status::Ok();
}

const ReplayedKey* LedgerReplay::Find(std::string_view ns, std::string_view key) const {
  auto found = state_.find({std::string(ns), std::string(key)});
  return found == state_.end() ? nullptr : &found->second;
}

std::vector<std::pair<std::string, const ReplayedKey*>> LedgerReplay::Range(std::string_view ns,
                                                                            std::string_view start,
                                                                            std::string_view end,
                                                                            bool include_end) const {
  std::vector<std::pair<std::string, const ReplayedKey*>> out;
  for (auto it = state_.lower_bound({std::string(ns), std::string(start)});
       it != state_.end() && it->first.first == ns; ++it) {
    const std::string& key = it->first.second;
    if (!end.empty()) {
      int order = key.compare(end);
      if (order > 0 || (order == 0 && !include_end)) break;
    }
    if (!it->second.deleted) out.emplace_back(key, &it->second);
  }
  return out;
}

const TxPosition* LedgerReplay::FindTx(std::string_view tx_id) const {
  auto found = tx_ids_.find(tx_id);
  return found == tx_ids_.end() ? nullptr : &found->second;
}

}  // namespace loom::lab
