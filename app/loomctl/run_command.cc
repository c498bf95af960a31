// loomctl run SCENARIO [--workspace DIR] [--report DIR] [--duration D] [--json]
// Runs a scenario: brings its network up (or uses the running one), drives
// its workload with loom-bench (a child process) and plays its fault script
// at the same time, then checks that every peer of every channel ended with
// the same height and state hash.
//
// Times in the fault script count from the moment the load starts (its
// set-up transactions, if any, included). set_rate steps become loom-bench's
// rate profile ("steps:R0xT1,R1xT2,..."), so the load follows them exactly.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/lab/binaries.h"
#include "app/lab/fault_runner.h"
#include "app/lab/network.h"
#include "app/lab/peer_state.h"
#include "app/loomctl/lab_command_args.h"

extern char** environ;

namespace loom::ctl {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: loomctl run SCENARIO [--workspace DIR] [--report DIR] [--duration D] [--json]\n"
    "  Brings SCENARIO's network up (or uses it when it runs), drives the scenario's workload\n"
    "  with loom-bench while playing its fault script, then checks that every peer of every\n"
    "  channel has the same height and state hash. The network keeps running afterwards.\n"
    "  --report DIR    loom-bench's report folder (default <workspace>/runs/<time>)\n"
    "  --duration D    the load's duration (default: the scenario workload's), e.g. 30s\n";

std::string Millis(std::chrono::milliseconds value) {
  return std::to_string(value.count()) + "ms";
}

// "30s", "500ms", "2m" or plain seconds ("30", "1.5").
Result<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  double scale = 1000;
  std::string number = text;
  if (text.ends_with("ms")) {
    scale = 1;
    number = text.substr(0, text.size() - 2);
  } else if (text.ends_with("s")) {
    number = text.substr(0, text.size() - 1);
  } else if (text.ends_with("m")) {
    scale = 60'000;
    number = text.substr(0, text.size() - 1);
  }
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || value <= 0) {
    return Status::InvalidArgument("--duration '" + text + "' is not a duration (30s, 500ms, 2m)");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(value * scale));
}

// loom-bench's --profile for the workload's rate and the script's set_rate
// steps; "" when the script changes no rate.
std::string RateProfileFor(const config::Workload& workload, const std::vector<config::Fault>& faults,
                           std::chrono::milliseconds duration) {
  std::string profile;
  uint32_t rate = workload.rate;
  std::chrono::milliseconds from{0};
  for (const config::Fault& step : faults) {
    if (step.action != config::FaultAction::kSetRate) continue;
    if (step.at > from)
      profile += (profile.empty() ? "" : ",") + std::to_string(rate) + "x" + Millis(step.at - from);
    rate = step.rate;
    from = step.at;
  }
  if (profile.empty() && from.count() == 0) return {};
  profile += (profile.empty() ? "" : ",") + std::to_string(rate) + "x" +
             Millis(std::max(std::chrono::milliseconds(1), duration - from));
  return "steps:" + profile;
}

Result<pid_t> SpawnChild(const std::vector<std::string>& argv, const std::string& output_file) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!output_file.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int failed = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) return Status::Unavailable("starting " + argv[0] + ": " + std::strerror(failed));
  return pid;
}

int WaitChild(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string TimeStamp() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::localtime(&now));
  return text;
}

}  // namespace

int RunRunCommand(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Result<LabArgs> parsed = ParseLabArgs(args, {"--report", "--duration"});
  if (!parsed.ok() || parsed->positional.size() != 1) {
    std::fprintf(stderr, "loomctl run: %s\n%s",
                 parsed.ok() ? "takes exactly one SCENARIO file" : parsed.status().message().c_str(), kUsage);
    return 2;
  }
  const bool json = parsed->json;
  std::FILE* log = json ? stderr : stdout;
  const auto started = SteadyClock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(SteadyClock::now() - started).count(); };

  Result<lab::Workspace> workspace = lab::Workspace::Prepare(parsed->positional[0], parsed->workspace);
  if (!workspace.ok()) return Fail("run", workspace.status().message());
  lab::UpOptions up;
  up.progress = [&](std::string_view step) {
    std::fprintf(log, "[%6.2fs] %.*s\n", elapsed(), static_cast<int>(step.size()), step.data());
    std::fflush(log);
  };
  Result<lab::Network> network = lab::Network::Up(*workspace, up);
  if (!network.ok() && network.status().code() == Status::Code::kAlreadyExists) {
    std::fprintf(log, "[%6.2fs] the network is already running: the script runs on it\n", elapsed());
    network = lab::Network::Attach(*workspace);
  }
  if (!network.ok()) return Fail("run", network.status().message());
  const config::Scenario& scenario = workspace->scenario();

  lab::NetworkFaultTarget target(&*network);
  lab::FaultRunnerHooks hooks;
  hooks.on_step = [&](const lab::FaultStepResult& result) {
    std::string what =
        std::string(config::ToString(result.step.action)) + " " +
        (result.step.action == config::FaultAction::kSetRate ? std::to_string(result.step.rate) + " tx/s"
                                                             : result.node);
    std::fprintf(log, "[%6.2fs] fault at %s: %s — %s\n", elapsed(), Millis(result.step.at).c_str(),
                 what.c_str(), result.status.ok() ? "done" : result.status.message().c_str());
    std::fflush(log);
  };
  // The load follows set_rate through its profile; the step only reports it.
  if (scenario.workload) hooks.set_rate = [](uint32_t) {};
  Result<std::unique_ptr<lab::FaultRunner>> runner =
      lab::FaultRunner::Create(&target, scenario.faults, hooks);
  if (!runner.ok()) return Fail("run", runner.status().message());

  // The load, as a child loom-bench on the workspace.
  pid_t bench = -1;
  std::string report_dir;
  if (scenario.workload) {
    std::chrono::milliseconds duration = scenario.workload->duration;
    if (auto given = parsed->values.find("--duration"); given != parsed->values.end()) {
      Result<std::chrono::milliseconds> given_duration = ParseDuration(given->second);
      if (!given_duration.ok()) return Fail("run", given_duration.status().message());
      duration = *given_duration;
    }
    Result<std::string> binary = lab::FindBinary("loom-bench");
    if (!binary.ok()) return Fail("run", binary.status().message());
    report_dir = parsed->values.count("--report") ? parsed->values["--report"]
                                                  : workspace->dir() + "/runs/" + TimeStamp();
    std::vector<std::string> argv = {*binary,          "run",      workspace->dir(), "--duration",
                                     Millis(duration), "--report", report_dir};
    std::string profile = RateProfileFor(*scenario.workload, scenario.faults, duration);
    if (!profile.empty()) {
      argv.push_back("--profile");
      argv.push_back(profile);
    }
    std::fprintf(log, "[%6.2fs] load: loom-bench for %s%s, report in %s\n", elapsed(),
                 Millis(duration).c_str(), profile.empty() ? "" : (" with rate profile " + profile).c_str(),
                 report_dir.c_str());
    std::fflush(log);
    std::filesystem::create_directories(report_dir);
    Result<pid_t> spawned = SpawnChild(argv, json ? report_dir + "/loom-bench.out" : "");
    if (!spawned.ok()) return Fail("run", spawned.status().message());
    bench = *spawned;
  }

  std::vector<lab::FaultStepResult> steps;
  std::thread player([&] { steps = (*runner)->Run(SteadyClock::now()); });
  int bench_exit = 0;
  if (bench > 0) {
    bench_exit = WaitChild(bench);
    (*runner)->Stop();  // steps after the load ended have nothing to act on
  }
  player.join();
  if (bench > 0) std::fprintf(log, "[%6.2fs] load finished (loom-bench exit %d)\n", elapsed(), bench_exit);

  // Converged? Every peer of every channel: same height, same state hash.
  bool all_agreed = true;
  nlohmann::ordered_json channels = nlohmann::ordered_json::array();
  for (const config::Channel& channel : scenario.channels) {
    Result<lab::ChannelAgreement> agreement =
        lab::WaitForAgreement(*workspace, channel.name, SteadyClock::now() + std::chrono::seconds(60));
    if (!agreement.ok()) {
      all_agreed = false;
      std::fprintf(log, "channel %s: %s\n", channel.name.c_str(), agreement.status().message().c_str());
      channels.push_back(
          {{"channel", channel.name}, {"agreed", false}, {"error", agreement.status().message()}});
      continue;
    }
    all_agreed = all_agreed && agreement->agreed;
    nlohmann::ordered_json peers = nlohmann::ordered_json::array();
    for (const lab::PeerChannelState& peer : agreement->peers) {
      std::fprintf(log, "  %-32s %-16s height %-8llu state %s\n", peer.peer.c_str(), peer.channel.c_str(),
                   static_cast<unsigned long long>(peer.height), peer.state_hash_hex.c_str());
      peers.push_back({{"peer", peer.peer}, {"height", peer.height}, {"state_hash", peer.state_hash_hex}});
    }
    std::fprintf(log, "channel %s: %s at height %llu\n", channel.name.c_str(),
                 agreement->agreed ? "every peer has the same state" : "THE PEERS' STATES DIFFER",
                 static_cast<unsigned long long>(agreement->height));
    channels.push_back({{"channel", channel.name},
                        {"agreed", agreement->agreed},
                        {"height", agreement->height},
                        {"peers", peers}});
  }

  bool steps_ok = true;
  nlohmann::ordered_json step_json = nlohmann::ordered_json::array();
  for (const lab::FaultStepResult& step : steps) {
    steps_ok = steps_ok && step.status.ok();
    step_json.push_back({{"at_ms", step.step.at.count()},
                         {"ran_at_ms", step.ran_at.count()},
                         {"action", std::string(config::ToString(step.step.action))},
                         {"node", step.node},
                         {"rate", step.step.rate},
                         {"ok", step.status.ok()},
                         {"error", step.status.ok() ? "" : step.status.message()}});
  }
  if (json) {
    nlohmann::ordered_json out{{"network", scenario.network}, {"workspace", workspace->dir()},
                               {"report", report_dir},        {"bench_exit", bench_exit},
                               {"faults", step_json},         {"channels", channels}};
    std::printf("%s\n", out.dump(2).c_str());
  }
  if (steps.size() < scenario.faults.size()) {
    std::fprintf(stderr, "loomctl run: %zu of %zu fault steps ran (the load ended first)\n", steps.size(),
                 scenario.faults.size());
  }
  return all_agreed && steps_ok && bench_exit == 0 ? 0 : 1;
}

}  // namespace loom::ctl
