#include "core/endorser/qscc.h"

#include <charconv>
#include <span>

#include "common/ledger.pb.h"
#include "core/crypto/hash.h"
#include "core/endorser/proposal_check.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/signed_data.h"
#include "peer/transaction.pb.h"

namespace loom::endorser {
namespace {

constexpr std::string_view kGetChainInfo = "GetChainInfo";
constexpr std::string_view kGetBlockByNumber = "GetBlockByNumber";
constexpr std::string_view kGetBlockByHash = "GetBlockByHash";
constexpr std::string_view kGetTransactionByID = "GetTransactionByID";
constexpr std::string_view kGetBlockByTxID = "GetBlockByTxID";

chaincode::InvocationResult Error(std::string message) {
  chaincode::InvocationResult result;
  result.response.set_status(chaincode::kStatusError);
  result.response.set_message(std::move(message));
  return result;
}

chaincode::InvocationResult Success(std::string payload) {
  chaincode::InvocationResult result;
  result.response.set_status(chaincode::kStatusOk);
  result.response.set_payload(std::move(payload));
  return result;
}

chaincode::InvocationResult ChainInfo(const ledger::BlockStore& blocks) {
  common::BlockchainInfo info;
  uint64_t height = blocks.Height();
  info.set_height(height);
  if (height > 0) {
    Result<common::Block> last = blocks.GetBlock(height - 1);
    if (!last.ok()) return Error("Failed to get block info with error " + last.status().ToString());
    info.set_currentblockhash(protocol::BlockHeaderHash(last->header()));
    info.set_previousblockhash(last->header().previous_hash());
  }
  return Success(info.SerializeAsString());
}

chaincode::InvocationResult BlockByNumber(const ledger::BlockStore& blocks, const std::string& argument) {
  if (argument.empty()) return Error("Block number must not be nil.");
  uint64_t number = 0;
  auto [end, error] = std::from_chars(argument.data(), argument.data() + argument.size(), number);
  if (error != std::errc() || end != argument.data() + argument.size())
    return Error("Failed to parse block number with error: '" + argument + "' is not a decimal block number");
  Result<std::string> bytes = blocks.GetBlockBytes(number);
  if (!bytes.ok())
    return Error("Failed to get block number " + argument + ", error " + bytes.status().ToString());
  return Success(std::move(*bytes));
}

chaincode::InvocationResult BlockByHash(const ledger::BlockStore& blocks, const std::string& hash) {
  if (hash.empty()) return Error("Block hash must not be nil.");
  Result<uint64_t> number = blocks.GetBlockNumberByHash(hash);
  Result<std::string> bytes =
      number.ok() ? blocks.GetBlockBytes(*number) : Result<std::string>(number.status());
  if (!bytes.ok())
    return Error("Failed to get block hash " + crypto::HexEncode(hash) + ", error " +
                 bytes.status().ToString());
  return Success(std::move(*bytes));
}

chaincode::InvocationResult TransactionByID(const ledger::BlockStore& blocks, const std::string& tx_id) {
  if (tx_id.empty()) return Error("Transaction ID must not be nil.");
  auto failed = [&](const Status& status) {
    return Error("Failed to get transaction with id " + tx_id + ", error " + status.ToString());
  };
  Result<ledger::TxLocation> location = blocks.GetTxLocation(tx_id);
  if (!location.ok()) return failed(location.status());
  Result<common::Block> block = blocks.GetBlock(location->block_number);
  if (!block.ok()) return failed(block.status());
  if (location->tx_index >= static_cast<uint32_t>(block->data().data_size()))
    return failed(Status::Corruption("block " + std::to_string(location->block_number) +
                                     " has no transaction " + std::to_string(location->tx_index)));
  protos::ProcessedTransaction processed;
  if (!processed.mutable_transactionenvelope()->ParseFromString(block->data().data(location->tx_index)))
    return failed(Status::Corruption("transaction " + std::to_string(location->tx_index) + " of block " +
                                     std::to_string(location->block_number) + " is not an Envelope"));
  std::string filter = protocol::TransactionsFilter(*block);
  processed.set_validationcode(location->tx_index < filter.size()
                                   ? static_cast<uint8_t>(filter[location->tx_index])
                                   : static_cast<int32_t>(protos::NOT_VALIDATED));
  return Success(processed.SerializeAsString());
}

chaincode::InvocationResult BlockByTxID(const ledger::BlockStore& blocks, const std::string& tx_id) {
  if (tx_id.empty()) return Error("Transaction ID must not be nil.");
  Result<ledger::TxLocation> location = blocks.GetTxLocation(tx_id);
  Result<std::string> bytes =
      location.ok() ? blocks.GetBlockBytes(location->block_number) : Result<std::string>(location.status());
  if (!bytes.ok())
    return Error("Failed to get block for txID " + tx_id + ", error " + bytes.status().ToString());
  return Success(std::move(*bytes));
}

}  // namespace

Result<chaincode::InvocationResult> Qscc::Execute(const chaincode::Invocation& invocation) {
  const auto& args = invocation.input.args();
  if (args.size() < 2) return Error("Incorrect number of arguments, " + std::to_string(args.size()));
  if (invocation.call_depth > 0)
    return Error("Rejecting invoke of QSCC from another chaincode because of potential for deadlocks");
  const std::string& function = args[0];
  const std::string& channel_id = args[1];
  if (function != kGetChainInfo && args.size() < 3) return Error("missing 3rd argument for " + function);

  std::optional<EndorserChannel> channel = channels_(channel_id);
  if (!channel || !channel->ledger || !channel->policies) return Error("Invalid chain ID, " + channel_id);

  // The endorser checked the header channel's Readers; another channel's
  // ACL is checked here.
  if (channel_id != invocation.channel_id) {
    if (invocation.signed_proposal == nullptr)
      return Error("access denied for [" + function + "][" + channel_id + "]: no signed proposal to check");
    protocol::SignedData signed_data{invocation.signed_proposal->proposal_bytes(), invocation.creator,
                                     invocation.signed_proposal->signature()};
    Status allowed = channel->policies->Evaluate(kApplicationReaders, std::span(&signed_data, 1));
    if (!allowed.ok())
      return Error("access denied for [" + function + "][" + channel_id + "]: " + allowed.message());
  }

  const ledger::BlockStore& blocks = channel->ledger->block_store();
  if (function == kGetChainInfo) return ChainInfo(blocks);
  if (function == kGetBlockByNumber) return BlockByNumber(blocks, args[2]);
  if (function == kGetBlockByHash) return BlockByHash(blocks, args[2]);
  if (function == kGetTransactionByID) return TransactionByID(blocks, args[2]);
  if (function == kGetBlockByTxID) return BlockByTxID(blocks, args[2]);
  return Error("Requested function " + function + " not found.");
}

}  // namespace loom::endorser
