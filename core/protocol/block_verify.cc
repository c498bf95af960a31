#include "core/protocol/block_verify.h"

#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/transaction_check.h"
#include "peer/transaction.pb.h"

namespace loom::protocol {
namespace {

// CVE-2023-46132: data_hash hashes a plain concatenation, so bytes moved
// between adjacent transactions keep it intact; only a canonical encoding
// of each transaction pins where one ends and the next begins.
std::optional<std::string> RemarshalProblem(const std::string& raw, size_t index) {
  std::string where = "transaction " + std::to_string(index);
  common::Envelope envelope;
  if (!envelope.ParseFromString(raw)) return where + " is not a common.Envelope";
  std::string remarshalled = envelope.SerializeAsString();
  if (remarshalled == raw) return std::nullopt;
  if (remarshalled.size() < raw.size()) {
    return where + " has " + std::to_string(raw.size() - remarshalled.size()) + " trailing bytes";
  }
  return where + " does not re-marshal to its stored bytes";
}

bool MarkedInvalidByPeer(const std::string& filter, size_t index) {
  if (index >= filter.size()) return false;
  int code = static_cast<uint8_t>(filter[index]);
  return code != protos::VALID && code != protos::NOT_VALIDATED;
}

}  // namespace

std::string BlockFault::ToString() const {
  return "block " + std::to_string(block_number) + ": " + message;
}

std::vector<BlockFault> VerifyBlock(const common::Block& block,
                                    const std::optional<std::string>& previous_header_hash) {
  const uint64_t number = block.header().number();
  std::vector<BlockFault> faults;
  auto add = [&](std::string message) { faults.push_back({number, std::move(message)}); };

  if (!block.has_header()) add("block has no header");
  if (ComputeDataHash(block.data()) != block.header().data_hash()) add("DataHash mismatch");
  if (previous_header_hash.has_value() && *previous_header_hash != block.header().previous_hash()) {
    add("PreviousHash mismatch");
  }
  for (const std::string& problem : CheckOrdererSignatures(block)) add(problem);

  const std::string filter = TransactionsFilter(block);
  TransactionCheckOptions options;
  options.allow_unsigned_config = number == 0;
  for (int i = 0; i < block.data().data_size(); ++i) {
    const std::string& raw = block.data().data(i);
    if (auto problem = RemarshalProblem(raw, static_cast<size_t>(i))) {
      add(*problem);
      continue;
    }
    if (MarkedInvalidByPeer(filter, static_cast<size_t>(i))) continue;
    for (const std::string& problem : CheckTransaction(raw, options)) {
      add("transaction " + std::to_string(i) + ": " + problem);
    }
  }
  return faults;
}

std::vector<BlockFault> VerifyChain(std::span<const common::Block> blocks) {
  std::vector<BlockFault> faults;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const common::Block& block = blocks[i];
    std::optional<std::string> previous_hash;
    if (i > 0) {
      previous_hash = BlockHeaderHash(blocks[i - 1].header());
      uint64_t expected_number = blocks[i - 1].header().number() + 1;
      if (block.header().number() != expected_number) {
        faults.push_back({block.header().number(), "block number does not follow block " +
                                                       std::to_string(blocks[i - 1].header().number())});
      }
    } else if (block.header().number() == 0) {
      previous_hash = std::string();
    }
    std::vector<BlockFault> block_faults = VerifyBlock(block, previous_hash);
    faults.insert(faults.end(), block_faults.begin(), block_faults.end());
  }
  return faults;
}

}  // namespace loom::protocol
