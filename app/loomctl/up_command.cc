// loomctl up SCENARIO [--workspace DIR] [--timeout SECONDS] [--json]
// Prepares the workspace (crypto, genesis blocks, node configs, packages,
// connection profile), starts orderers then peers, deploys the scenario's
// chaincodes, and prints the nodes and their endpoints.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/lab/network.h"
#include "app/lab/process.h"
#include "app/loomctl/lab_command_args.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl up SCENARIO [--workspace DIR] [--timeout SECONDS] [--json]\n"
    "  Creates or completes the workspace (default .loom/<network>), starts the network's\n"
    "  orderers and peers as background processes, deploys the scenario's chaincodes and\n"
    "  prints every node with its endpoints. A running workspace is left alone.\n";

int PidOf(const lab::NodeSpec& node) {
  Result<lab::ProcessRecord> record = lab::ReadPidFile(node.pid_file);
  return record.ok() && lab::IsRunning(*record) ? record->pid : 0;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

void PrintNodes(const lab::Workspace& workspace, double elapsed_seconds) {
  std::printf("%-30s %-8s %-8s %-21s %-21s %s\n", "NODE", "ROLE", "PID", "LISTEN", "OPERATIONS", "CHANNELS");
  for (const lab::NodeSpec& node : workspace.nodes()) {
    std::printf("%-30s %-8s %-8d %-21s %-21s %s\n", node.info.fqdn.c_str(),
                std::string(config::ToString(node.info.kind)).c_str(), PidOf(node),
                node.listen_address.c_str(), node.operations_address.c_str(), Joined(node.channels).c_str());
  }
  std::printf("network %s is up in %.2fs; workspace %s\nconnection profile: %s\n",
              workspace.scenario().network.c_str(), elapsed_seconds, workspace.dir().c_str(),
              workspace.ConnectionProfileFile().c_str());
}

void PrintJson(const lab::Workspace& workspace, double elapsed_seconds) {
  nlohmann::ordered_json out;
  out["network"] = workspace.scenario().network;
  out["workspace"] = workspace.dir();
  out["connection_profile"] = workspace.ConnectionProfileFile();
  out["elapsed_seconds"] = elapsed_seconds;
  out["nodes"] = nlohmann::ordered_json::array();
  for (const lab::NodeSpec& node : workspace.nodes()) {
    out["nodes"].push_back({{"name", node.info.fqdn},
                            {"org", node.info.org},
                            {"role", std::string(config::ToString(node.info.kind))},
                            {"pid", PidOf(node)},
                            {"listen_address", node.listen_address},
                            {"operations_address", node.operations_address},
                            {"chaincode_address", node.chaincode_address},
                            {"cluster_address", node.cluster_address},
                            {"channels", node.channels}});
  }
  std::printf("%s\n", out.dump(2).c_str());
}

}  // namespace

int RunUpCommand(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Result<LabArgs> parsed = ParseLabArgs(args, {"--timeout"});
  if (!parsed.ok() || parsed->positional.size() != 1) {
    std::fprintf(stderr, "loomctl up: %s\n%s",
                 parsed.ok() ? "takes exactly one SCENARIO file" : parsed.status().message().c_str(), kUsage);
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  lab::UpOptions options;
  if (auto timeout = parsed->values.find("--timeout"); timeout != parsed->values.end()) {
    try {
      options.timeout = std::chrono::seconds(std::stoul(timeout->second));
    } catch (const std::exception&) {
      std::fprintf(stderr, "loomctl up: --timeout '%s' is not a number of seconds\n",
                   timeout->second.c_str());
      return 2;
    }
  }
  const bool json = parsed->json;
  // Progress goes to stderr with --json, so stdout stays one JSON document.
  std::FILE* progress_out = json ? stderr : stdout;
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  options.progress = [&](std::string_view step) {
    std::fprintf(progress_out, "[%5.2fs] %.*s\n", elapsed(), static_cast<int>(step.size()), step.data());
    std::fflush(progress_out);
  };

  options.progress("preparing the workspace");
  Result<lab::Workspace> workspace = lab::Workspace::Prepare(parsed->positional[0], parsed->workspace);
  if (!workspace.ok()) return Fail("up", workspace.status().message());
  Result<lab::Network> network = lab::Network::Up(*workspace, options);
  if (!network.ok()) {
    if (network.status().code() == Status::Code::kAlreadyExists) {
      std::fprintf(stderr, "loomctl up: %s\n", network.status().message().c_str());
      return 1;
    }
    return Fail("up", network.status().message());
  }
  if (json) {
    PrintJson(*workspace, elapsed());
  } else {
    PrintNodes(*workspace, elapsed());
  }
  return 0;
}

}  // namespace loom::ctl
