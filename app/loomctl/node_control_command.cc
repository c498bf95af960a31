// loomctl kill|pause|resume|restart NODE [--workspace DIR] [--json]
// Faults and repairs on one node of the running workspace: SIGKILL, SIGSTOP,
// SIGCONT, and a restart from its data (waiting until it is healthy).
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/lab/network.h"
#include "app/lab/process.h"
#include "app/loomctl/lab_command_args.h"

namespace loom::ctl {
namespace {

enum class Action { kKill, kPause, kResume, kRestart };

const char* Name(Action action) {
  switch (action) {
    case Action::kKill: return "kill";
    case Action::kPause: return "pause";
    case Action::kResume: return "resume";
    case Action::kRestart: return "restart";
  }
  return "";
}

const char* Done(Action action) {
  switch (action) {
    case Action::kKill: return "killed";
    case Action::kPause: return "paused";
    case Action::kResume: return "resumed";
    case Action::kRestart: return "restarted";
  }
  return "";
}

int Run(Action action, const std::vector<std::string>& args) {
  const std::string command = Name(action);
  const std::string usage =
      "usage: loomctl " + command +
      " NODE [--workspace DIR] [--json]\n"
      "  NODE: an FQDN or an unambiguous prefix (peer0.org1). kill = SIGKILL, pause = SIGSTOP,\n"
      "  resume = SIGCONT, restart = stop if running, start from its data, wait until healthy.\n";
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::fputs(usage.c_str(), stdout);
    return 0;
  }
  Result<LabArgs> parsed = ParseLabArgs(args);
  if (!parsed.ok() || parsed->positional.size() != 1) {
    std::fprintf(stderr, "loomctl %s: %s\n%s", command.c_str(),
                 parsed.ok() ? "takes exactly one NODE" : parsed.status().message().c_str(), usage.c_str());
    return 2;
  }
  Result<lab::Workspace> workspace = OpenSelectedWorkspace(parsed->workspace);
  if (!workspace.ok()) return Fail(command, workspace.status().message());
  Result<lab::Network> network = lab::Network::Attach(*workspace);
  if (!network.ok()) return Fail(command, network.status().message());
  const std::string& node = parsed->positional[0];
  Status done = Status::Ok();
  switch (action) {
    case Action::kKill: done = network->Kill(node); break;
    case Action::kPause: done = network->Pause(node); break;
    case Action::kResume: done = network->Resume(node); break;
    case Action::kRestart: done = network->Restart(node); break;
  }
  if (!done.ok()) return Fail(command, done.message());
  const lab::NodeSpec* spec = workspace->FindNode(node);
  int pid = 0;
  if (Result<lab::ProcessRecord> record = lab::ReadPidFile(spec->pid_file);
      record.ok() && lab::IsRunning(*record)) {
    pid = record->pid;
  }
  if (parsed->json) {
    nlohmann::ordered_json out{{"node", spec->info.fqdn}, {"action", command}, {"pid", pid}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%s %s%s\n", Done(action), spec->info.fqdn.c_str(),
                pid != 0 ? (" (pid " + std::to_string(pid) + ")").c_str() : "");
  }
  return 0;
}

}  // namespace

int RunKillCommand(const std::vector<std::string>& args) {
  return Run(Action::kKill, args);
}
int RunPauseCommand(const std::vector<std::string>& args) {
  return Run(Action::kPause, args);
}
int RunResumeCommand(const std::vector<std::string>& args) {
  return Run(Action::kResume, args);
}
int RunRestartCommand(const std::vector<std::string>& args) {
  return Run(Action::kRestart, args);
}

}  // namespace loom::ctl
