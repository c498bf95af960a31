#include "core/orderer/block_check.h"

#include "core/channelconfig/policy_manager.h"
#include "core/crypto/hash.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"

namespace loom::orderer {
namespace {

std::string Hex(std::string_view bytes) {
  return bytes.empty() ? "(empty)" : crypto::HexEncode(std::string(bytes));
}

}  // namespace

Status CheckDeliveredBlock(const common::Block& block, uint64_t number,
                           const std::optional<std::string>& previous_hash,
                           const channelconfig::PolicyManager& policies, std::string_view genesis_header_hash,
                           crypto::Clock::time_point at) {
  std::string what = "block " + std::to_string(number);
  if (!block.has_header()) return Status::Corruption(what + ": has no header");
  const common::BlockHeader& header = block.header();
  if (header.number() != number) {
    return Status::Corruption(what + ": the orderer sent block " + std::to_string(header.number()) +
                              " (header number) instead");
  }
  std::string data_hash = protocol::ComputeDataHash(block.data());
  if (header.data_hash() != data_hash) {
    return Status::Corruption(what + ": the header's data hash " + Hex(header.data_hash()) +
                              " does not match its data (" + Hex(data_hash) + ")");
  }
  if (previous_hash && header.previous_hash() != *previous_hash) {
    return Status::Corruption(what + ": previous hash " + Hex(header.previous_hash()) +
                              " is not the header hash of block " + std::to_string(number - 1) + " (" +
                              Hex(*previous_hash) + ")");
  }
  if (number == 0) {
    if (genesis_header_hash.empty()) {
      return Status::PermissionDenied(what +
                                      ": the genesis block carries no orderer signature, and no "
                                      "genesis header hash was given to check it against");
    }
    std::string header_hash = protocol::BlockHeaderHash(header);
    if (header_hash != genesis_header_hash) {
      return Status::Corruption(what + ": header hash " + Hex(header_hash) +
                                " is not the channel's genesis block (" + Hex(genesis_header_hash) + ")");
    }
    return Status::Ok();
  }
  auto signatures = protocol::BlockSignatureSet(block);
  if (!signatures.ok()) return Status::Corruption(what + ": " + signatures.status().message());
  Status allowed = policies.Evaluate(kBlockValidationPolicyPath, *signatures, at);
  if (!allowed.ok()) {
    return Status::PermissionDenied(what + ": its orderer signatures do not satisfy " +
                                    kBlockValidationPolicyPath + ": " + allowed.message());
  }
  return Status::Ok();
}

}  // namespace loom::orderer
