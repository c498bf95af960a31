#include "app/bench/bench_target.h"

#include <set>

namespace loom::bench {

Result<ResolvedTarget> ResolveTarget(const lab::NetworkEndpoints& endpoints, const std::string& channel,
                                     const std::string& chaincode, std::shared_ptr<protocol::Signer> signer) {
  ResolvedTarget resolved;
  BenchTarget& target = resolved.target;
  target.channel = channel;
  target.chaincode = chaincode;
  target.signer = std::move(signer);
  std::set<std::string> orgs_seen;
  for (const lab::PeerEndpoint* peer : endpoints.PeersOf(channel)) {
    ++resolved.committing_peers;
    if (!orgs_seen.insert(peer->mspid).second) continue;
    target.endorsers.push_back({peer->name, peer->mspid, peer->endpoint});
  }
  if (target.endorsers.empty()) {
    return Status::FailedPrecondition("no peer of the network joined channel " + channel);
  }
  target.watch_peer = target.endorsers.front();
  std::vector<const lab::OrdererEndpoint*> orderers = endpoints.OrderersOf(channel);
  if (orderers.empty())
    return Status::FailedPrecondition("no orderer of the network serves channel " + channel);
  target.orderer_name = orderers.front()->name;
  target.orderer = orderers.front()->endpoint;
  for (size_t i = 1; i < orderers.size(); ++i) target.other_orderers.push_back(orderers[i]->endpoint);
  return resolved;
}

}  // namespace loom::bench
