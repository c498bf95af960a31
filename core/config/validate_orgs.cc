// Rules for network, description, orgs and the orderer section.
#include "core/config/validation_context.h"

#include <algorithm>
#include <cstdint>

#include "core/config/name_rules.h"
#include "core/config/scenario_defaults.h"
#include "core/config/suggest.h"
#include "core/config/units.h"

namespace loom::config::internal {
namespace {

Status CheckOrgNodes(const ValidationContext& v, const Org& org, const std::string& path) {
  FirstUse nodes;  // peers and orderers share the org's domain, so one namespace
  for (size_t j = 0; j < org.peers.size(); ++j) {
    std::string node_path = IndexPath(ChildPath(path, "peers"), j);
    LOOM_RETURN_IF_ERROR(v.CheckUnique(node_path, org.peers[j], CheckDnsLabel(org.peers[j]), &nodes));
  }
  for (size_t j = 0; j < org.orderers.size(); ++j) {
    std::string node_path = IndexPath(ChildPath(path, "orderers"), j);
    LOOM_RETURN_IF_ERROR(v.CheckUnique(node_path, org.orderers[j], CheckDnsLabel(org.orderers[j]), &nodes));
  }
  if (org.peers.empty() && org.orderers.empty()) {
    return v.Fail(path,
                  "org " + Quote(org.name) + " has no peers and no orderers; an org needs at least one node");
  }
  FirstUse users;
  for (size_t j = 0; j < org.users.size(); ++j) {
    std::string user_path = IndexPath(ChildPath(path, "users"), j);
    if (EqualsIgnoringCase(org.users[j], kAdminUser)) {
      return v.Fail(user_path, "Admin is always generated; do not list it in users");
    }
    LOOM_RETURN_IF_ERROR(v.CheckUnique(user_path, org.users[j], CheckUserName(org.users[j]), &users));
  }
  FirstUse anchors;
  for (size_t j = 0; j < org.anchor_peers.size(); ++j) {
    std::string anchor_path = IndexPath(ChildPath(path, "anchor_peers"), j);
    const std::string& anchor = org.anchor_peers[j];
    if (std::find(org.peers.begin(), org.peers.end(), anchor) == org.peers.end()) {
      std::string known = org.peers.empty() ? "it has none" : "its peers are " + JoinQuoted(org.peers);
      return v.Fail(anchor_path,
                    Quote(anchor) + " is not a peer of this org; " + known + DidYouMean(anchor, org.peers));
    }
    LOOM_RETURN_IF_ERROR(v.CheckUnique(anchor_path, anchor, "", &anchors));
  }
  return Status::Ok();
}

// Fabric's BatchSize and etcdraft Options hold these sizes as uint32.
Status CheckFitsUint32(const ValidationContext& v, std::string_view path, uint64_t bytes) {
  if (bytes <= UINT32_MAX) return Status::Ok();
  return v.Fail(path, FormatByteSize(bytes) +
                          " is too large; Fabric's channel config holds it in 32 bits, so the "
                          "limit is 4294967295 bytes (just under 4GB)");
}

}  // namespace

Status ValidateNetwork(const ValidationContext& v) {
  if (v.scenario.network.empty()) return v.Fail("network", "required field is missing");
  LOOM_RETURN_IF_ERROR(v.Expect("network", CheckNetworkName(v.scenario.network)));
  return v.Expect("description", CheckText(v.scenario.description, /*multi_line=*/true));
}

Status ValidateOrgs(const ValidationContext& v) {
  if (v.scenario.orgs.empty()) return v.Fail("orgs", "at least one org is required");
  FirstUse names, mspids, domains;
  for (size_t i = 0; i < v.scenario.orgs.size(); ++i) {
    const Org& org = v.scenario.orgs[i];
    std::string path = IndexPath("orgs", i);
    LOOM_RETURN_IF_ERROR(v.CheckUnique(ChildPath(path, "name"), org.name, CheckOrgName(org.name), &names));
    LOOM_RETURN_IF_ERROR(v.CheckUnique(ChildPath(path, "mspid"), org.mspid, CheckMspId(org.mspid), &mspids));
    LOOM_RETURN_IF_ERROR(
        v.CheckUnique(ChildPath(path, "domain"), org.domain, CheckDnsName(org.domain), &domains));
    LOOM_RETURN_IF_ERROR(CheckOrgNodes(v, org, path));
  }
  return Status::Ok();
}

Status ValidateOrderer(const ValidationContext& v) {
  const OrdererConfig& orderer = v.scenario.orderer;
  std::vector<std::string> orderer_paths;
  std::vector<NodeInfo> orderer_nodes;
  for (size_t i = 0; i < v.scenario.orgs.size(); ++i) {
    for (size_t j = 0; j < v.scenario.orgs[i].orderers.size(); ++j) {
      orderer_paths.push_back(IndexPath(ChildPath(IndexPath("orgs", i), "orderers"), j));
      orderer_nodes.push_back(NodeInfo{NodeKind::kOrderer, v.scenario.orgs[i].name, v.scenario.orgs[i].mspid,
                                       v.scenario.orgs[i].orderers[j],
                                       NodeFqdn(v.scenario.orgs[i].orderers[j], v.scenario.orgs[i].domain)});
    }
  }
  if (orderer_nodes.empty()) {
    return v.Fail("orgs", "no org declares an orderer node; add an ordering org with `orderers: [orderer]`");
  }
  if (orderer.type == OrdererType::kSolo && orderer_nodes.size() > 1) {
    return v.Fail(orderer_paths[1], "a solo ordering service runs exactly one orderer node, but " +
                                        Quote(orderer_nodes[1].fqdn) + " is a second one (after " +
                                        Quote(orderer_nodes[0].fqdn) +
                                        "); use orderer.type: raft for a cluster");
  }
  if (orderer.batch_timeout.count() <= 0) return v.Fail("orderer.batch_timeout", "must be longer than 0s");
  const BatchSize& batch = orderer.batch_size;
  if (batch.max_message_count < 1) {
    return v.Fail("orderer.batch_size.max_message_count", "must be at least 1");
  }
  if (batch.absolute_max_bytes < 1) {
    return v.Fail("orderer.batch_size.absolute_max_bytes", "must be at least 1B");
  }
  if (batch.preferred_max_bytes < 1) {
    return v.Fail("orderer.batch_size.preferred_max_bytes", "must be at least 1B");
  }
  LOOM_RETURN_IF_ERROR(CheckFitsUint32(v, "orderer.batch_size.absolute_max_bytes", batch.absolute_max_bytes));
  LOOM_RETURN_IF_ERROR(
      CheckFitsUint32(v, "orderer.batch_size.preferred_max_bytes", batch.preferred_max_bytes));
  if (batch.preferred_max_bytes > batch.absolute_max_bytes) {
    return v.Fail("orderer.batch_size.preferred_max_bytes",
                  FormatByteSize(batch.preferred_max_bytes) + " is larger than absolute_max_bytes (" +
                      FormatByteSize(batch.absolute_max_bytes) +
                      "); a preferred block size cannot exceed the limit");
  }
  const RaftOptions& raft = orderer.raft;
  if (orderer.type != OrdererType::kRaft) {
    if (raft != RaftOptions{}) return v.Fail("orderer.raft", "only used when orderer.type is raft");
    return Status::Ok();
  }
  if (raft.tick_interval.count() <= 0) return v.Fail("orderer.raft.tick_interval", "must be longer than 0s");
  if (raft.heartbeat_tick < 1) return v.Fail("orderer.raft.heartbeat_tick", "must be at least 1");
  if (raft.election_tick <= raft.heartbeat_tick) {
    return v.Fail("orderer.raft.election_tick", "must be greater than heartbeat_tick (" +
                                                    std::to_string(raft.heartbeat_tick) +
                                                    "), or followers start elections between heartbeats");
  }
  if (raft.max_inflight_blocks < 1) return v.Fail("orderer.raft.max_inflight_blocks", "must be at least 1");
  if (raft.snapshot_interval_size < 1) {
    return v.Fail("orderer.raft.snapshot_interval_size", "must be at least 1B");
  }
  return CheckFitsUint32(v, "orderer.raft.snapshot_interval_size", raft.snapshot_interval_size);
}

}  // namespace loom::config::internal
