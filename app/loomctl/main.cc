// loomctl: Loom's command-line front end (Loom's tshark: everything the GUI
// does, headless).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/loomctl/command.h"

namespace loom::ctl {
// Command families, each defined in its own <family>_command.cc.
// Add a declaration and a row in kFamilies below, one line each.
int RunBlockCommand(const std::vector<std::string>& args);
int RunCryptoCommand(const std::vector<std::string>& args);
int RunChannelCommand(const std::vector<std::string>& args);
int RunChaincodeCommand(const std::vector<std::string>& args);
int RunOrdererCommand(const std::vector<std::string>& args);
int RunPeerCommand(const std::vector<std::string>& args);
int RunScenarioCommand(const std::vector<std::string>& args);
int RunTraceCommand(const std::vector<std::string>& args);
int RunUpCommand(const std::vector<std::string>& args);
int RunRunCommand(const std::vector<std::string>& args);
int RunDownCommand(const std::vector<std::string>& args);
int RunStatusCommand(const std::vector<std::string>& args);
int RunLogsCommand(const std::vector<std::string>& args);
int RunKillCommand(const std::vector<std::string>& args);
int RunPauseCommand(const std::vector<std::string>& args);
int RunResumeCommand(const std::vector<std::string>& args);
int RunRestartCommand(const std::vector<std::string>& args);
int RunInvokeCommand(const std::vector<std::string>& args);
int RunQueryCommand(const std::vector<std::string>& args);
int RunBlocksCommand(const std::vector<std::string>& args);
int RunTxCommand(const std::vector<std::string>& args);
int RunExplainCommand(const std::vector<std::string>& args);
int RunAttachCommand(const std::vector<std::string>& args);
}  // namespace loom::ctl

namespace {

using loom::ctl::CommandFamily;

const CommandFamily kFamilies[] = {
    {"help", "show this list", nullptr},
    {"block", "decode and verify block files", loom::ctl::RunBlockCommand},
    {"crypto", "generate keys and certificates (cryptogen)", loom::ctl::RunCryptoCommand},
    {"channel", "build and inspect channel config (genesis) blocks", loom::ctl::RunChannelCommand},
    {"scenario", "check a scenario file and list what it describes", loom::ctl::RunScenarioCommand},
    {"orderer", "administer a running loom-orderer: join channels, list them", loom::ctl::RunOrdererCommand},
    {"peer", "administer a running loom-peer: join channels, list them", loom::ctl::RunPeerCommand},
    {"trace", "record, show, export and summarise transaction traces (Table 1)", loom::ctl::RunTraceCommand},
    {"up", "start a scenario's network in a workspace (crypto, configs, nodes, chaincodes)",
     loom::ctl::RunUpCommand},
    {"run", "run a scenario: its network, its workload (loom-bench) and its fault script",
     loom::ctl::RunRunCommand},
    {"down", "stop a workspace's nodes (keeps data; --purge deletes the workspace)",
     loom::ctl::RunDownCommand},
    {"status", "every node of the running workspace: state, heights, Raft, CPU, RSS",
     loom::ctl::RunStatusCommand},
    {"logs", "print (and follow) a node's log", loom::ctl::RunLogsCommand},
    {"kill", "SIGKILL a node of the running workspace", loom::ctl::RunKillCommand},
    {"pause", "SIGSTOP a node of the running workspace", loom::ctl::RunPauseCommand},
    {"resume", "SIGCONT a paused node", loom::ctl::RunResumeCommand},
    {"restart", "restart a node from its data and wait until it is healthy", loom::ctl::RunRestartCommand},
    {"chaincode", "package, install, approve and commit chaincode", loom::ctl::RunChaincodeCommand},
    {"invoke", "invoke chaincode: endorse by policy, order, wait for the commit",
     loom::ctl::RunInvokeCommand},
    {"query", "query chaincode at one peer (nothing is ordered)", loom::ctl::RunQueryCommand},
    {"blocks", "list a channel's blocks and their transactions", loom::ctl::RunBlocksCommand},
    {"tx", "everything the ledger says about one transaction", loom::ctl::RunTxCommand},
    {"explain", "why a transaction is invalid (MVCC key, phantom, missing endorsements)",
     loom::ctl::RunExplainCommand},
    {"attach", "inspect any Fabric network from its connection profile", loom::ctl::RunAttachCommand},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out, "usage: loomctl <command> [args...]\n\ncommands:\n");
  for (const auto& family : kFamilies) std::fprintf(out, "  %-10s %s\n", family.name, family.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    PrintUsage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& family : kFamilies) {
    if (family.run != nullptr && std::strcmp(family.name, argv[1]) == 0) return family.run(args);
  }
  std::fprintf(stderr, "loomctl: unknown command '%s' (see 'loomctl help')\n", argv[1]);
  return 2;
}
