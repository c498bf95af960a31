#include "core/protocol/block.h"

#include "core/protocol/block_header.h"
#include "peer/transaction.pb.h"

namespace loom::protocol {

common::Block NewBlock(uint64_t number, std::string previous_hash, std::vector<std::string> envelopes) {
  common::Block block;
  common::BlockHeader* header = block.mutable_header();
  header->set_number(number);
  header->set_previous_hash(std::move(previous_hash));
  for (std::string& envelope : envelopes) block.mutable_data()->add_data(std::move(envelope));
  header->set_data_hash(ComputeDataHash(block.data()));
  EnsureMetadataSlots(&block);
  return block;
}

void EnsureMetadataSlots(common::Block* block) {
  auto* metadata = block->mutable_metadata()->mutable_metadata();
  while (metadata->size() < kBlockMetadataSlotCount) metadata->Add();
}

Result<common::Block> ParseBlock(std::string_view bytes) {
  common::Block block;
  if (!block.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::InvalidArgument("not a common.Block (protobuf parse failed)");
  }
  if (!block.has_header()) return Status::InvalidArgument("not a common.Block: it has no header");
  return block;
}

std::string TransactionsFilter(const common::Block& block) {
  if (!block.has_metadata() || block.metadata().metadata_size() <= common::TRANSACTIONS_FILTER) return {};
  return block.metadata().metadata(common::TRANSACTIONS_FILTER);
}

std::string ValidationCodeName(int code) {
  if (protos::TxValidationCode_IsValid(code)) {
    return protos::TxValidationCode_Name(static_cast<protos::TxValidationCode>(code));
  }
  return "UNKNOWN(" + std::to_string(code) + ")";
}

}  // namespace loom::protocol
