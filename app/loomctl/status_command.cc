// loomctl status [--workspace DIR] [--json]
// Every node of the running workspace: role, pid, state, block heights,
// Raft role and term, CPU and memory.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/lab/network.h"
#include "app/loomctl/lab_command_args.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl status [--workspace DIR] [--json]\n"
    "  Every node: role, pid, state (running|paused|stopped|unhealthy), block height per\n"
    "  channel, Raft role and term (orderers), CPU % of one core over 200 ms, RSS.\n";

std::string Heights(const lab::NodeStatus& node) {
  std::string text;
  for (const auto& [channel, height] : node.heights) {
    text += (text.empty() ? "" : ",") + channel + "=" + std::to_string(height);
  }
  return text.empty() ? "-" : text;
}

void PrintTable(const std::vector<lab::NodeStatus>& nodes) {
  std::printf("%-30s %-8s %-8s %-10s %-18s %-9s %-5s %6s %7s %s\n", "NODE", "ROLE", "PID", "STATE", "HEIGHT",
              "RAFT", "TERM", "CPU%", "RSS", "LISTEN");
  for (const lab::NodeStatus& node : nodes) {
    std::string term = node.role == "orderer" ? std::to_string(node.raft_term) : "-";
    std::printf("%-30s %-8s %-8d %-10s %-18s %-9s %-5s %6.1f %7s %s\n", node.name.c_str(), node.role.c_str(),
                node.pid, node.state.c_str(), Heights(node).c_str(),
                node.raft_role.empty() ? "-" : node.raft_role.c_str(), term.c_str(), node.cpu_percent,
                node.pid == 0 ? "-" : HumanBytes(node.rss_bytes).c_str(), node.listen_address.c_str());
  }
}

void PrintJson(const lab::Workspace& workspace, const std::vector<lab::NodeStatus>& nodes) {
  nlohmann::ordered_json out;
  out["network"] = workspace.scenario().network;
  out["workspace"] = workspace.dir();
  out["nodes"] = nlohmann::ordered_json::array();
  for (const lab::NodeStatus& node : nodes) {
    out["nodes"].push_back({{"name", node.name},
                            {"org", node.org},
                            {"role", node.role},
                            {"pid", node.pid},
                            {"state", node.state},
                            {"heights", node.heights},
                            {"raft_role", node.raft_role},
                            {"raft_term", node.raft_term},
                            {"cpu_percent", node.cpu_percent},
                            {"rss_bytes", node.rss_bytes},
                            {"listen_address", node.listen_address},
                            {"operations_address", node.operations_address}});
  }
  std::printf("%s\n", out.dump(2).c_str());
}

}  // namespace

int RunStatusCommand(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Result<LabArgs> parsed = ParseLabArgs(args);
  if (!parsed.ok() || !parsed->positional.empty()) {
    std::fprintf(stderr, "loomctl status: %s\n%s",
                 parsed.ok() ? "takes no positional arguments" : parsed.status().message().c_str(), kUsage);
    return 2;
  }
  Result<lab::Workspace> workspace = OpenSelectedWorkspace(parsed->workspace);
  if (!workspace.ok()) return Fail("status", workspace.status().message());
  Result<lab::Network> network = lab::Network::Attach(*workspace);
  if (!network.ok()) return Fail("status", network.status().message());
  Result<std::vector<lab::NodeStatus>> nodes = network->Status();
  if (!nodes.ok()) return Fail("status", nodes.status().message());
  if (parsed->json) {
    PrintJson(*workspace, *nodes);
  } else {
    PrintTable(*nodes);
  }
  return 0;
}

}  // namespace loom::ctl
