#include "app/lab/workspace_record.h"

#include <fstream>
#include <random>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "app/lab/process.h"

namespace loom::lab {
namespace {

constexpr int kFormat = 1;

bool NeedsCluster(const config::Scenario& scenario, const config::NodeInfo& node) {
  return node.kind == config::NodeKind::kOrderer && scenario.orderer.type == config::OrdererType::kRaft;
}

// [low, high): up to 10000 ports just below the ephemeral range
// (/proc/sys/net/ipv4/ip_local_port_range, 32768 when unreadable), above 1024.
std::pair<uint32_t, uint32_t> NonEphemeralRange() {
  uint32_t ephemeral_low = 32768;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  uint32_t first = 0, last = 0;
  if (range >> first >> last && first > 2048 && first <= 65535) ephemeral_low = first;
  uint32_t low = ephemeral_low > 11024 ? ephemeral_low - 10000 : 1024;
  return {low, ephemeral_low};
}

}  // namespace

std::string WorkspaceRecordJson(const WorkspaceRecord& record) {
  nlohmann::ordered_json json;
  json["format"] = kFormat;
  json["network"] = record.network;
  json["nodes"] = nlohmann::ordered_json::array();
  for (const auto& [fqdn, ports] : record.ports) {
    json["nodes"].push_back({{"fqdn", fqdn},
                             {"listen_port", ports.listen},
                             {"operations_port", ports.operations},
                             {"cluster_port", ports.cluster},
                             {"chaincode_port", ports.chaincode}});
  }
  return json.dump(2) + "\n";
}

Result<WorkspaceRecord> ParseWorkspaceRecord(const std::string& text, const std::string& source) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    return Status::InvalidArgument(source + ": not a JSON object");
  auto field_error = [&](const std::string& field, const std::string& what) {
    return Status::InvalidArgument(source + ": " + field + ": " + what);
  };
  if (!json.contains("format") || !json["format"].is_number_integer() ||
      json["format"].get<int>() != kFormat) {
    return field_error("format", "expected " + std::to_string(kFormat));
  }
  if (!json.contains("network") || !json["network"].is_string())
    return field_error("network", "missing or not text");
  if (!json.contains("nodes") || !json["nodes"].is_array())
    return field_error("nodes", "missing or not a list");
  WorkspaceRecord record;
  record.network = json["network"].get<std::string>();
  size_t index = 0;
  for (const auto& node : json["nodes"]) {
    const std::string where = "nodes[" + std::to_string(index++) + "]";
    if (!node.is_object() || !node.contains("fqdn") || !node["fqdn"].is_string()) {
      return field_error(where + ".fqdn", "missing or not text");
    }
    NodePorts ports;
    for (auto [name, target] : {std::pair<const char*, uint16_t*>{"listen_port", &ports.listen},
                                {"operations_port", &ports.operations},
                                {"cluster_port", &ports.cluster},
                                {"chaincode_port", &ports.chaincode}}) {
      if (!node.contains(name) || !node[name].is_number_unsigned() || node[name].get<uint64_t>() > 65535) {
        return field_error(where + "." + name, "missing or not a port number");
      }
      *target = static_cast<uint16_t>(node[name].get<uint64_t>());
    }
    if (!record.ports.emplace(node["fqdn"].get<std::string>(), ports).second) {
      return field_error(where + ".fqdn", "'" + node["fqdn"].get<std::string>() + "' is listed twice");
    }
  }
  return record;
}

Result<WorkspaceRecord> PickPorts(const config::Scenario& scenario) {
  WorkspaceRecord record;
  record.network = scenario.network;
  std::set<uint16_t> taken;
  // Ports below the kernel's ephemeral range: a node restarting on its
  // recorded port must not find it taken as the local port of some outgoing
  // connection, which the kernel picks from the ephemeral range. Random
  // within the range so that several workspaces rarely meet; each port is
  // checked free now.
  const auto [low, high] = NonEphemeralRange();
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<uint32_t> in_range(low, high - 1);
  auto pick = [&]() -> Result<uint16_t> {
    for (int attempt = 0; attempt < 200; ++attempt) {
      uint16_t port = static_cast<uint16_t>(in_range(random));
      if (taken.count(port) == 0 && !PortInUse(port)) {
        taken.insert(port);
        return port;
      }
    }
    // A crowded range: fall back to ports the kernel says are free.
    for (int attempt = 0; attempt < 100; ++attempt) {
      LOOM_ASSIGN_OR_RETURN(uint16_t port, PickFreePort());
      if (taken.insert(port).second) return port;
    }
    return Status::Unavailable("no distinct free TCP port on 127.0.0.1 after 300 tries");
  };
  for (const config::NodeInfo& node : config::AllNodes(scenario)) {
    NodePorts ports;
    LOOM_ASSIGN_OR_RETURN(ports.listen, pick());
    LOOM_ASSIGN_OR_RETURN(ports.operations, pick());
    if (node.kind == config::NodeKind::kPeer) {
      LOOM_ASSIGN_OR_RETURN(ports.chaincode, pick());
    }
    if (NeedsCluster(scenario, node)) {
      LOOM_ASSIGN_OR_RETURN(ports.cluster, pick());
    }
    record.ports[node.fqdn] = ports;
  }
  return record;
}

Status CheckRecordMatches(const WorkspaceRecord& record, const config::Scenario& scenario,
                          const std::string& source) {
  if (record.network != scenario.network) {
    return Status::FailedPrecondition(source + ": records network '" + record.network +
                                      "', the scenario is '" + scenario.network + "'");
  }
  std::vector<config::NodeInfo> nodes = config::AllNodes(scenario);
  for (const config::NodeInfo& node : nodes) {
    auto found = record.ports.find(node.fqdn);
    if (found == record.ports.end()) {
      return Status::FailedPrecondition(source + ": has no ports for node " + node.fqdn);
    }
    const NodePorts& ports = found->second;
    bool complete = ports.listen != 0 && ports.operations != 0 &&
                    (node.kind != config::NodeKind::kPeer || ports.chaincode != 0) &&
                    (!NeedsCluster(scenario, node) || ports.cluster != 0);
    if (!complete)
      return Status::FailedPrecondition(source + ": node " + node.fqdn + " lacks a port it needs");
  }
  if (record.ports.size() != nodes.size()) {
    return Status::FailedPrecondition(source + ": lists nodes the scenario does not have");
  }
  return Status::Ok();
}

}  // namespace loom::lab
