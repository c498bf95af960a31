#include "app/bench/run_command.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>

#include "app/bench/bench_target.h"
#include "app/bench/compare.h"
#include "app/bench/crypto_ceiling.h"
#include "app/bench/engine.h"
#include "app/bench/node_sampler.h"
#include "app/bench/report.h"
#include "app/bench/trace_table1.h"
#include "app/bench/validate_only.h"
#include "app/bench/workload.h"
#include "app/lab/gateway.h"
#include "app/lab/network.h"
#include "app/lab/trace_collector.h"
#include "app/lab/workspace.h"
#include "core/msp/signing_identity.h"
#include "core/util/file_util.h"

namespace loom::bench {
namespace {

// Ctrl-C: the first stops the sends and lets the run drain and report; a
// second one ends the program as usual.
std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) {
  g_interrupted = true;
  signal(SIGINT, SIG_DFL);
}

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// The workload named by a scenario's workload block (chaincode + function).
std::string WorkloadNameOf(const config::Workload& workload) {
  const std::map<std::pair<std::string, std::string>, std::string> names = {
      {{"assets", "CreateAsset"}, "assets-create"}, {{"assets", "TransferAsset"}, "assets-transfer"},
      {{"assets", "ReadAsset"}, "assets-read"},     {{"counter", "Increment"}, "counter-increment"},
      {{"fabcoin", "MINT"}, "fabcoin-mint"},        {{"fabcoin", "SPEND"}, "fabcoin-spend"}};
  auto it = names.find({workload.chaincode, workload.function});
  return it == names.end() ? std::string() : it->second;
}

struct RunArgs {
  std::string target;
  std::string workload, channel, org, user, report_dir, workspace_dir;
  std::optional<double> rate;
  std::optional<uint32_t> in_flight, clients;
  std::optional<Nanos> duration, timeout;
  std::optional<uint64_t> keys, seed, txs, block_size;
  std::optional<double> zipf;
  std::optional<std::pair<double, double>> hotset;
  std::string profile;
  Mode mode = Mode::kEndToEnd;
  double ceiling_seconds = 0.5;
  bool json = false;
  bool down = false;      // scenario runs: stop the network afterwards
  bool no_trace = false;  // skip the trace collector (Table 1 from client phases only)
};

Status ParseRunArgs(const std::vector<std::string>& args, RunArgs* out) {
  auto number = [](const std::string& flag, const std::string& text) -> Result<double> {
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || value < 0) {
      return Status::InvalidArgument(flag + ": \"" + text + "\" is not a number >= 0");
    }
    return value;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return Status::InvalidArgument(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--endorse-only") {
      out->mode = Mode::kEndorseOnly;
    } else if (arg == "--order-only") {
      out->mode = Mode::kOrderOnly;
    } else if (arg == "--validate-only") {
      out->mode = Mode::kValidateOnly;
    } else if (arg == "--json") {
      out->json = true;
    } else if (arg == "--down") {
      out->down = true;
    } else if (arg == "--no-trace") {
      out->no_trace = true;
    } else if (arg == "--workspace") {
      LOOM_ASSIGN_OR_RETURN(out->workspace_dir, value());
    } else if (arg == "--workload") {
      LOOM_ASSIGN_OR_RETURN(out->workload, value());
    } else if (arg == "--channel") {
      LOOM_ASSIGN_OR_RETURN(out->channel, value());
    } else if (arg == "--org") {
      LOOM_ASSIGN_OR_RETURN(out->org, value());
    } else if (arg == "--user") {
      LOOM_ASSIGN_OR_RETURN(out->user, value());
    } else if (arg == "--report") {
      LOOM_ASSIGN_OR_RETURN(out->report_dir, value());
    } else if (arg == "--profile") {
      LOOM_ASSIGN_OR_RETURN(out->profile, value());
    } else if (arg == "--rate" || arg == "--in-flight" || arg == "--clients" || arg == "--keys" ||
               arg == "--zipf" || arg == "--seed" || arg == "--ceiling-seconds" || arg == "--txs" ||
               arg == "--block-size") {
      LOOM_ASSIGN_OR_RETURN(std::string text, value());
      LOOM_ASSIGN_OR_RETURN(double v, number(arg, text));
      if (arg == "--rate")
        out->rate = v;
      else if (arg == "--in-flight")
        out->in_flight = static_cast<uint32_t>(v);
      else if (arg == "--clients")
        out->clients = static_cast<uint32_t>(v);
      else if (arg == "--keys")
        out->keys = static_cast<uint64_t>(v);
      else if (arg == "--zipf")
        out->zipf = v;
      else if (arg == "--seed")
        out->seed = static_cast<uint64_t>(v);
      else if (arg == "--txs")
        out->txs = static_cast<uint64_t>(v);
      else if (arg == "--block-size")
        out->block_size = static_cast<uint64_t>(v);
      else
        out->ceiling_seconds = v;
    } else if (arg == "--hotset") {
      LOOM_ASSIGN_OR_RETURN(std::string text, value());
      size_t colon = text.find(':');
      if (colon == std::string::npos)
        return Status::InvalidArgument("--hotset is FRACTION:PROBABILITY, e.g. 0.1:0.9");
      LOOM_ASSIGN_OR_RETURN(double fraction, number(arg, text.substr(0, colon)));
      LOOM_ASSIGN_OR_RETURN(double probability, number(arg, text.substr(colon + 1)));
      out->hotset = std::make_pair(fraction, probability);
    } else if (arg == "--duration" || arg == "--timeout") {
      LOOM_ASSIGN_OR_RETURN(std::string text, value());
      Result<Nanos> d = ParseDuration(text);
      if (!d.ok()) return d.status().WithContext(arg);
      (arg == "--duration" ? out->duration : out->timeout) = *d;
    } else if (!arg.starts_with("--") && out->target.empty()) {
      out->target = arg;
    } else {
      return Status::InvalidArgument("unknown argument \"" + arg + "\"");
    }
  }
  if (out->target.empty()) return Status::InvalidArgument("run needs a WORKSPACE folder or a SCENARIO.yaml");
  if (out->rate && out->in_flight)
    return Status::InvalidArgument("--rate (open loop) and --in-flight (closed loop) exclude each other");
  if (out->zipf && out->hotset) return Status::InvalidArgument("--zipf and --hotset exclude each other");
  return Status::Ok();
}

// A one-line progress report: a bar on a terminal, a plain line a second otherwise.
class ProgressPrinter {
 public:
  ProgressPrinter() : terminal_(isatty(STDERR_FILENO) == 1) {}
  void operator()(const Progress& p) {
    if (!terminal_) {
      int second = static_cast<int>(p.elapsed_s);
      if (second == last_second_) return;
      last_second_ = second;
      std::fprintf(stderr, "%6.1fs sent %lu done %lu valid %lu invalid %lu failed %lu late %lu%s\n",
                   p.elapsed_s, static_cast<unsigned long>(p.sent), static_cast<unsigned long>(p.done),
                   static_cast<unsigned long>(p.valid), static_cast<unsigned long>(p.invalid),
                   static_cast<unsigned long>(p.failed), static_cast<unsigned long>(p.late),
                   p.draining ? " (draining)" : "");
      return;
    }
    constexpr int kWidth = 30;
    int filled = p.duration_s > 0 ? static_cast<int>(kWidth * std::min(1.0, p.elapsed_s / p.duration_s)) : 0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r[%s] %5.1f/%.0fs sent %lu valid %lu invalid %lu failed %lu late %lu%s   ",
                 bar.c_str(), p.elapsed_s, p.duration_s, static_cast<unsigned long>(p.sent),
                 static_cast<unsigned long>(p.valid), static_cast<unsigned long>(p.invalid),
                 static_cast<unsigned long>(p.failed), static_cast<unsigned long>(p.late),
                 p.draining ? " draining" : "");
  }
  void Done() {
    if (terminal_) std::fputc('\n', stderr);
  }

 private:
  bool terminal_;
  int last_second_ = -1;
};

// A signer from a node's (or user's) MSP folder.
Result<std::shared_ptr<protocol::Signer>> SignerOf(const std::string& msp_dir, const std::string& mspid) {
  LOOM_ASSIGN_OR_RETURN(msp::SigningIdentity identity, msp::LoadSigningIdentity(msp_dir, mspid));
  return std::shared_ptr<protocol::Signer>(
      std::make_shared<protocol::KeySigner>(identity.private_key(), identity.Serialize()));
}

// --validate-only from the workspace's files: its genesis block, the
// endorsing peers' and the orderer's own keys.
Result<ValidateOnlySetup> ValidateOnlySetupFor(const lab::Workspace& workspace, const BenchTarget& target,
                                               const RunArgs& run) {
  ValidateOnlySetup setup;
  setup.channel = target.channel;
  setup.chaincode = target.chaincode;
  setup.client = target.signer;
  LOOM_ASSIGN_OR_RETURN(std::string genesis, ReadFile(workspace.GenesisBlockFile(target.channel)));
  if (!setup.genesis.ParseFromString(genesis)) {
    return Status::InvalidArgument(workspace.GenesisBlockFile(target.channel) + ": not a block");
  }
  for (const EndorserTarget& endorser : target.endorsers) {
    const lab::NodeSpec* node = workspace.FindNode(endorser.name);
    if (node == nullptr) return Status::NotFound("workspace has no node " + endorser.name);
    LOOM_ASSIGN_OR_RETURN(auto signer, SignerOf(node->msp_dir, node->info.mspid));
    setup.endorsers.push_back({endorser.name, node->info.mspid, signer});
  }
  const lab::NodeSpec* orderer = workspace.FindNode(target.orderer_name);
  if (orderer == nullptr) return Status::NotFound("workspace has no node " + target.orderer_name);
  LOOM_ASSIGN_OR_RETURN(setup.orderer, SignerOf(orderer->msp_dir, orderer->info.mspid));
  setup.txs = run.txs.value_or(4000);
  setup.block_size = static_cast<uint32_t>(run.block_size.value_or(
      std::max<uint32_t>(1, workspace.scenario().orderer.batch_size.max_message_count)));
  setup.scratch_dir = std::filesystem::temp_directory_path().string();
  return setup;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "loom-bench: %s\n", status.ToString().c_str());
  return kExitFailed;
}

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  RunArgs run;
  if (Status parsed = ParseRunArgs(args, &run); !parsed.ok()) {
    std::fprintf(stderr, "loom-bench run: %s\n", parsed.message().c_str());
    return kExitUsage;
  }
  // A scenario: its workspace is prepared and the network brought up (or
  // attached to when it already runs); a folder: an existing workspace.
  std::string ext = std::filesystem::path(run.target).extension().string();
  const bool from_scenario = ext == ".yaml" || ext == ".yml";
  Result<lab::Workspace> workspace = from_scenario ? lab::Workspace::Prepare(run.target, run.workspace_dir)
                                                   : lab::Workspace::Open(run.target);
  if (!workspace.ok()) return Fail(workspace.status());
  std::optional<lab::Network> network;
  if (from_scenario) {
    Result<lab::Network> attached = lab::Network::Attach(*workspace);
    if (attached.ok()) {
      std::fprintf(stderr, "network %s already running; using it\n", workspace->dir().c_str());
      network.emplace(std::move(*attached));
    } else {
      lab::UpOptions up;
      up.progress = [](std::string_view step) {
        std::fprintf(stderr, "up: %.*s\n", static_cast<int>(step.size()), step.data());
      };
      Result<lab::Network> started = lab::Network::Up(*workspace, up);
      if (!started.ok()) return Fail(started.status().WithContext("bringing up " + run.target));
      network.emplace(std::move(*started));
    }
  }
  // Stops the network on the way out when --down asked for it.
  struct DownOnExit {
    std::optional<lab::Network>* network;
    bool down;
    ~DownOnExit() {
      if (!down || !network->has_value()) return;
      Status stopped = (*network)->Down();
      if (!stopped.ok()) std::fprintf(stderr, "loom-bench: down: %s\n", stopped.ToString().c_str());
    }
  } down_on_exit{&network, run.down && from_scenario};
  const config::Scenario& scenario = workspace->scenario();
  config::Workload defaults = scenario.workload.value_or(config::Workload{});

  // Scenario defaults, then the command line.
  // A scenario workload for a chaincode loom-bench has no named workload
  // for runs from its own block (argument templates).
  std::string workload_name = !run.workload.empty() ? run.workload : WorkloadNameOf(defaults);
  const bool from_template =
      workload_name.empty() && scenario.workload.has_value() && !defaults.chaincode.empty();
  if (from_template) workload_name = defaults.chaincode + ":" + defaults.function;
  if (workload_name.empty()) {
    std::fprintf(stderr, "loom-bench run: --workload is needed (the scenario has no workload block)\n");
    return kExitUsage;
  }
  std::string chaincode = from_template ? defaults.chaincode : ChaincodeOf(workload_name);
  if (chaincode.empty()) return Fail(MakeWorkload(workload_name, {}).status());
  std::string channel = run.channel;
  if (channel.empty() && !defaults.channel.empty() && defaults.chaincode == chaincode)
    channel = defaults.channel;
  if (channel.empty()) {
    for (const config::Chaincode& cc : scenario.chaincodes) {
      if (cc.name == chaincode) {
        channel = cc.channel;
        break;
      }
    }
  }
  if (channel.empty()) {
    std::fprintf(stderr,
                 "loom-bench run: the scenario defines no chaincode \"%s\" (workload %s); give --channel\n",
                 chaincode.c_str(), workload_name.c_str());
    return kExitUsage;
  }
  std::string org = !run.org.empty() ? run.org : defaults.org;
  if (org.empty()) {
    const config::Channel* found = config::FindChannel(scenario, channel);
    if (found != nullptr && !found->orgs.empty()) org = found->orgs.front();
  }
  std::string user = !run.user.empty() ? run.user : (!defaults.user.empty() ? defaults.user : "User1");
  Result<std::shared_ptr<protocol::Signer>> signer = workspace->Signer(org, user);
  if (!signer.ok()) return Fail(signer.status());
  Result<ResolvedTarget> resolved = ResolveTarget(workspace->Endpoints(), channel, chaincode, *signer);
  if (!resolved.ok()) return Fail(resolved.status());
  if (run.mode == Mode::kEndToEnd || run.mode == Mode::kEndorseOnly) {
    // Endorse where the chaincode's policy needs it, as Fabric's gateway
    // does: an OR policy costs one endorsement, and a dead peer of an org the
    // policy does not need fails nothing.
    lab::Gateway gateway(workspace->Endpoints(), *signer);
    Result<std::vector<const lab::PeerEndpoint*>> chosen =
        gateway.ChooseEndorsers(channel, chaincode, std::chrono::seconds(10));
    if (chosen.ok() && !chosen->empty()) {
      std::vector<EndorserTarget> endorsers;
      for (const lab::PeerEndpoint* peer : *chosen)
        endorsers.push_back({peer->name, peer->mspid, peer->endpoint});
      resolved->target.endorsers = std::move(endorsers);
      resolved->target.watch_peer = resolved->target.endorsers.front();
    } else {
      std::fprintf(stderr, "note: endorsing at one peer of every member org (the endorsement policy: %s)\n",
                   chosen.ok() ? "no peer chosen" : chosen.status().message().c_str());
    }
  }

  EngineOptions options;
  options.mode = run.mode;
  options.loop = run.in_flight ? config::LoadMode::kClosed
                 : run.rate    ? config::LoadMode::kOpen
                               : defaults.mode;
  options.in_flight = run.in_flight.value_or(defaults.in_flight);
  double rate = run.rate.value_or(defaults.rate);
  options.profile = RateProfile::Fixed(rate);
  if (!run.profile.empty()) {
    Result<RateProfile> profile = ParseRateProfile(run.profile, rate);
    if (!profile.ok()) {
      std::fprintf(stderr, "loom-bench run: %s\n", profile.status().message().c_str());
      return kExitUsage;
    }
    options.profile = *profile;
    options.loop = config::LoadMode::kOpen;
  }
  options.duration = run.duration.value_or(std::chrono::duration_cast<Nanos>(defaults.duration));
  options.clients = run.clients.value_or(std::max<uint32_t>(defaults.clients, 8));
  options.keys = defaults.keys;
  if (run.keys) options.keys.count = *run.keys;
  if (run.zipf) {
    options.keys.distribution = config::KeyDistribution::kZipf;
    options.keys.zipf_s = *run.zipf;
  }
  if (run.hotset) {
    options.keys.distribution = config::KeyDistribution::kHotset;
    options.keys.hot_fraction = run.hotset->first;
    options.keys.hot_probability = run.hotset->second;
  }
  options.seed = run.seed.value_or(1);
  if (run.timeout) options.tx_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*run.timeout);

  WorkloadOptions workload_options;
  workload_options.run_id = std::to_string(std::random_device{}());
  workload_options.key_count = options.keys.count;
  workload_options.state_dir = workspace->dir() + "/bench";
  Result<std::unique_ptr<Workload>> workload =
      from_template ? MakeTemplateWorkload(defaults) : MakeWorkload(workload_name, workload_options);
  if (!workload.ok()) return Fail(workload.status());

  std::fprintf(stderr, "measuring the crypto ceiling (%.1f s sign + %.1f s verify on every core)...\n",
               run.ceiling_seconds, run.ceiling_seconds);
  Result<CryptoRates> crypto = MeasureCryptoRates(0, run.ceiling_seconds);
  if (!crypto.ok()) return Fail(crypto.status());

  std::vector<NodeToSample> nodes;
  for (const lab::NodeSpec& node : workspace->nodes()) nodes.push_back({node.info.fqdn, node.pid_file});
  NodeSampler sampler(std::move(nodes));
  std::unique_ptr<lab::TraceCollector> collector;
  if (!run.no_trace && run.mode != Mode::kValidateOnly) {
    lab::TraceCollectorOptions trace_options;
    if (!run.report_dir.empty()) trace_options.store_dir = run.report_dir + "/traces";
    Result<std::unique_ptr<lab::TraceCollector>> started =
        lab::TraceCollector::Start(workspace->Endpoints(), trace_options);
    if (started.ok() &&
        (*started)->WaitUntilConnected(std::chrono::steady_clock::now() + std::chrono::seconds(5))) {
      collector = std::move(*started);
    } else {
      std::fprintf(
          stderr, "loom-bench: no trace collector (%s); Table 1 will hold the client-side phases only\n",
          started.ok() ? "not every node's Observer stream connected" : started.status().message().c_str());
    }
  }
  options.stop = &g_interrupted;
  signal(SIGINT, OnInterrupt);
  Result<RunResult> result = Status::Internal("not run");
  if (run.mode == Mode::kValidateOnly) {
    Result<ValidateOnlySetup> setup = ValidateOnlySetupFor(*workspace, resolved->target, run);
    if (!setup.ok()) return Fail(setup.status());
    std::fprintf(stderr, "validate-only: %lu transactions in blocks of %u, committed in this process\n",
                 static_cast<unsigned long>(setup->txs), setup->block_size);
    result = RunValidateOnly(*setup);
    options.loop = config::LoadMode::kClosed;  // no send schedule: the blocks are handed over at once
  } else {
    ProgressPrinter printer;
    Engine engine(resolved->target, options);
    result = engine.Run(**workload, [&](const Progress& progress) {
      sampler.Tick();
      printer(progress);
    });
    printer.Done();
  }
  if (!result.ok()) return Fail(result.status());
  std::optional<Table1> traced;
  if (collector) {
    AddClientSpans(*collector, *result, channel);
    traced =
        TraceTable1(*collector, *result, channel, std::chrono::steady_clock::now() + std::chrono::seconds(3));
    collector->Stop();
  }

  RunDescription description;
  description.workload = workload_name;
  description.target = workspace->dir();
  description.mode = run.mode;
  description.options = options;
  description.network = resolved->target;
  description.network.signer.reset();
  description.committing_peers = resolved->committing_peers;
  Report report = BuildReport(description, std::move(*result), sampler.Finish(), *crypto);
  if (traced && !traced->rows.empty() && traced->rows.back().stats.count > 0) {
    report.table1 = *traced;
  } else if (collector) {
    report.table1.note += " (the trace collector ran but measured no complete transaction)";
  }
  if (!run.report_dir.empty()) {
    if (Status written = WriteReport(report, run.report_dir); !written.ok()) return Fail(written);
    std::fprintf(stderr, "report: %s/report.json, latencies.csv, report.html\n", run.report_dir.c_str());
  }
  if (run.json) {
    std::cout << ReportToJson(report).dump(2) << "\n";
  } else {
    std::cout << ReportSummaryText(report);
  }
  return 0;
}

int CompareCommand(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  bool json = false;
  for (const std::string& arg : args) {
    if (arg == "--json")
      json = true;
    else
      paths.push_back(arg);
  }
  if (paths.size() != 2) {
    std::fprintf(stderr, "loom-bench compare: needs two reports, A and B (folders or report.json files)\n");
    return kExitUsage;
  }
  Result<nlohmann::json> a = LoadReportJson(paths[0]);
  if (!a.ok()) return Fail(a.status());
  Result<nlohmann::json> b = LoadReportJson(paths[1]);
  if (!b.ok()) return Fail(b.status());
  std::vector<ComparisonRow> rows = CompareReports(*a, *b);
  if (json) {
    std::cout << ComparisonJson(rows, paths[0], paths[1]).dump(2) << "\n";
  } else {
    std::cout << ComparisonText(rows, paths[0], paths[1]);
  }
  return 0;
}

}  // namespace loom::bench
