#include "app/lab/ledger_reader.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>

#include "common/ledger.pb.h"
#include "core/channelconfig/config_reader.h"
#include "core/client/proposal.h"
#include "core/crypto/hash.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/block.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/envelope.h"
#include "peer/events.grpc.pb.h"

namespace loom::lab {
namespace {

bool Unreachable(const Status& status) {
  return status.code() == Status::Code::kUnavailable || status.code() == Status::Code::kDeadlineExceeded;
}

}  // namespace

bool PeerNameMatches(const std::string& peer, const std::string& name) {
  if (peer == name) return true;
  return peer.size() > name.size() && peer.compare(0, name.size(), name) == 0 && peer[name.size()] == '.';
}

LedgerReader::LedgerReader(NetworkEndpoints endpoints, std::shared_ptr<protocol::Signer> identity,
                           std::chrono::milliseconds timeout)
    : endpoints_(std::move(endpoints)), identity_(std::move(identity)), timeout_(timeout) {}

template <typename T>
Result<T> LedgerReader::AtSomePeer(const std::string& channel,
                                   const std::function<Result<T>(const PeerEndpoint&)>& call) const {
  std::vector<const PeerEndpoint*> peers = endpoints_.PeersOf(channel);
  if (!peer_.empty()) {
    std::erase_if(peers, [&](const PeerEndpoint* peer) { return !PeerNameMatches(peer->name, peer_); });
    if (peers.empty()) return Status::NotFound("no peer named " + peer_ + " serves channel " + channel);
  }
  if (peers.empty()) return Status::NotFound("no peer of the network serves channel " + channel);
  Status last = Status::Unavailable("no peer answered");
  for (const PeerEndpoint* peer : peers) {
    Result<T> result = call(*peer);
    if (result.ok() || !Unreachable(result.status())) return result;
    last = result.status().WithContext(peer->name);
  }
  return last;
}

Result<std::string> LedgerReader::Qscc(const PeerEndpoint& peer, const std::string& channel,
                                       const std::string& function, const std::string& arg) const {
  client::ProposalRequest request{channel, "qscc", {function, channel}, {}, false};
  if (!arg.empty()) request.args.push_back(arg);
  LOOM_ASSIGN_OR_RETURN(client::SignedProposal proposal, client::CreateSignedProposal(*identity_, request));
  LOOM_ASSIGN_OR_RETURN(protos::ProposalResponse response,
                        client::Endorse(client::Dial(peer.endpoint), proposal.signed_proposal, timeout_));
  if (response.response().status() >= 400) {
    std::string message = "qscc " + function + " at " + peer.name + ": " + response.response().message();
    if (response.response().message().rfind("Failed to get", 0) == 0) return Status::NotFound(message);
    return Status::FailedPrecondition(message);
  }
  return response.response().payload();
}

Result<ChainInfo> LedgerReader::GetChainInfo(const std::string& channel) const {
  return AtSomePeer<ChainInfo>(channel, [&](const PeerEndpoint& peer) -> Result<ChainInfo> {
    LOOM_ASSIGN_OR_RETURN(std::string payload, Qscc(peer, channel, "GetChainInfo", ""));
    common::BlockchainInfo info;
    if (!info.ParseFromString(payload))
      return Status::InvalidArgument("qscc GetChainInfo at " + peer.name + ": not a BlockchainInfo");
    return ChainInfo{channel, peer.name, info.height(), crypto::HexEncode(info.currentblockhash()),
                     crypto::HexEncode(info.previousblockhash())};
  });
}

std::vector<std::pair<std::string, Result<ChainInfo>>> LedgerReader::GetChainInfoEverywhere(
    const std::string& channel) const {
  std::vector<std::pair<std::string, Result<ChainInfo>>> out;
  for (const PeerEndpoint* peer : endpoints_.PeersOf(channel)) {
    LedgerReader one(*this);
    one.set_peer(peer->name);
    out.emplace_back(peer->name, one.GetChainInfo(channel));
  }
  return out;
}

Result<common::Block> LedgerReader::GetBlock(const std::string& channel, uint64_t number) const {
  return AtSomePeer<common::Block>(channel, [&](const PeerEndpoint& peer) -> Result<common::Block> {
    LOOM_ASSIGN_OR_RETURN(std::string payload,
                          Qscc(peer, channel, "GetBlockByNumber", std::to_string(number)));
    return protocol::ParseBlock(payload);
  });
}

Result<common::Block> LedgerReader::GetBlockByTxId(const std::string& channel,
                                                   const std::string& tx_id) const {
  return AtSomePeer<common::Block>(channel, [&](const PeerEndpoint& peer) -> Result<common::Block> {
    LOOM_ASSIGN_OR_RETURN(std::string payload, Qscc(peer, channel, "GetBlockByTxID", tx_id));
    return protocol::ParseBlock(payload);
  });
}

Result<std::vector<common::Block>> LedgerReader::DeliverBlocks(const PeerEndpoint& peer,
                                                               const std::string& channel, uint64_t from,
                                                               uint64_t to) const {
  ::orderer::SeekInfo seek =
      orderer::MakeSeekInfo(orderer::SeekPoint::Number(from), orderer::SeekPoint::Number(to),
                            ::orderer::SeekInfo::FAIL_IF_NOT_READY);
  LOOM_ASSIGN_OR_RETURN(common::Envelope request, orderer::CreateSeekEnvelope(channel, *identity_, seek));
  auto stub = protos::Deliver::NewStub(client::Dial(peer.endpoint));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  auto stream = stub->Deliver(&context);
  std::vector<common::Block> blocks;
  std::optional<common::Status> final_status;
  if (stream->Write(request)) {
    stream->WritesDone();
    protos::DeliverResponse response;
    while (stream->Read(&response)) {
      if (response.has_block()) {
        blocks.push_back(response.block());
      } else if (response.Type_case() == protos::DeliverResponse::kStatus) {
        final_status = response.status();
        break;
      }
    }
  }
  if (final_status) context.TryCancel();
  grpc::Status call = stream->Finish();
  std::string where = "Deliver of " + channel + " blocks " + std::to_string(from) + ".." +
                      std::to_string(to) + " at " + peer.name;
  if (!final_status) {
    if (call.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
      return Status::DeadlineExceeded(where + ": " + call.error_message());
    return Status::Unavailable(where + ": " +
                               (call.ok() ? "the stream ended without a status" : call.error_message()));
  }
  if (*final_status != common::SUCCESS)
    return Status::FailedPrecondition(where + ": status " + common::Status_Name(*final_status));
  return blocks;
}

Result<std::vector<common::Block>> LedgerReader::GetBlocks(const std::string& channel, uint64_t from,
                                                           std::optional<uint64_t> to) const {
  if (to && *to < from)
    return Status::InvalidArgument("--from " + std::to_string(from) + " is after --to " +
                                   std::to_string(*to));
  return AtSomePeer<std::vector<common::Block>>(
      channel, [&](const PeerEndpoint& peer) -> Result<std::vector<common::Block>> {
        LedgerReader one(*this);
        one.set_peer(peer.name);
        LOOM_ASSIGN_OR_RETURN(ChainInfo info, one.GetChainInfo(channel));
        if (info.height == 0 || from >= info.height) return std::vector<common::Block>{};
        uint64_t last = to ? std::min(*to, info.height - 1) : info.height - 1;
        return DeliverBlocks(peer, channel, from, last);
      });
}

Result<channelconfig::ChannelConfig> LedgerReader::GetConfigAt(const std::string& channel,
                                                               uint64_t number) const {
  LOOM_ASSIGN_OR_RETURN(common::Block block, GetBlock(channel, number));
  uint64_t config_number = 0;
  Result<uint64_t> last_config = protocol::LastConfigIndex(block);
  if (last_config.ok()) config_number = *last_config;
  if (config_number > number) config_number = number;
  common::Block config_block;
  if (config_number == number) {
    config_block = std::move(block);
  } else {
    LOOM_ASSIGN_OR_RETURN(config_block, GetBlock(channel, config_number));
  }
  Result<channelconfig::ChannelConfig> config = channelconfig::ReadChannelConfig(config_block);
  if (!config.ok()) return config.status().WithContext("config block " + std::to_string(config_number));
  return config;
}

std::vector<std::string> LedgerReader::ChannelsFor(const std::string& channel) const {
  if (!channel.empty()) return {channel};
  return endpoints_.channels;
}

Result<TxRecord> LedgerReader::GetTx(const std::string& tx_id, const std::string& channel) const {
  std::vector<std::string> channels = ChannelsFor(channel);
  std::string searched;
  for (const std::string& name : channels) {
    Result<common::Block> block = GetBlockByTxId(name, tx_id);
    if (!block.ok()) {
      if (block.status().IsNotFound()) {
        searched += (searched.empty() ? "" : ", ") + name;
        continue;
      }
      return block.status();
    }
    LOOM_ASSIGN_OR_RETURN(uint32_t index, FindTxInBlock(*block, tx_id));
    return DecodeTxRecord(*block, index);
  }
  std::string where =
      "channel" + std::string(channels.size() == 1 ? " " : "s ") + (searched.empty() ? "<none>" : searched);
  if (tx_id.empty() || tx_id.size() >= 64)
    return Status::NotFound("transaction " + tx_id + " is not on " + where);
  return GetTxByPrefix(tx_id, channels, where);
}

Result<TxRecord> LedgerReader::GetTxByPrefix(const std::string& prefix,
                                             const std::vector<std::string>& channels,
                                             const std::string& where) const {
  std::vector<std::pair<common::Block, uint32_t>> matches;
  std::vector<std::string> ids;
  for (const std::string& name : channels) {
    LOOM_ASSIGN_OR_RETURN(std::vector<common::Block> blocks, GetBlocks(name, 0));
    for (common::Block& block : blocks) {
      for (int i = 0; i < block.data().data_size(); ++i) {
        Result<protocol::ParsedEnvelope> parsed = protocol::ParseEnvelopeBytes(block.data().data(i));
        if (!parsed.ok() || parsed->channel_header.tx_id().rfind(prefix, 0) != 0) continue;
        const std::string& id = parsed->channel_header.tx_id();
        if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;  // a duplicate tx id: the first
        ids.push_back(id);
        matches.emplace_back(block, static_cast<uint32_t>(i));
      }
    }
  }
  if (matches.empty())
    return Status::NotFound("no transaction on " + where + " has an id starting with " + prefix);
  if (matches.size() > 1) {
    std::string list;
    for (const std::string& id : ids) list += (list.empty() ? "" : ", ") + id;
    return Status::FailedPrecondition("tx id prefix " + prefix + " is ambiguous: " + list);
  }
  return DecodeTxRecord(matches[0].first, matches[0].second);
}

}  // namespace loom::lab
