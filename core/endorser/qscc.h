// qscc: Fabric's query system chaincode, in-process, as a ChaincodeExecutor
// (register it as "qscc" in the ExecutorRouter).
//
// Arguments as Fabric's: args[0] the function, args[1] the channel, args[2]
// the argument:
//   GetChainInfo(channel)            -> common.BlockchainInfo{height,
//                                       currentBlockHash, previousBlockHash}
//                                       (block header hashes)
//   GetBlockByNumber(channel, n)     -> marshalled common.Block (n decimal)
//   GetBlockByHash(channel, hash)    -> common.Block (hash = raw header hash bytes)
//   GetTransactionByID(channel, id)  -> protos.ProcessedTransaction{
//                                       transactionEnvelope, validationCode
//                                       from the block's TRANSACTIONS_FILTER}
//   GetBlockByTxID(channel, id)      -> common.Block
// Too few arguments, an unknown function or channel, or a block / tx that
// does not exist: Response{status 500, message in Fabric's words}, e.g.
// "Incorrect number of arguments, 1", "missing 3rd argument for
// GetBlockByNumber", "Invalid chain ID, nochannel", "Requested function Foo
// not found.", "Failed to get block number 9, error ...".
//
// ACL: the endorser checked the proposal against its header channel's
// Readers. When args[1] names another channel, qscc checks the proposal's
// creator signature against that channel's /Channel/Application/Readers
// itself (as Fabric's qscc checks its ACL per channel argument); without a
// signed proposal such a query is refused.
//
// Reads go to the block store only (no TxSimulator use, nothing in the
// rwset). Thread-safe.
#pragma once

#include "core/chaincode/invocation.h"
#include "core/endorser/endorser_channel.h"

namespace loom::endorser {

inline constexpr char kQsccName[] = "qscc";

class Qscc : public chaincode::ChaincodeExecutor {
 public:
  // `channels` must be thread-safe.
  explicit Qscc(ChannelLookup channels) : channels_(std::move(channels)) {}

  // Always an OK Result (errors are status-500 responses).
  Result<chaincode::InvocationResult> Execute(const chaincode::Invocation& invocation) override;

 private:
  ChannelLookup channels_;
};

}  // namespace loom::endorser
