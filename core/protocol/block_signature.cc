#include "core/protocol/block_signature.h"

#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"

namespace loom::protocol {

Status SignBlock(common::Block* block, const Signer& signer, uint64_t last_config_index,
                 std::string consenter_metadata) {
  EnsureMetadataSlots(block);
  common::OrdererBlockMetadata orderer_metadata;
  orderer_metadata.mutable_last_config()->set_index(last_config_index);
  orderer_metadata.set_consenter_metadata(std::move(consenter_metadata));
  std::string value = orderer_metadata.SerializeAsString();

  common::Metadata metadata;
  auto existing = BlockSignaturesMetadata(*block);
  if (existing.ok() && existing->value() == value) metadata = std::move(existing).value();
  metadata.set_value(value);

  std::string signature_header =
      MakeSignatureHeader(signer.serialized_identity(), NewNonce()).SerializeAsString();
  LOOM_ASSIGN_OR_RETURN(std::string signature,
                        signer.Sign(value + signature_header + BlockHeaderBytes(block->header())));
  common::MetadataSignature* entry = metadata.add_signatures();
  entry->set_signature_header(std::move(signature_header));
  entry->set_signature(std::move(signature));
  block->mutable_metadata()->set_metadata(common::SIGNATURES, metadata.SerializeAsString());
  return Status::Ok();
}

Result<common::Metadata> BlockSignaturesMetadata(const common::Block& block) {
  common::Metadata metadata;
  if (!block.has_metadata() || block.metadata().metadata_size() <= common::SIGNATURES) return metadata;
  if (!metadata.ParseFromString(block.metadata().metadata(common::SIGNATURES))) {
    return Status::InvalidArgument("SIGNATURES metadata is not a common.Metadata");
  }
  return metadata;
}

Result<uint64_t> LastConfigIndex(const common::Block& block) {
  LOOM_ASSIGN_OR_RETURN(common::Metadata metadata, BlockSignaturesMetadata(block));
  common::OrdererBlockMetadata orderer_metadata;
  if (!orderer_metadata.ParseFromString(metadata.value())) {
    return Status::InvalidArgument("SIGNATURES metadata value is not a common.OrdererBlockMetadata");
  }
  return orderer_metadata.last_config().index();
}

Result<std::vector<SignedData>> BlockSignatureSet(const common::Block& block) {
  LOOM_ASSIGN_OR_RETURN(common::Metadata metadata, BlockSignaturesMetadata(block));
  std::string header_bytes = BlockHeaderBytes(block.header());
  std::vector<SignedData> set;
  for (int i = 0; i < metadata.signatures_size(); ++i) {
    const common::MetadataSignature& entry = metadata.signatures(i);
    common::SignatureHeader signature_header;
    if (!signature_header.ParseFromString(entry.signature_header())) {
      return Status::InvalidArgument("orderer signature " + std::to_string(i) +
                                     ": signature header is not a common.SignatureHeader");
    }
    set.push_back({metadata.value() + entry.signature_header() + header_bytes, signature_header.creator(),
                   entry.signature()});
  }
  return set;
}

std::vector<std::string> CheckOrdererSignatures(const common::Block& block) {
  auto set = BlockSignatureSet(block);
  if (!set.ok()) return {set.status().message()};
  std::vector<std::string> problems;
  for (size_t i = 0; i < set->size(); ++i) {
    const SignedData& signed_data = (*set)[i];
    Status status = VerifySignatureByIdentity(signed_data.identity, signed_data.data, signed_data.signature);
    if (!status.ok()) problems.push_back("orderer signature " + std::to_string(i) + ": " + status.message());
  }
  return problems;
}

}  // namespace loom::protocol
