#include "core/config/scenario.h"

#include "core/config/enum_names.h"

namespace loom::config {

std::string NodeFqdn(std::string_view name, std::string_view domain) {
  std::string fqdn(name);
  fqdn += '.';
  fqdn += domain;
  return fqdn;
}

namespace {

void AppendNodes(const Org& org, NodeKind kind, std::vector<NodeInfo>* nodes) {
  const auto& names = kind == NodeKind::kPeer ? org.peers : org.orderers;
  for (const auto& name : names) {
    nodes->push_back(NodeInfo{kind, org.name, org.mspid, name, NodeFqdn(name, org.domain)});
  }
}

}  // namespace

std::vector<NodeInfo> AllNodes(const Scenario& scenario) {
  std::vector<NodeInfo> nodes;
  for (const auto& org : scenario.orgs) {
    AppendNodes(org, NodeKind::kPeer, &nodes);
    AppendNodes(org, NodeKind::kOrderer, &nodes);
  }
  return nodes;
}

std::vector<NodeInfo> PeerNodes(const Scenario& scenario) {
  std::vector<NodeInfo> nodes;
  for (const auto& org : scenario.orgs) AppendNodes(org, NodeKind::kPeer, &nodes);
  return nodes;
}

std::vector<NodeInfo> OrdererNodes(const Scenario& scenario) {
  std::vector<NodeInfo> nodes;
  for (const auto& org : scenario.orgs) AppendNodes(org, NodeKind::kOrderer, &nodes);
  return nodes;
}

std::optional<NodeInfo> FindNode(const Scenario& scenario, std::string_view fqdn) {
  for (auto& node : AllNodes(scenario)) {
    if (node.fqdn == fqdn) return std::move(node);
  }
  return std::nullopt;
}

const Org* FindOrg(const Scenario& scenario, std::string_view name) {
  for (const auto& org : scenario.orgs) {
    if (org.name == name) return &org;
  }
  return nullptr;
}

const Org* FindOrgByMspId(const Scenario& scenario, std::string_view mspid) {
  for (const auto& org : scenario.orgs) {
    if (org.mspid == mspid) return &org;
  }
  return nullptr;
}

const Channel* FindChannel(const Scenario& scenario, std::string_view name) {
  for (const auto& channel : scenario.channels) {
    if (channel.name == name) return &channel;
  }
  return nullptr;
}

const Chaincode* FindChaincode(const Scenario& scenario, std::string_view channel, std::string_view name) {
  for (const auto& chaincode : scenario.chaincodes) {
    if (chaincode.channel == channel && chaincode.name == name) return &chaincode;
  }
  return nullptr;
}

std::string_view ToString(OrdererType type) {
  return EnumName(kOrdererTypeNames, type);
}
std::string_view ToString(ChaincodeType type) {
  return EnumName(kChaincodeTypeNames, type);
}
std::string_view ToString(LoadMode mode) {
  return EnumName(kLoadModeNames, mode);
}
std::string_view ToString(KeyDistribution distribution) {
  return EnumName(kKeyDistributionNames, distribution);
}
std::string_view ToString(FaultAction action) {
  return EnumName(kFaultActionNames, action);
}
std::string_view ToString(NodeKind kind) {
  return kind == NodeKind::kPeer ? "peer" : "orderer";
}

}  // namespace loom::config
