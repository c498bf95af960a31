#include "core/ledger/indexed_block.h"

#include "core/crypto/hash.h"
#include "core/protocol/block_header.h"
#include "core/protocol/envelope.h"

namespace loom::ledger {
namespace {

std::string ShortHex(std::string_view hash) {
  return hash.empty() ? std::string("(empty)") : crypto::HexEncode(hash);
}

}  // namespace

Status CheckBlockExtendsChain(const common::Block& block, uint64_t height,
                              std::string_view last_header_hash) {
  if (!block.has_header()) return Status::InvalidArgument("block has no header");
  const common::BlockHeader& header = block.header();
  if (header.number() != height) {
    return Status::InvalidArgument("block number is " + std::to_string(header.number()) + ", expected " +
                                   std::to_string(height) + " (the chain has " + std::to_string(height) +
                                   " blocks)");
  }
  if (header.previous_hash() != last_header_hash) {
    std::string what =
        height == 0 ? std::string("the empty previous_hash of block 0")
                    : "block " + std::to_string(height - 1) + "'s header hash " + ShortHex(last_header_hash);
    return Status::InvalidArgument("block " + std::to_string(height) + ": previous_hash " +
                                   ShortHex(header.previous_hash()) + " does not match " + what);
  }
  std::string data_hash = protocol::ComputeDataHash(block.data());
  if (header.data_hash() != data_hash) {
    return Status::InvalidArgument("block " + std::to_string(height) + ": data_hash " +
                                   ShortHex(header.data_hash()) + " does not match the hash of its data " +
                                   ShortHex(data_hash));
  }
  return Status::Ok();
}

IndexedBlock DescribeBlock(const common::Block& block, const BlockLocation& location) {
  IndexedBlock indexed;
  indexed.number = block.header().number();
  indexed.header_hash = protocol::BlockHeaderHash(block.header());
  indexed.location = location;
  indexed.tx_ids.reserve(block.data().data_size());
  for (const std::string& envelope : block.data().data()) {
    auto parsed = protocol::ParseEnvelopeBytes(envelope);
    indexed.tx_ids.push_back(parsed.ok() ? parsed->channel_header.tx_id() : std::string());
  }
  return indexed;
}

}  // namespace loom::ledger
