// loomctl down [--workspace DIR] [--purge]
// Stops every node of the workspace gracefully; keeps the data unless --purge.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/lab/network.h"
#include "app/lab/workspace_select.h"
#include "app/loomctl/lab_command_args.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl down [--workspace DIR] [--purge]\n"
    "  Stops the workspace's nodes (SIGTERM, SIGKILL after 10s), peers first, and keeps\n"
    "  their data, so a later 'loomctl up' resumes. --purge also deletes the workspace.\n";

}  // namespace

int RunDownCommand(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Result<LabArgs> parsed = ParseLabArgs(args, {}, {"--purge"});
  if (!parsed.ok() || !parsed->positional.empty()) {
    std::fprintf(stderr, "loomctl down: %s\n%s",
                 parsed.ok() ? "takes no positional arguments" : parsed.status().message().c_str(), kUsage);
    return 2;
  }
  const bool purge = parsed->flags.count("--purge") != 0;
  Result<lab::Workspace> workspace = OpenSelectedWorkspace(parsed->workspace);
  if (!workspace.ok()) return Fail("down", workspace.status().message());
  Result<lab::Network> network = lab::Network::Attach(*workspace);
  if (!network.ok() && !purge) return Fail("down", network.status().message());
  if (network.ok()) {
    Status stopped = network->Down(purge);
    if (!stopped.ok()) return Fail("down", stopped.message());
    std::printf("stopped %zu nodes of %s%s\n", workspace->nodes().size(), workspace->dir().c_str(),
                purge ? "; removed the workspace" : "; data kept");
    return 0;
  }
  // Not running: --purge still removes the folder.
  std::error_code ec;
  std::filesystem::remove_all(workspace->dir(), ec);
  if (ec) return Fail("down", "removing " + workspace->dir() + ": " + ec.message());
  std::printf("%s was not running; removed the workspace\n", workspace->dir().c_str());
  return 0;
}

}  // namespace loom::ctl
