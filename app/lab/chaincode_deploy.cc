#include "app/lab/chaincode_deploy.h"

#include <future>
#include <memory>
#include <vector>

#include "app/lab/chaincode_deploy_package.h"
#include "core/client/lifecycle_client.h"
#include "core/client/network_client.h"
#include "core/client/proposal.h"
#include "core/lifecycle/package.h"

namespace loom::lab {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kCallTimeout{30000};
constexpr std::chrono::seconds kCommitTimeout{60};

struct ChannelPeer {
  const NodeSpec* spec = nullptr;
  std::shared_ptr<grpc::Channel> channel;
  std::shared_ptr<protocol::Signer> admin;  // Admin of the peer's org
};

std::shared_ptr<grpc::Channel> DialNode(const NodeSpec& node) {
  client::Endpoint endpoint;
  endpoint.address = node.listen_address;
  return client::Dial(endpoint);
}

void Report(const DeployOptions& options, const std::string& step) {
  if (options.progress) options.progress(step);
}

Status InstallWhereMissing(const std::vector<ChannelPeer>& peers, const std::string& package_bytes,
                           const std::string& package_id) {
  std::vector<std::future<Status>> installs;
  for (const ChannelPeer& peer : peers) {
    installs.push_back(std::async(std::launch::async, [&peer, &package_bytes, &package_id]() -> Status {
      Result<std::vector<client::InstalledChaincode>> installed =
          client::QueryInstalledChaincodes(peer.channel, *peer.admin, kCallTimeout);
      if (installed.ok()) {
        for (const client::InstalledChaincode& chaincode : *installed) {
          if (chaincode.package_id == package_id) return Status::Ok();
        }
      }
      Result<std::string> id =
          client::InstallChaincode(peer.channel, package_bytes, *peer.admin, kCallTimeout);
      if (!id.ok()) return id.status().WithContext("installing on " + peer.spec->info.fqdn);
      if (*id != package_id) {
        return Status::Internal("installing on " + peer.spec->info.fqdn + ": the peer says package id " +
                                *id + ", expected " + package_id);
      }
      return Status::Ok();
    }));
  }
  Status first = Status::Ok();
  for (auto& install : installs) {
    Status done = install.get();
    if (first.ok() && !done.ok()) first = done;
  }
  return first;
}

// Endorses `proposal` at `endorsers`, assembles it signed by `creator`.
Result<common::Envelope> EndorseAndAssemble(const client::SignedProposal& proposal,
                                            const std::vector<const ChannelPeer*>& endorsers,
                                            const protocol::Signer& creator, const std::string& what) {
  std::vector<protos::ProposalResponse> responses;
  for (const ChannelPeer* peer : endorsers) {
    Result<protos::ProposalResponse> response =
        client::Endorse(peer->channel, proposal.signed_proposal, kCallTimeout);
    if (!response.ok())
      return response.status().WithContext(what + ": endorsing at " + peer->spec->info.fqdn);
    if (response->response().status() >= 400) {
      return Status::FailedPrecondition(what + ": " + peer->spec->info.fqdn + " refused to endorse (" +
                                        std::to_string(response->response().status()) + " " +
                                        response->response().message() + ")");
    }
    responses.push_back(*response);
  }
  Result<common::Envelope> envelope = client::AssembleTransaction(proposal, responses, creator);
  if (!envelope.ok()) return envelope.status().WithContext(what);
  return envelope;
}

Status BroadcastTo(const std::shared_ptr<grpc::Channel>& orderer, const NodeSpec& orderer_spec,
                   const common::Envelope& envelope, const std::string& what) {
  Result<::orderer::BroadcastResponse> sent = client::Broadcast(orderer, envelope, kCallTimeout);
  if (!sent.ok()) return sent.status().WithContext(what + ": broadcasting to " + orderer_spec.info.fqdn);
  if (sent->status() != common::SUCCESS) {
    return Status::FailedPrecondition(what + ": " + orderer_spec.info.fqdn + " refused the transaction (" +
                                      common::Status_Name(sent->status()) + " " + sent->info() + ")");
  }
  return Status::Ok();
}

Status ExpectValid(client::CommitWatcher& watcher, const std::string& tx_id, const std::string& what,
                   const std::string& peer) {
  Result<client::TxCommit> commit = watcher.Wait(tx_id, SteadyClock::now() + kCommitTimeout);
  if (!commit.ok()) return commit.status().WithContext(what + ": waiting for the commit on " + peer);
  if (commit->code != protos::VALID) {
    return Status::FailedPrecondition(what + ": committed on " + peer + " as " +
                                      protos::TxValidationCode_Name(commit->code) + " in block " +
                                      std::to_string(commit->block_number));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> DeployChaincodePackage(const Workspace& workspace, const config::Chaincode& chaincode,
                                           const std::string& package_bytes, const DeployOptions& options) {
  const config::Channel* channel = config::FindChannel(workspace.scenario(), chaincode.channel);
  if (channel == nullptr) {
    return Status::NotFound("chaincode " + chaincode.name + ": the network has no channel '" +
                            chaincode.channel + "'");
  }
  // The workspace labels its packages (chaincode_deploy_package.h), so the
  // id needs no unpacking of a possibly large package.
  const std::string label = PackageLabel(chaincode);
  const std::string package_id = lifecycle::PackageId(label, package_bytes);

  std::vector<ChannelPeer> peers;
  const NodeSpec* orderer = nullptr;
  for (const NodeSpec& node : workspace.nodes()) {
    bool member = false;
    for (const std::string& name : node.channels) member = member || name == channel->name;
    if (!member) continue;
    if (node.info.kind == config::NodeKind::kOrderer) {
      if (orderer == nullptr) orderer = &node;
      continue;
    }
    LOOM_ASSIGN_OR_RETURN(std::shared_ptr<protocol::Signer> admin, workspace.Signer(node.info.org, "Admin"));
    peers.push_back({&node, DialNode(node), std::move(admin)});
  }
  if (peers.empty() || orderer == nullptr) {
    return Status::FailedPrecondition("channel " + channel->name + " has no peers or no orderer");
  }
  const std::string what = "deploying " + chaincode.name + " " + chaincode.version + " on " + channel->name;

  Report(options, "installing " + label + " on " + std::to_string(peers.size()) + " peers");
  LOOM_RETURN_IF_ERROR(InstallWhereMissing(peers, package_bytes, package_id).WithContext(what));

  Result<::lifecycle::QueryChaincodeDefinitionResult> committed = client::QueryCommittedDefinition(
      peers.front().channel, *peers.front().admin, channel->name, chaincode.name, kCallTimeout);
  if (committed.ok() && committed->sequence() == chaincode.sequence) {
    if (committed->version() != chaincode.version) {
      return Status::FailedPrecondition(what + ": sequence " + std::to_string(chaincode.sequence) +
                                        " is already committed with version " + committed->version() +
                                        " (use the next sequence)");
    }
    Report(options,
           chaincode.name + " sequence " + std::to_string(chaincode.sequence) + " already committed");
    return package_id;
  }
  if (committed.ok() && committed->sequence() + 1 != chaincode.sequence) {
    return Status::FailedPrecondition(
        what + ": the channel has sequence " + std::to_string(committed->sequence()) +
        " committed; the next definition must have sequence " + std::to_string(committed->sequence() + 1));
  }
  if (!committed.ok() && !committed.status().IsNotFound()) {
    return committed.status().WithContext(what + ": querying the committed definition");
  }

  client::ChaincodeDefinition definition;
  definition.name = chaincode.name;
  definition.version = chaincode.version;
  definition.sequence = chaincode.sequence;
  definition.endorsement_policy = chaincode.policy;
  definition.validation_plugin = chaincode.validation_plugin;
  definition.endorsement_plugin = chaincode.endorsement_plugin;
  definition.init_required = chaincode.init_required;
  definition.package_id = package_id;

  client::Endpoint orderer_endpoint;
  orderer_endpoint.address = orderer->listen_address;
  std::shared_ptr<grpc::Channel> orderer_channel = client::Dial(orderer_endpoint);

  // Watch every peer before anything is broadcast, so no commit is missed.
  std::vector<std::unique_ptr<client::CommitWatcher>> watchers;
  for (const ChannelPeer& peer : peers) {
    LOOM_ASSIGN_OR_RETURN(
        auto watcher, client::CommitWatcher::Start(peer.channel, channel->name, *peer.admin, kCallTimeout));
    watchers.push_back(std::move(watcher));
  }

  // Approvals, one per member org, endorsed at EVERY peer of the org: each
  // peer records the package it will run when it simulates the approval
  // (Loom keeps that choice peer-local), so the approval need not be
  // committed before the definition is — both go in one block.
  Report(options, "approving for " + std::to_string(channel->orgs.size()) + " orgs and committing");
  std::vector<std::string> approval_ids;
  std::vector<const ChannelPeer*> one_per_org;
  for (const std::string& org : channel->orgs) {
    std::vector<const ChannelPeer*> org_peers;
    for (const ChannelPeer& peer : peers) {
      if (peer.spec->info.org == org) org_peers.push_back(&peer);
    }
    if (org_peers.empty()) continue;  // an org without peers cannot approve; the policy decides
    one_per_org.push_back(org_peers.front());
    const protocol::Signer& admin = *org_peers.front()->admin;
    LOOM_ASSIGN_OR_RETURN(client::SignedProposal approve,
                          client::ApproveForMyOrgProposal(admin, channel->name, definition));
    const std::string step = what + ": approving for " + org;
    LOOM_ASSIGN_OR_RETURN(common::Envelope envelope, EndorseAndAssemble(approve, org_peers, admin, step));
    LOOM_RETURN_IF_ERROR(BroadcastTo(orderer_channel, *orderer, envelope, step));
    approval_ids.push_back(approve.tx_id);
  }

  // The commit, endorsed by a peer of every member org.
  const ChannelPeer& committer = *one_per_org.front();
  LOOM_ASSIGN_OR_RETURN(client::SignedProposal commit,
                        client::CommitDefinitionProposal(*committer.admin, channel->name, definition));
  LOOM_ASSIGN_OR_RETURN(common::Envelope envelope,
                        EndorseAndAssemble(commit, one_per_org, *committer.admin, what + ": commit"));
  LOOM_RETURN_IF_ERROR(BroadcastTo(orderer_channel, *orderer, envelope, what + ": commit"));
  for (const std::string& tx_id : approval_ids) {
    LOOM_RETURN_IF_ERROR(
        ExpectValid(*watchers.front(), tx_id, what + ": approval", peers.front().spec->info.fqdn));
  }
  for (size_t i = 0; i < peers.size(); ++i) {
    LOOM_RETURN_IF_ERROR(
        ExpectValid(*watchers[i], commit.tx_id, what + ": commit", peers[i].spec->info.fqdn));
  }
  return package_id;
}

}  // namespace loom::lab
