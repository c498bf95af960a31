#include "tests/integration/peer_e2e/peer_test_network.h"

#include "core/cryptogen/layout.h"
#include "core/util/file_util.h"
#include "peer/lifecycle/lifecycle.pb.h"
#include "peer/policy.pb.h"
#include "tests/support/solo_orderer_config.h"

namespace loom::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kStartTimeout = std::chrono::seconds(30);

std::shared_ptr<grpc::Channel> DialPlain(const std::string& address) {
  client::Endpoint endpoint;
  endpoint.address = address;
  return client::Dial(endpoint);
}

// CommitChaincodeDefinitionArgs for `chaincode` 1.0, sequence 1, endorsed per
// the channel's /Channel/Application/Endorsement (MAJORITY of 2 = both).
std::string DefinitionArgs(const TestChaincode& chaincode) {
  protos::ApplicationPolicy policy;
  policy.set_channel_config_policy_reference("/Channel/Application/Endorsement");
  lifecycle::CommitChaincodeDefinitionArgs args;
  args.set_sequence(1);
  args.set_name(chaincode.name);
  args.set_version("1.0");
  args.set_validation_plugin(chaincode.validation_plugin);
  args.set_validation_parameter(policy.SerializeAsString());
  return args.SerializeAsString();
}

}  // namespace

Result<std::unique_ptr<PeerTestNetwork>> PeerTestNetwork::Start(const std::string& name,
                                                                const std::vector<TestChaincode>& chaincodes,
                                                                int execute_timeout_seconds) {
  return StartPeers(name, chaincodes, execute_timeout_seconds, /*chaincode_list=*/true);
}

Result<std::unique_ptr<PeerTestNetwork>> PeerTestNetwork::StartWithoutChaincodes(const std::string& name) {
  return StartPeers(name, {}, 30, /*chaincode_list=*/false);
}

std::string PeerTestNetwork::peer_msp_id(size_t peer) const {
  return network_->Org(peer == 0 ? "Org1" : "Org2").mspid;
}

std::string PeerTestNetwork::peer_data_dir(size_t peer) const {
  return scratch_->Path(std::string("peer0.") + (peer == 0 ? "Org1" : "Org2") + "-data");
}

std::string PeerTestNetwork::user_msp_dir(size_t peer, const std::string& user) const {
  return cryptogen::UserFolder(network_->crypto_dir(), network_->Org(peer == 0 ? "Org1" : "Org2"), user) +
         "/msp";
}

Result<std::shared_ptr<protocol::Signer>> PeerTestNetwork::OrgSigner(size_t peer,
                                                                     const std::string& user) const {
  return network_->UserSigner(peer == 0 ? "Org1" : "Org2", user);
}

Result<std::unique_ptr<PeerTestNetwork>> PeerTestNetwork::StartPeers(
    const std::string& name, const std::vector<TestChaincode>& chaincodes, int execute_timeout_seconds,
    bool chaincode_list) {
  std::unique_ptr<PeerTestNetwork> net(new PeerTestNetwork());
  net->scratch_ = std::make_unique<ScratchDir>(name);
  ChannelBatchSettings batch;
  batch.batch_timeout = "100ms";
  batch.max_message_count = 10;
  LOOM_ASSIGN_OR_RETURN(net->network_, OrdererNetwork::Create(net->scratch_->Path("net"), batch));
  LOOM_ASSIGN_OR_RETURN(net->client_, net->network_->UserSigner("Org1", "User1"));

  const ScratchDir& dir = *net->scratch_;
  LOOM_RETURN_IF_ERROR(WriteFileAtomically(dir.Path("orderer.yaml"),
                                           SoloOrdererConfig(*net->network_, dir.Path("orderer-data"))));
  LOOM_ASSIGN_OR_RETURN(
      net->orderer_,
      OrdererProcess::Start(LOOM_ORDERER_BIN, dir.Path("orderer.yaml"), {net->network_->genesis_file()},
                            dir.Path("orderer.log"), SteadyClock::now() + kStartTimeout));
  net->orderer_channel_ = DialPlain(net->orderer_->address());

  for (const char* org : {"Org1", "Org2"}) {
    std::string peer = std::string("peer0.") + org;
    std::string config =
        "name: " + peer + "\nlisten_address: 127.0.0.1:0\nchaincode_address: 127.0.0.1:0\nmsp: {dir: " +
        cryptogen::PeerFolder(net->network_->crypto_dir(), net->network_->Org(org), "peer0") +
        "/msp, id: " + net->network_->Org(org).mspid + "}\ndata_dir: " + dir.Path(peer + "-data") +
        "\norderers: [" + net->orderer_->address() +
        "]\nchaincode: {execute_timeout: " + std::to_string(execute_timeout_seconds) + "s}\n";
    if (chaincode_list) {
      config += "chaincodes:\n";
      for (const TestChaincode& chaincode : chaincodes) {
        config += "  - {name: " + chaincode.name + ", type: native, path: " + chaincode.executable + "}\n";
      }
    }
    LOOM_RETURN_IF_ERROR(WriteFileAtomically(dir.Path(peer + ".yaml"), config));
    LOOM_ASSIGN_OR_RETURN(
        std::unique_ptr<OrdererProcess> process,
        OrdererProcess::Start(LOOM_PEER_BIN, dir.Path(peer + ".yaml"), {net->network_->genesis_file()},
                              dir.Path(peer + ".log"), SteadyClock::now() + kStartTimeout));
    net->peer_channels_.push_back(DialPlain(process->address()));
    net->peers_.push_back(std::move(process));
  }
  for (const TestChaincode& chaincode : chaincodes) {
    Status defined = net->CommitDefinition(chaincode);
    if (!defined.ok()) return defined.WithContext("defining " + chaincode.name + "\n" + net->Logs());
  }
  return net;
}

PeerTestNetwork::~PeerTestNetwork() = default;

Status PeerTestNetwork::CommitDefinition(const TestChaincode& chaincode) const {
  LOOM_ASSIGN_OR_RETURN(
      client::TxCommit commit,
      Submit(Endorse("_lifecycle", {"CommitChaincodeDefinition", DefinitionArgs(chaincode)})));
  if (commit.code != protos::VALID) {
    return Status::Internal("the definition of " + chaincode.name + " committed as " +
                            std::to_string(commit.code));
  }
  return Status::Ok();
}

Endorsed PeerTestNetwork::EndorseProposal(const client::SignedProposal& proposal,
                                          std::vector<size_t> peers) const {
  if (peers.empty()) {
    for (size_t i = 0; i < peer_channels_.size(); ++i) peers.push_back(i);
  }
  Endorsed out;
  out.proposal = proposal;
  for (size_t peer : peers) {
    Result<protos::ProposalResponse> response =
        client::Endorse(peer_channels_[peer], proposal.signed_proposal, kCallTimeout);
    if (response.ok()) out.responses.push_back(*response);
  }
  out.envelope = client::AssembleTransaction(proposal, out.responses, *client_);
  return out;
}

Endorsed PeerTestNetwork::Endorse(const std::string& chaincode, const std::vector<std::string>& args,
                                  std::vector<size_t> peers) const {
  client::ProposalRequest request{kTestChannel, chaincode, args, {}, false};
  Result<client::SignedProposal> proposal = client::CreateSignedProposal(*client_, request);
  if (!proposal.ok()) {
    Endorsed failed;
    failed.envelope = proposal.status();
    return failed;
  }
  return EndorseProposal(*proposal, std::move(peers));
}

Status PeerTestNetwork::Broadcast(const Endorsed& endorsed) const {
  LOOM_RETURN_IF_ERROR(endorsed.envelope.status());
  LOOM_ASSIGN_OR_RETURN(::orderer::BroadcastResponse sent,
                        client::Broadcast(orderer_channel_, *endorsed.envelope, kCallTimeout));
  if (sent.status() != common::SUCCESS) return Status::Unavailable("broadcast refused: " + sent.info());
  return Status::Ok();
}

Result<std::vector<std::unique_ptr<client::CommitWatcher>>> PeerTestNetwork::WatchAll() const {
  std::vector<std::unique_ptr<client::CommitWatcher>> watchers;
  for (const auto& peer : peer_channels_) {
    LOOM_ASSIGN_OR_RETURN(auto watcher,
                          client::CommitWatcher::Start(peer, kTestChannel, *client_, kCallTimeout));
    watchers.push_back(std::move(watcher));
  }
  return watchers;
}

Result<client::TxCommit> PeerTestNetwork::WaitAll(
    const std::vector<std::unique_ptr<client::CommitWatcher>>& watchers, const std::string& tx_id) const {
  std::vector<client::TxCommit> commits;
  for (const auto& watcher : watchers) {
    LOOM_ASSIGN_OR_RETURN(client::TxCommit commit, watcher->Wait(tx_id, SteadyClock::now() + kCommitTimeout));
    commits.push_back(commit);
  }
  for (const client::TxCommit& commit : commits) {
    if (commit.code != commits.front().code) {
      return Status::Internal("the peers disagree on tx " + tx_id + ": " +
                              std::to_string(commits.front().code) + " vs " + std::to_string(commit.code));
    }
  }
  return commits.front();
}

Result<client::TxCommit> PeerTestNetwork::Submit(const Endorsed& endorsed) const {
  LOOM_ASSIGN_OR_RETURN(auto watchers, WatchAll());
  LOOM_RETURN_IF_ERROR(Broadcast(endorsed));
  return WaitAll(watchers, endorsed.proposal.tx_id);
}

protos::Response PeerTestNetwork::Query(size_t peer, const std::string& chaincode,
                                        const std::vector<std::string>& args) const {
  Endorsed read = Endorse(chaincode, args, {peer});
  return read.responses.empty() ? protos::Response() : read.responses[0].response();
}

std::string PeerTestNetwork::Logs() const {
  std::string logs;
  if (orderer_) logs += "orderer log:\n" + orderer_->Log() + "\n";
  for (const auto& peer : peers_) logs += "peer log:\n" + peer->Log() + "\n";
  return logs;
}

}  // namespace loom::testing
