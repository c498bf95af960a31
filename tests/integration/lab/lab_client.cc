#include "tests/integration/lab/lab_client.h"

#include <chrono>
#include <memory>

#include "core/client/proposal.h"

namespace loom::lab::testing {
namespace {

constexpr std::chrono::milliseconds kCallTimeout{30000};
constexpr std::chrono::seconds kCommitTimeout{30};
constexpr std::chrono::milliseconds kBroadcastTimeout{5000};

std::shared_ptr<grpc::Channel> DialNode(const NodeSpec& node) {
  client::Endpoint endpoint;
  endpoint.address = node.listen_address;
  return client::Dial(endpoint);
}

bool Serves(const NodeSpec& node, const std::string& channel) {
  for (const std::string& name : node.channels) {
    if (name == channel) return true;
  }
  return false;
}

}  // namespace

Result<client::TxCommit> Invoke(const Workspace& workspace, const std::string& channel,
                                const std::string& chaincode, const std::vector<std::string>& args) {
  std::vector<const NodeSpec*> peers;
  std::vector<const NodeSpec*> orderers;
  for (const NodeSpec& node : workspace.nodes()) {
    if (!Serves(node, channel)) continue;
    (node.info.kind == config::NodeKind::kPeer ? peers : orderers).push_back(&node);
  }
  if (peers.empty() || orderers.empty()) return Status::NotFound("no peers or orderer on " + channel);
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<protocol::Signer> user,
                        workspace.Signer(peers.front()->info.org, "User1"));
  client::ProposalRequest request{channel, chaincode, args, {}, false};
  LOOM_ASSIGN_OR_RETURN(client::SignedProposal proposal, client::CreateSignedProposal(*user, request));
  std::vector<protos::ProposalResponse> responses;
  std::vector<std::unique_ptr<client::CommitWatcher>> watchers;
  for (const NodeSpec* peer : peers) {
    auto channel_to_peer = DialNode(*peer);
    LOOM_ASSIGN_OR_RETURN(auto watcher,
                          client::CommitWatcher::Start(channel_to_peer, channel, *user, kCallTimeout));
    watchers.push_back(std::move(watcher));
    LOOM_ASSIGN_OR_RETURN(protos::ProposalResponse response,
                          client::Endorse(channel_to_peer, proposal.signed_proposal, kCallTimeout));
    if (response.response().status() >= 400) {
      return Status::FailedPrecondition(peer->info.fqdn + " refused: " + response.response().message());
    }
    responses.push_back(response);
  }
  LOOM_ASSIGN_OR_RETURN(common::Envelope envelope, client::AssembleTransaction(proposal, responses, *user));
  // The first orderer that takes it (one may be down in a fault test).
  Status broadcast = Status::Unavailable("no orderer answered");
  for (const NodeSpec* orderer : orderers) {
    Result<::orderer::BroadcastResponse> sent =
        client::Broadcast(DialNode(*orderer), envelope, kBroadcastTimeout);
    if (!sent.ok()) {
      broadcast = sent.status();
      continue;
    }
    broadcast = sent->status() == common::SUCCESS ? Status::Ok()
                                                  : Status::Unavailable("broadcast refused: " + sent->info());
    break;
  }
  LOOM_RETURN_IF_ERROR(broadcast);
  client::TxCommit first;
  for (size_t i = 0; i < watchers.size(); ++i) {
    LOOM_ASSIGN_OR_RETURN(
        client::TxCommit commit,
        watchers[i]->Wait(proposal.tx_id, std::chrono::steady_clock::now() + kCommitTimeout));
    if (i == 0) first = commit;
    if (commit.code != first.code) return Status::Internal("peers disagree on " + proposal.tx_id);
  }
  return first;
}

Result<std::string> Query(const Workspace& workspace, const NodeSpec& peer, const std::string& channel,
                          const std::string& chaincode, const std::vector<std::string>& args) {
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<protocol::Signer> user, workspace.Signer(peer.info.org, "User1"));
  client::ProposalRequest request{channel, chaincode, args, {}, false};
  LOOM_ASSIGN_OR_RETURN(client::SignedProposal proposal, client::CreateSignedProposal(*user, request));
  LOOM_ASSIGN_OR_RETURN(protos::ProposalResponse response,
                        client::Endorse(DialNode(peer), proposal.signed_proposal, kCallTimeout));
  if (response.response().status() >= 400) {
    return Status::FailedPrecondition(peer.info.fqdn + " refused: " + response.response().message());
  }
  return response.response().payload();
}

}  // namespace loom::lab::testing
