#include "app/lab/gateway.h"

#include <algorithm>
#include <future>

#include "app/lab/gateway_endorsers.h"
#include "app/lab/ledger_reader.h"
#include "core/client/lifecycle_client.h"
#include "core/client/network_client.h"
#include "core/client/proposal.h"
#include "core/lifecycle/definition.h"
#include "core/lifecycle/endorsement_policy.h"
#include "core/protocol/block.h"
#include "core/protocol/policy_text.h"

namespace loom::lab {
namespace {

using SteadyClock = std::chrono::steady_clock;

double MillisBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

bool Unreachable(const Status& status) {
  return status.code() == Status::Code::kUnavailable || status.code() == Status::Code::kDeadlineExceeded;
}

std::vector<const PeerEndpoint*> NamedPeers(const std::vector<const PeerEndpoint*>& peers,
                                            const std::string& name) {
  std::vector<const PeerEndpoint*> out;
  for (const PeerEndpoint* peer : peers)
    if (PeerNameMatches(peer->name, name)) out.push_back(peer);
  return out;
}

// The endorsement policy in force for `chaincode`, as a signature policy.
Result<common::SignaturePolicyEnvelope> PolicyOf(const NetworkEndpoints& endpoints,
                                                 const std::shared_ptr<protocol::Signer>& identity,
                                                 const std::string& channel, const std::string& chaincode,
                                                 std::chrono::milliseconds timeout) {
  std::string reference;
  if (chaincode == lifecycle::kLifecycleName) {
    reference = lifecycle::kLifecycleEndorsementPolicyPath;
  } else {
    Result<::lifecycle::QueryChaincodeDefinitionResult> definition =
        Status::NotFound("no peer of the network serves channel " + channel);
    for (const PeerEndpoint* peer : endpoints.PeersOf(channel)) {
      definition = client::QueryCommittedDefinition(client::Dial(peer->endpoint), *identity, channel,
                                                    chaincode, timeout);
      if (definition.ok() || !Unreachable(definition.status())) break;
    }
    if (!definition.ok()) {
      if (definition.status().IsNotFound())
        return Status::NotFound("chaincode " + chaincode + " is not defined on channel " + channel);
      return definition.status();
    }
    if (definition->validation_parameter().empty()) {
      reference = lifecycle::kDefaultEndorsementPolicyRef;
    } else {
      LOOM_ASSIGN_OR_RETURN(protos::ApplicationPolicy policy,
                            lifecycle::ParseValidationParameter(definition->validation_parameter()));
      if (policy.has_signature_policy()) return policy.signature_policy();
      reference = policy.channel_config_policy_reference();
    }
  }
  LedgerReader reader(endpoints, identity, timeout);
  LOOM_ASSIGN_OR_RETURN(ChainInfo info, reader.GetChainInfo(channel));
  LOOM_ASSIGN_OR_RETURN(channelconfig::ChannelConfig config,
                        reader.GetConfigAt(channel, info.height == 0 ? 0 : info.height - 1));
  return lifecycle::ResolveChannelPolicy(config, reference);
}

}  // namespace

Gateway::Gateway(NetworkEndpoints endpoints, std::shared_ptr<protocol::Signer> identity)
    : endpoints_(std::move(endpoints)), identity_(std::move(identity)) {}

Result<std::string> Gateway::EndorsementPolicyText(const std::string& channel, const std::string& chaincode,
                                                   std::chrono::milliseconds timeout) const {
  LOOM_ASSIGN_OR_RETURN(common::SignaturePolicyEnvelope policy,
                        PolicyOf(endpoints_, identity_, channel, chaincode, timeout));
  return protocol::SignaturePolicyToText(policy);
}

Result<std::vector<const PeerEndpoint*>> Gateway::ChooseEndorsers(const std::string& channel,
                                                                  const std::string& chaincode,
                                                                  std::chrono::milliseconds timeout) const {
  std::vector<const PeerEndpoint*> peers = endpoints_.PeersOf(channel);
  if (peers.empty()) return Status::NotFound("no peer of the network serves channel " + channel);
  LOOM_ASSIGN_OR_RETURN(common::SignaturePolicyEnvelope policy,
                        PolicyOf(endpoints_, identity_, channel, chaincode, timeout));
  std::vector<std::string> orgs;
  for (const PeerEndpoint* peer : peers)
    if (std::find(orgs.begin(), orgs.end(), peer->mspid) == orgs.end()) orgs.push_back(peer->mspid);
  LOOM_ASSIGN_OR_RETURN(std::vector<std::string> chosen, SmallestSatisfyingOrgs(policy, orgs));
  std::vector<const PeerEndpoint*> endorsers;
  for (const std::string& org : chosen) {
    auto first =
        std::find_if(peers.begin(), peers.end(), [&](const PeerEndpoint* p) { return p->mspid == org; });
    endorsers.push_back(*first);
  }
  return endorsers;
}

Result<InvokeResult> Gateway::Invoke(const std::string& channel, const std::string& chaincode,
                                     const std::vector<std::string>& args,
                                     const InvokeOptions& options) const {
  SteadyClock::time_point start = SteadyClock::now();
  std::vector<const PeerEndpoint*> endorsers;
  if (options.peers.empty()) {
    LOOM_ASSIGN_OR_RETURN(endorsers, ChooseEndorsers(channel, chaincode, options.timeout));
  } else {
    for (const std::string& name : options.peers) {
      std::vector<const PeerEndpoint*> named = NamedPeers(endpoints_.PeersOf(channel), name);
      if (named.size() != 1)
        return Status::NotFound((named.empty() ? "no peer of channel " : "more than one peer of channel ") +
                                channel + " is named " + name);
      endorsers.push_back(named.front());
    }
  }

  SteadyClock::time_point endorse_start = SteadyClock::now();
  client::ProposalRequest request{channel, chaincode, args, options.transient, false};
  LOOM_ASSIGN_OR_RETURN(client::SignedProposal proposal, client::CreateSignedProposal(*identity_, request));
  InvokeResult result;
  result.tx_id = proposal.tx_id;

  // Execute: every endorser at once.
  std::vector<std::future<Result<protos::ProposalResponse>>> calls;
  for (const PeerEndpoint* peer : endorsers) {
    calls.push_back(std::async(std::launch::async, [&, peer] {
      return client::Endorse(client::Dial(peer->endpoint), proposal.signed_proposal, options.timeout);
    }));
  }
  std::vector<protos::ProposalResponse> responses;
  std::string failures;
  for (size_t i = 0; i < calls.size(); ++i) {
    Result<protos::ProposalResponse> response = calls[i].get();
    EndorserResult endorser{endorsers[i]->name, endorsers[i]->mspid, 0, ""};
    if (!response.ok()) {
      endorser.message = response.status().message();
      failures += (failures.empty() ? "" : "; ") + endorsers[i]->name + ": " + response.status().message();
    } else {
      endorser.status = response->response().status();
      endorser.message = response->response().message();
      if (endorser.status >= 400)
        failures += (failures.empty() ? "" : "; ") + endorsers[i]->name + ": chaincode response " +
                    std::to_string(endorser.status) + ": " + endorser.message;
      responses.push_back(*response);
    }
    result.endorsers.push_back(std::move(endorser));
  }
  SteadyClock::time_point endorsed = SteadyClock::now();
  result.phases.endorse_ms = MillisBetween(endorse_start, endorsed);
  if (!failures.empty())
    return Status::FailedPrecondition("tx " + result.tx_id + " not endorsed: " + failures);
  if (!responses.empty()) result.payload = responses.front().response().payload();
  Result<common::Envelope> envelope = client::AssembleTransaction(proposal, responses, *identity_);
  if (!envelope.ok()) {
    // Name the peers behind the response indexes AssembleTransaction uses.
    std::string names;
    for (const PeerEndpoint* peer : endorsers) names += (names.empty() ? "" : ", ") + peer->name;
    return envelope.status().WithContext("endorsers " + names);
  }

  // Order, watching for the commit from before the broadcast on.
  std::vector<std::unique_ptr<client::CommitWatcher>> watchers;
  if (options.wait_for_commit) {
    size_t watched = options.wait_at_every_endorser ? endorsers.size() : 1;
    for (size_t i = 0; i < watched; ++i) {
      Result<std::unique_ptr<client::CommitWatcher>> watcher = client::CommitWatcher::Start(
          client::Dial(endorsers[i]->endpoint), channel, *identity_, options.timeout);
      if (!watcher.ok()) return watcher.status().WithContext("watching commits at " + endorsers[i]->name);
      watchers.push_back(std::move(*watcher));
    }
  }
  std::vector<const OrdererEndpoint*> orderers = endpoints_.OrderersOf(channel);
  if (orderers.empty())
    for (const OrdererEndpoint& orderer : endpoints_.orderers) orderers.push_back(&orderer);
  if (orderers.empty()) return Status::NotFound("no orderer of the network serves channel " + channel);
  SteadyClock::time_point broadcast_start = SteadyClock::now();
  std::string refusals;
  for (const OrdererEndpoint* orderer : orderers) {
    Result<::orderer::BroadcastResponse> sent =
        client::Broadcast(client::Dial(orderer->endpoint), *envelope, options.timeout);
    if (!sent.ok()) {
      refusals += (refusals.empty() ? "" : "; ") + orderer->name + ": " + sent.status().message();
      if (Unreachable(sent.status())) continue;
      break;
    }
    if (sent->status() == common::SUCCESS) {
      result.orderer = orderer->name;
      break;
    }
    refusals += (refusals.empty() ? "" : "; ") + orderer->name + ": " + common::Status_Name(sent->status()) +
                (sent->info().empty() ? "" : " (" + sent->info() + ")");
    if (sent->status() != common::SERVICE_UNAVAILABLE) break;
  }
  SteadyClock::time_point ordered = SteadyClock::now();
  result.phases.order_ms = MillisBetween(broadcast_start, ordered);
  if (result.orderer.empty()) return Status::Unavailable("tx " + result.tx_id + " not ordered: " + refusals);

  for (size_t i = 0; i < watchers.size(); ++i) {
    Result<client::TxCommit> commit = watchers[i]->Wait(result.tx_id, ordered + options.timeout);
    if (!commit.ok()) return commit.status().WithContext("tx " + result.tx_id + " at " + endorsers[i]->name);
    if (i == 0) {
      result.committed = true;
      result.validation_code = commit->code;
      result.validation_code_name = protocol::ValidationCodeName(commit->code);
      result.block_number = commit->block_number;
    } else if (commit->code != result.validation_code) {
      return Status::Internal("tx " + result.tx_id + ": " + endorsers[0]->name + " committed it as " +
                              result.validation_code_name + ", " + endorsers[i]->name + " as " +
                              protocol::ValidationCodeName(commit->code));
    }
  }
  if (!watchers.empty()) result.phases.commit_ms = MillisBetween(ordered, SteadyClock::now());
  result.phases.total_ms = MillisBetween(start, SteadyClock::now());
  return result;
}

Result<QueryResult> Gateway::Query(const std::string& channel, const std::string& chaincode,
                                   const std::vector<std::string>& args, const QueryOptions& options) const {
  std::vector<const PeerEndpoint*> peers = endpoints_.PeersOf(channel);
  if (!options.peer.empty()) peers = NamedPeers(peers, options.peer);
  if (peers.empty())
    return Status::NotFound("no peer" + (options.peer.empty() ? std::string() : " named " + options.peer) +
                            " serves channel " + channel);
  client::ProposalRequest request{channel, chaincode, args, options.transient, false};
  LOOM_ASSIGN_OR_RETURN(client::SignedProposal proposal, client::CreateSignedProposal(*identity_, request));
  Status last = Status::Unavailable("no peer answered");
  for (const PeerEndpoint* peer : peers) {
    SteadyClock::time_point start = SteadyClock::now();
    Result<protos::ProposalResponse> response =
        client::Endorse(client::Dial(peer->endpoint), proposal.signed_proposal, options.timeout);
    if (!response.ok()) {
      last = response.status().WithContext(peer->name);
      if (Unreachable(response.status())) continue;
      return last;
    }
    QueryResult result{peer->name,
                       peer->mspid,
                       response->response().status(),
                       response->response().message(),
                       response->response().payload(),
                       MillisBetween(start, SteadyClock::now())};
    if (result.status >= 400)
      return Status::FailedPrecondition(chaincode + " at " + peer->name + ": status " +
                                        std::to_string(result.status) + ": " + result.message);
    return result;
  }
  return last;
}

}  // namespace loom::lab
