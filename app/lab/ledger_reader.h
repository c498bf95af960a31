// Reading a channel's ledger from the network, as any Fabric client may:
// blocks through a peer's protos.Deliver (a signed seek), single blocks and
// chain info through the peer's `qscc`, and the record of one transaction.
// Plus BlockSummary, one row of `loomctl blocks` and the GUI's block list.
//
// Peers are tried in the order the endpoints list the channel's peers (or
// only the one named); a peer that cannot be reached (Unavailable /
// DeadlineExceeded) makes the reader try the next, any other answer is
// final. Every call has the reader's deadline. The identity must be a reader
// of the channel. Thread-safe (no state besides the endpoints and channels).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/lab/endpoints.h"
#include "app/lab/tx_record.h"
#include "common/common.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::lab {

// One transaction's row in a block summary.
struct BlockTxSummary {
  uint32_t index = 0;
  std::string tx_id;
  std::string type;           // header type name
  std::string creator_mspid;  // empty when the creator does not decode
  std::string chaincode;
  std::string function;  // DisplayBytes of args[0]
  int validation_code = 0;
  std::string validation_code_name;
};

struct BlockSummary {
  uint64_t number = 0;
  std::string hash;  // hex of the header hash
  std::string previous_hash;
  std::string data_hash;
  uint32_t tx_count = 0;
  uint32_t valid_count = 0;
  uint32_t invalid_count = 0;
  std::vector<BlockTxSummary> txs;
};

// Pure: the summary of any block.
BlockSummary SummarizeBlock(const common::Block& block);

struct ChainInfo {
  std::string channel;
  std::string peer;  // the peer that answered
  uint64_t height = 0;
  std::string current_block_hash;  // hex
  std::string previous_block_hash;
};

class LedgerReader {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{30000};

  LedgerReader(NetworkEndpoints endpoints, std::shared_ptr<protocol::Signer> identity,
               std::chrono::milliseconds timeout = kDefaultTimeout);

  // Ask only the peer with this name (FQDN or a prefix of it); empty = any
  // peer of the channel.
  void set_peer(std::string peer) { peer_ = std::move(peer); }
  const NetworkEndpoints& endpoints() const { return endpoints_; }

  // qscc GetChainInfo.
  Result<ChainInfo> GetChainInfo(const std::string& channel) const;
  // qscc GetChainInfo at every peer of the channel, one result per peer.
  std::vector<std::pair<std::string, Result<ChainInfo>>> GetChainInfoEverywhere(
      const std::string& channel) const;

  // Blocks [from, to] through Deliver; `to` beyond the height is cut to the
  // last block; nullopt = to the last block. InvalidArgument when from > to.
  Result<std::vector<common::Block>> GetBlocks(const std::string& channel, uint64_t from,
                                               std::optional<uint64_t> to = std::nullopt) const;
  // qscc GetBlockByNumber / GetBlockByTxID.
  Result<common::Block> GetBlock(const std::string& channel, uint64_t number) const;
  Result<common::Block> GetBlockByTxId(const std::string& channel, const std::string& tx_id) const;

  // The channel config in force at block `number`: the config block its
  // metadata names as the last config.
  Result<channelconfig::ChannelConfig> GetConfigAt(const std::string& channel, uint64_t number) const;

  // The record of `tx_id`, searched on `channel` or, when empty, on every
  // channel of the endpoints. An id shorter than 64 characters that is not
  // found as such is taken as a prefix: the channels' blocks are scanned
  // for the one transaction whose id starts with it (FailedPrecondition
  // listing them when several do). NotFound naming the channels searched.
  Result<TxRecord> GetTx(const std::string& tx_id, const std::string& channel = {}) const;

  // The channels to search for a transaction: `channel`, or every channel.
  std::vector<std::string> ChannelsFor(const std::string& channel) const;

 private:
  // Runs `call` at the channel's peers in turn until one answers.
  template <typename T>
  Result<T> AtSomePeer(const std::string& channel,
                       const std::function<Result<T>(const PeerEndpoint&)>& call) const;
  // qscc `function`(channel, arg) at `peer`: the response payload.
  Result<std::string> Qscc(const PeerEndpoint& peer, const std::string& channel, const std::string& function,
                           const std::string& arg) const;
  Result<TxRecord> GetTxByPrefix(const std::string& prefix, const std::vector<std::string>& channels,
                                 const std::string& where) const;
  Result<std::vector<common::Block>> DeliverBlocks(const PeerEndpoint& peer, const std::string& channel,
                                                   uint64_t from, uint64_t to) const;

  NetworkEndpoints endpoints_;
  std::shared_ptr<protocol::Signer> identity_;
  std::chrono::milliseconds timeout_;
  std::string peer_;
};

// Whether `name` selects `peer` (its FQDN, or a prefix of it ending at a dot).
bool PeerNameMatches(const std::string& peer, const std::string& name);

}  // namespace loom::lab
