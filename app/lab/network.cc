#include "app/lab/network.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <filesystem>
#include <set>
#include <system_error>
#include <thread>

#include "app/lab/binaries.h"
#include "app/lab/chaincode_deploy.h"
#include "app/lab/chaincode_deploy_package.h"
#include "app/lab/network_metrics.h"
#include "app/lab/process.h"
#include "core/util/file_util.h"

namespace loom::lab {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr std::chrono::seconds kStopGrace{10};
constexpr std::chrono::seconds kRestartTimeout{60};
constexpr std::chrono::milliseconds kProbeTimeout{1000};
constexpr std::chrono::milliseconds kCpuInterval{200};
constexpr std::chrono::milliseconds kLeaderPollInterval{50};

bool IsPeer(const NodeSpec& node) {
  return node.info.kind == config::NodeKind::kPeer;
}

// The node's process when its pid file names a live process with the
// recorded start time; nullopt otherwise (no file, or a stale pid).
std::optional<ProcessRecord> LiveRecord(const NodeSpec& node) {
  Result<ProcessRecord> record = ReadPidFile(node.pid_file);
  if (!record.ok() || !IsRunning(*record)) return std::nullopt;
  return *record;
}

void RemovePidFile(const NodeSpec& node) {
  std::error_code ec;
  fs::remove(node.pid_file, ec);
}

uint16_t PortOf(const std::string& address) {
  if (address.empty()) return 0;
  return static_cast<uint16_t>(std::stoul(address.substr(address.rfind(':') + 1)));
}

// Spawns the node (not waiting for health) and records its pid file.
Result<ProcessRecord> SpawnNode(const Workspace& workspace, const NodeSpec& node, const std::string& binary) {
  SpawnOptions spawn;
  spawn.argv = {binary, "--config", node.config_file};
  for (const std::string& channel : node.channels) {
    spawn.argv.push_back("--join");
    spawn.argv.push_back(workspace.GenesisBlockFile(channel));
  }
  spawn.log_file = node.log_file;
  spawn.working_dir = node.folder;
  LOOM_ASSIGN_OR_RETURN(ProcessRecord record, SpawnDetached(spawn));
  Status recorded = WritePidFile(node.pid_file, record);
  if (!recorded.ok()) {
    (void)StopProcess(record, SteadyClock::now() + kStopGrace);
    return recorded;
  }
  return record;
}

Status StopNode(const NodeSpec& node) {
  std::optional<ProcessRecord> record = LiveRecord(node);
  if (record) {
    LOOM_RETURN_IF_ERROR(
        StopProcess(*record, SteadyClock::now() + kStopGrace).WithContext("stopping " + node.info.fqdn));
  }
  RemovePidFile(node);
  return Status::Ok();
}

// Stops `started` (after a failed up) and says so after `failure`.
Status CleanUpAfter(const Status& failure, const std::vector<const NodeSpec*>& started) {
  if (started.empty()) return failure.WithContext("up failed, no node was left running");
  std::string names;
  for (auto it = started.rbegin(); it != started.rend(); ++it) {
    (void)StopNode(**it);
    names += (names.empty() ? "" : ", ") + (*it)->info.fqdn;
  }
  return failure.WithContext("up failed; stopped the " + std::to_string(started.size()) +
                             " node(s) already started (" + names + ")");
}

// True when another socket holds 127.0.0.1:port. SO_REUSEADDR, as the nodes'
// servers bind, so connections of a stopped node lingering in TIME_WAIT do
// not count (process.h's PortInUse counts them).
bool PortHeld(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool held = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno == EADDRINUSE;
  ::close(fd);
  return held;
}

Status CheckPortsFree(const Workspace& workspace) {
  for (const NodeSpec& node : workspace.nodes()) {
    for (auto [what, address] : {std::pair<const char*, const std::string*>{"listen", &node.listen_address},
                                 {"operations", &node.operations_address},
                                 {"cluster", &node.cluster_address},
                                 {"chaincode", &node.chaincode_address}}) {
      uint16_t port = PortOf(*address);
      if (port != 0 && PortHeld(port)) {
        return Status::FailedPrecondition("port " + std::to_string(port) + " (" + what + " address of " +
                                          node.info.fqdn +
                                          ") is in use by another program; nothing was started");
      }
    }
  }
  return Status::Ok();
}

// Starts `nodes` together, then waits for each to be healthy.
Status StartNodes(const Workspace& workspace, const std::vector<const NodeSpec*>& nodes,
                  const std::string& binary, SteadyClock::time_point deadline,
                  std::vector<const NodeSpec*>& started) {
  std::vector<ProcessRecord> records;
  for (const NodeSpec* node : nodes) {
    Result<ProcessRecord> record = SpawnNode(workspace, *node, binary);
    if (!record.ok()) return record.status().WithContext("starting " + node->info.fqdn);
    started.push_back(node);
    records.push_back(*record);
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    Status healthy = WaitHealthy(nodes[i]->operations_address, records[i], deadline, nodes[i]->log_file);
    if (!healthy.ok()) return healthy.WithContext(nodes[i]->info.fqdn);
  }
  return Status::Ok();
}

// Raft orderers answer /healthz before they have elected a leader, and
// refuse Broadcast until one is elected: wait until every channel has a
// leader among the running orderers (its consensus_etcdraft_is_leader).
Status WaitForRaftLeaders(const Workspace& workspace, SteadyClock::time_point deadline) {
  std::set<std::string> channels;
  for (const config::Channel& channel : workspace.scenario().channels) channels.insert(channel.name);
  for (;;) {
    std::set<std::string> led;
    for (const NodeSpec& node : workspace.nodes()) {
      if (IsPeer(node)) continue;
      Result<HttpResponse> metrics = HttpGet(node.operations_address, "/metrics", kProbeTimeout);
      if (!metrics.ok() || metrics->status != 200) continue;
      for (const auto& [channel, value] : ChannelSamples(metrics->body, "consensus_etcdraft_is_leader")) {
        if (value >= 1) led.insert(channel);
      }
    }
    std::string leaderless;
    for (const std::string& channel : channels) {
      if (led.count(channel) == 0) leaderless += (leaderless.empty() ? "" : ", ") + channel;
    }
    if (leaderless.empty()) return Status::Ok();
    if (SteadyClock::now() >= deadline) {
      return Status::DeadlineExceeded("no Raft leader elected for channel(s) " + leaderless +
                                      " before the start-up deadline");
    }
    std::this_thread::sleep_for(kLeaderPollInterval);
  }
}

}  // namespace

Result<Network> Network::Up(const Workspace& workspace, const UpOptions& options) {
  auto progress = [&](const std::string& step) {
    if (options.progress) options.progress(step);
  };
  const SteadyClock::time_point deadline = SteadyClock::now() + options.timeout;
  std::string running, stopped;
  for (const NodeSpec& node : workspace.nodes()) {
    std::string& list = LiveRecord(node) ? running : stopped;
    list += (list.empty() ? "" : ", ") + node.info.fqdn;
  }
  if (!running.empty()) {
    // Part of a network may have been killed: say which nodes are down and
    // how to bring them back, rather than only that it runs.
    return Status::AlreadyExists(
        "workspace " + workspace.dir() + " is already running (" + running + " up" +
        (stopped.empty() ? std::string() : "; stopped: " + stopped + " — 'loomctl restart NODE' starts one") +
        "); 'loomctl down' stops it");
  }
  LOOM_RETURN_IF_ERROR(CheckPortsFree(workspace));
  LOOM_ASSIGN_OR_RETURN(std::string orderer_binary, FindBinary("loom-orderer"));
  LOOM_ASSIGN_OR_RETURN(std::string peer_binary, FindBinary("loom-peer"));

  std::vector<const NodeSpec*> orderers, peers, started;
  for (const NodeSpec& node : workspace.nodes()) (IsPeer(node) ? peers : orderers).push_back(&node);
  progress("starting " + std::to_string(orderers.size()) + " orderer(s)");
  loom::Status ok = StartNodes(workspace, orderers, orderer_binary, deadline, started);
  if (ok.ok()) {
    progress("starting " + std::to_string(peers.size()) + " peer(s)");
    ok = StartNodes(workspace, peers, peer_binary, deadline, started);
  }
  if (ok.ok() && workspace.scenario().orderer.type == config::OrdererType::kRaft) {
    progress("waiting for the Raft leader election");
    ok = WaitForRaftLeaders(workspace, deadline);
  }
  if (!ok.ok()) return CleanUpAfter(ok, started);

  Network network(workspace);
  network.progress_ = options.progress;
  for (const config::Chaincode& chaincode : workspace.scenario().chaincodes) {
    progress("deploying chaincode " + chaincode.name + " on " + chaincode.channel);
    Result<std::string> deployed = network.DeployChaincode(chaincode);
    if (!deployed.ok()) return CleanUpAfter(deployed.status(), started);
  }
  network.progress_ = nullptr;
  progress("ready");
  return network;
}

Result<Network> Network::Attach(const Workspace& workspace) {
  for (const NodeSpec& node : workspace.nodes()) {
    if (LiveRecord(node)) return Network(workspace);
  }
  return Status::FailedPrecondition("workspace " + workspace.dir() + " is not running");
}

loom::Status Network::Down(bool purge) {
  // Peers first: they would otherwise keep retrying the stopped orderers.
  loom::Status first = loom::Status::Ok();
  for (bool peers : {true, false}) {
    for (const NodeSpec& node : workspace_.nodes()) {
      if (IsPeer(node) != peers) continue;
      loom::Status stopped = StopNode(node);
      if (first.ok() && !stopped.ok()) first = stopped;
    }
  }
  LOOM_RETURN_IF_ERROR(first);
  if (purge) {
    std::error_code ec;
    fs::remove_all(workspace_.dir(), ec);
    if (ec) return loom::Status::IoError("removing " + workspace_.dir() + ": " + ec.message());
  }
  return loom::Status::Ok();
}

Result<std::vector<NodeStatus>> Network::Status() const {
  std::vector<NodeStatus> statuses;
  std::vector<std::optional<ProcessRecord>> records;
  std::vector<ProcessSample> first_samples;
  for (const NodeSpec& node : workspace_.nodes()) {
    records.push_back(LiveRecord(node));
    first_samples.push_back(records.back() ? SampleProcess(*records.back()) : ProcessSample{});
  }
  const auto sampled_at = SteadyClock::now();
  for (size_t i = 0; i < workspace_.nodes().size(); ++i) {
    const NodeSpec& node = workspace_.nodes()[i];
    NodeStatus status;
    status.name = node.info.fqdn;
    status.org = node.info.org;
    status.role = std::string(config::ToString(node.info.kind));
    status.listen_address = node.listen_address;
    status.operations_address = node.operations_address;
    status.state = "stopped";
    if (records[i]) {
      status.pid = records[i]->pid;
      if (first_samples[i].state == ProcessState::kPaused) {
        status.state = "paused";  // a stopped process cannot answer /metrics
      } else {
        Result<HttpResponse> metrics = HttpGet(node.operations_address, "/metrics", kProbeTimeout);
        Result<HttpResponse> health = HttpGet(node.operations_address, "/healthz", kProbeTimeout);
        status.state = health.ok() && health->status == 200 ? "running" : "unhealthy";
        if (metrics.ok() && metrics->status == 200) {
          NodeMetrics values = ReadNodeMetrics(metrics->body);
          status.heights = values.heights;
          if (values.has_raft) status.raft_role = values.is_leader ? "leader" : "follower";
          status.raft_term = values.term;
        }
      }
    }
    statuses.push_back(std::move(status));
  }
  // CPU over an interval of at least kCpuInterval since the first samples.
  std::this_thread::sleep_until(sampled_at + kCpuInterval);
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (!records[i]) continue;
    ProcessSample later = SampleProcess(*records[i]);
    statuses[i].cpu_percent = CpuPercent(first_samples[i], later);
    statuses[i].rss_bytes = later.rss_bytes;
    if (later.state == ProcessState::kExited) {
      statuses[i].state = "stopped";
      statuses[i].pid = 0;
    }
  }
  return statuses;
}

namespace {

Result<const NodeSpec*> FindNodeOrError(const Workspace& workspace, std::string_view name) {
  const NodeSpec* node = workspace.FindNode(name);
  if (node != nullptr) return node;
  std::string names;
  for (const NodeSpec& spec : workspace.nodes()) names += (names.empty() ? "" : ", ") + spec.info.fqdn;
  return Status::NotFound("workspace " + workspace.dir() + " has no node '" + std::string(name) +
                          "' (nodes: " + names + ")");
}

Result<ProcessRecord> RunningRecord(const NodeSpec& node) {
  std::optional<ProcessRecord> record = LiveRecord(node);
  if (!record) return Status::FailedPrecondition(node.info.fqdn + " is not running");
  return *record;
}

}  // namespace

loom::Status Network::Kill(std::string_view name) {
  LOOM_ASSIGN_OR_RETURN(const NodeSpec* node, FindNodeOrError(workspace_, name));
  LOOM_ASSIGN_OR_RETURN(ProcessRecord record, RunningRecord(*node));
  LOOM_RETURN_IF_ERROR(SendSignal(record, SIGKILL));
  if (!WaitForExit(record, SteadyClock::now() + kStopGrace)) {
    return loom::Status::Internal(node->info.fqdn + " (pid " + std::to_string(record.pid) +
                                  ") did not exit after SIGKILL");
  }
  RemovePidFile(*node);
  return loom::Status::Ok();
}

loom::Status Network::Pause(std::string_view name) {
  LOOM_ASSIGN_OR_RETURN(const NodeSpec* node, FindNodeOrError(workspace_, name));
  LOOM_ASSIGN_OR_RETURN(ProcessRecord record, RunningRecord(*node));
  return SendSignal(record, SIGSTOP);
}

loom::Status Network::Resume(std::string_view name) {
  LOOM_ASSIGN_OR_RETURN(const NodeSpec* node, FindNodeOrError(workspace_, name));
  LOOM_ASSIGN_OR_RETURN(ProcessRecord record, RunningRecord(*node));
  return SendSignal(record, SIGCONT);
}

loom::Status Network::Restart(std::string_view name) {
  LOOM_ASSIGN_OR_RETURN(const NodeSpec* node, FindNodeOrError(workspace_, name));
  LOOM_RETURN_IF_ERROR(StopNode(*node));
  LOOM_ASSIGN_OR_RETURN(std::string binary, FindBinary(IsPeer(*node) ? "loom-peer" : "loom-orderer"));
  LOOM_ASSIGN_OR_RETURN(ProcessRecord record, SpawnNode(workspace_, *node, binary));
  loom::Status healthy =
      WaitHealthy(node->operations_address, record, SteadyClock::now() + kRestartTimeout, node->log_file);
  if (!healthy.ok()) {
    (void)StopNode(*node);
    return healthy.WithContext("restarting " + node->info.fqdn);
  }
  return loom::Status::Ok();
}

Result<std::string> Network::DeployChaincode(const config::Chaincode& chaincode) {
  const std::string file = workspace_.PackageFile(chaincode);
  Result<std::string> package = ReadFile(file);
  if (!package.ok()) {
    std::error_code ec;
    LOOM_ASSIGN_OR_RETURN(std::string built, BuildChaincodePackage(chaincode, {fs::current_path(ec).string(),
                                                                               SourceTreeOfBuild()}));
    LOOM_RETURN_IF_ERROR(MakeDirectories(fs::path(file).parent_path().string()));
    LOOM_RETURN_IF_ERROR(WriteFileAtomically(file, built));
    package = std::move(built);
  }
  DeployOptions options;
  options.progress = progress_;
  return DeployChaincodePackage(workspace_, chaincode, *package, options);
}

Result<std::string> Network::RaftLeader() const {
  for (const NodeSpec& node : workspace_.nodes()) {
    if (IsPeer(node) || !LiveRecord(node)) continue;
    if (workspace_.scenario().orderer.type == config::OrdererType::kSolo) return node.info.fqdn;
    Result<HttpResponse> metrics = HttpGet(node.operations_address, "/metrics", kProbeTimeout);
    if (metrics.ok() && metrics->status == 200 && ReadNodeMetrics(metrics->body).is_leader)
      return node.info.fqdn;
  }
  return loom::Status::NotFound("no running orderer of workspace " + workspace_.dir() +
                                " reports being the Raft leader");
}

}  // namespace loom::lab
