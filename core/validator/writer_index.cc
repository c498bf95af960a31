#include "core/validator/writer_index.h"

#include "core/protocol/envelope.h"

namespace loom::validator {

Result<std::optional<TxRef>> LedgerWriterIndex::LastWriteBefore(std::string_view ns, std::string_view key,
                                                                uint64_t before_block) const {
  // Newest first; entries at or after `before_block` exist only when the
  // ledger committed past the validated block, so a few suffice first.
  for (size_t limit : {size_t{8}, size_t{0}}) {
    LOOM_ASSIGN_OR_RETURN(std::vector<ledger::HistoryEntry> history,
                          ledger_.history().GetHistory(ns, key, ledger::HistoryOrder::kNewestFirst, limit));
    for (const ledger::HistoryEntry& entry : history) {
      if (entry.block_num >= before_block) continue;
      LOOM_ASSIGN_OR_RETURN(std::string tx_id, TxId(entry.block_num, entry.tx_num));
      return std::optional<TxRef>(
          TxRef{entry.block_num, entry.tx_num, std::move(tx_id), false, entry.is_delete});
    }
    if (limit == 0 || history.size() < limit) break;
  }
  return std::optional<TxRef>();
}

Result<std::string> LedgerWriterIndex::TxId(uint64_t block_num, uint64_t tx_num) const {
  LOOM_ASSIGN_OR_RETURN(common::Block block, ledger_.block_store().GetBlock(block_num));
  if (tx_num >= static_cast<uint64_t>(block.data().data_size())) {
    return Status::NotFound("block " + std::to_string(block_num) + " has no transaction " +
                            std::to_string(tx_num));
  }
  auto parsed = protocol::ParseEnvelopeBytes(block.data().data(static_cast<int>(tx_num)));
  if (!parsed.ok()) {
    return parsed.status().WithContext("block " + std::to_string(block_num) + " tx " +
                                       std::to_string(tx_num));
  }
  return parsed->channel_header.tx_id();
}

}  // namespace loom::validator
