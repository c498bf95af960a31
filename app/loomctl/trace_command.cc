// loomctl trace: collect, show, export and summarise transaction traces.
//   loomctl trace record  [--workspace DIR] [--duration D] [--json]
//   loomctl trace show    TXID [--workspace DIR] [--json]
//   loomctl trace export  --format json|csv -o FILE [--from-store] [--workspace DIR]
//   loomctl trace summary [--workspace DIR] [--peer NAME] [--channel C] [--valid-only] [--json]
// `record` writes the workspace's trace store (<workspace>/traces); show,
// summary and `export --from-store` read it without the network; `export`
// without --from-store asks the running nodes for what they still buffer.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/lab/phase_breakdown.h"
#include "app/lab/trace_collector.h"
#include "app/lab/trace_export.h"
#include "app/lab/trace_store.h"
#include "app/lab/tx_timeline_joiner.h"
#include "app/lab/workspace.h"
#include "app/lab/workspace_select.h"
#include "core/config/units.h"

namespace loom::ctl {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: loomctl trace record  [--workspace DIR] [--duration D] [--json]\n"
    "       loomctl trace show    TXID [--workspace DIR] [--json]\n"
    "       loomctl trace export  --format json|csv -o FILE [--from-store] [--workspace DIR]\n"
    "       loomctl trace summary [--workspace DIR] [--peer NAME] [--channel C] [--valid-only] [--json]\n";

// How long `record` waits for a first node before saying the network is down.
constexpr auto kFirstNodeTimeout = std::chrono::seconds(5);
constexpr auto kSnapshotTimeout = std::chrono::seconds(5);

int UsageError(const std::string& message) {
  std::fprintf(stderr, "loomctl trace: %s\n%s", message.c_str(), kUsage);
  return 2;
}

int Fail(const std::string& subcommand, const Status& status) {
  std::fprintf(stderr, "loomctl trace %s: %s\n", subcommand.c_str(), status.message().c_str());
  return 1;
}

struct Flags {
  std::string workspace;
  std::string duration;
  std::string format;
  std::string output;
  std::string peer;
  std::string channel;
  bool json = false;
  bool from_store = false;
  bool valid_only = false;
  std::vector<std::string> positional;
};

// Parses `args` (after the subcommand); `allowed` lists the flags this
// subcommand takes. Returns an error message, or "" when fine.
std::string ParseFlags(const std::vector<std::string>& args, const std::vector<std::string>& allowed,
                       Flags* flags) {
  auto takes = [&](const std::string& flag) {
    return std::find(allowed.begin(), allowed.end(), flag) != allowed.end();
  };
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string* value = nullptr;
    if (arg == "--workspace") value = &flags->workspace;
    if (arg == "--duration") value = &flags->duration;
    if (arg == "--format") value = &flags->format;
    if (arg == "-o" || arg == "--output") value = &flags->output;
    if (arg == "--peer") value = &flags->peer;
    if (arg == "--channel") value = &flags->channel;
    const std::string name = arg == "--output" ? "-o" : arg;
    if (value != nullptr) {
      if (!takes(name)) return "'" + args[0] + "' takes no " + arg;
      if (i + 1 >= args.size()) return arg + " needs a value";
      *value = args[++i];
    } else if (arg == "--json" || arg == "--from-store" || arg == "--valid-only") {
      if (!takes(arg)) return "'" + args[0] + "' takes no " + arg;
      (arg == "--json" ? flags->json : arg == "--from-store" ? flags->from_store : flags->valid_only) = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return "unknown option '" + arg + "'";
    } else {
      flags->positional.push_back(arg);
    }
  }
  return "";
}

Result<lab::Workspace> OpenWorkspace(const std::string& flag) {
  LOOM_ASSIGN_OR_RETURN(std::string dir, lab::SelectWorkspaceDir(flag));
  return lab::Workspace::Open(dir);
}

Result<lab::LoadedTrace> LoadStore(const lab::Workspace& workspace) {
  auto loaded = lab::LoadTimelines(workspace.TraceDir());
  if (!loaded.ok() && loaded.status().IsNotFound()) {
    return Status::NotFound("no recorded traces in " + workspace.TraceDir() +
                            " (record some with 'loomctl trace record')");
  }
  return loaded;
}

void ReportDamage(const lab::StoreLoadReport& report) {
  for (const std::string& torn : report.torn_tails)
    std::fprintf(stderr, "note: torn record skipped: %s\n", torn.c_str());
  for (const std::string& bad : report.corrupt) std::fprintf(stderr, "warning: %s\n", bad.c_str());
}

nlohmann::json NodeJson(const lab::NodeTraceStatus& node) {
  return {{"name", node.name},
          {"address", node.address},
          {"connected", node.connected},
          {"incarnation", node.incarnation},
          {"last_sequence", node.last_sequence},
          {"events", node.events},
          {"lost", node.lost},
          {"connections", node.connections},
          {"restarts_seen", node.restarts_seen},
          {"last_error", node.last_error}};
}

// --- record ---

int Record(const std::vector<std::string>& args) {
  Flags flags;
  if (std::string error = ParseFlags(args, {"--workspace", "--duration", "--json"}, &flags); !error.empty()) {
    return UsageError(error);
  }
  if (!flags.positional.empty()) return UsageError("record takes no arguments");
  std::optional<std::chrono::milliseconds> duration;
  if (!flags.duration.empty()) {
    auto parsed = config::ParseDuration(flags.duration);
    if (!parsed.ok()) return UsageError("--duration: " + parsed.status().message());
    duration = *parsed;
  }
  auto workspace = OpenWorkspace(flags.workspace);
  if (!workspace.ok()) return Fail("record", workspace.status());

  // Ctrl-C and SIGTERM end the recording: blocked here (and so in the
  // collector's threads, which inherit the mask) and taken with sigtimedwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  lab::TraceCollectorOptions options;
  options.store_dir = workspace->TraceDir();
  auto collector = lab::TraceCollector::Start(workspace->Endpoints(), options);
  if (!collector.ok()) return Fail("record", collector.status());
  const bool any_node = (*collector)
                            ->WaitForNodes(
                                [](const std::vector<lab::NodeTraceStatus>& nodes) {
                                  return std::any_of(nodes.begin(), nodes.end(),
                                                     [](const auto& node) { return node.connections > 0; });
                                },
                                SteadyClock::now() + kFirstNodeTimeout);
  if (!any_node) {
    (*collector)->Stop();
    return Fail("record", Status::Unavailable("no node of the workspace " + workspace->dir() +
                                              " answers (is it running? start it with 'loomctl up')"));
  }
  std::fprintf(stderr, "recording traces into %s (Ctrl-C to stop)\n", workspace->TraceDir().c_str());

  const auto end = duration ? SteadyClock::now() + *duration : SteadyClock::time_point::max();
  while (SteadyClock::now() < end) {
    auto left = std::min<SteadyClock::duration>(end - SteadyClock::now(), std::chrono::seconds(1));
    timespec wait{};
    wait.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(left).count();
    wait.tv_nsec = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count() % 1'000'000'000;
    if (sigtimedwait(&stop_signals, nullptr, &wait) > 0) break;
    if (!flags.json) {
      size_t connected = 0;
      std::vector<lab::NodeTraceStatus> nodes = (*collector)->Nodes();
      for (const auto& node : nodes) connected += node.connected ? 1 : 0;
      std::fprintf(stderr, "\r%llu events, %zu transactions, %llu lost, %zu/%zu nodes connected   ",
                   static_cast<unsigned long long>((*collector)->events_received()),
                   (*collector)->Timelines().size(),
                   static_cast<unsigned long long>((*collector)->events_lost()), connected, nodes.size());
    }
  }
  (*collector)->Stop();
  if (!flags.json) std::fprintf(stderr, "\n");

  const std::vector<lab::NodeTraceStatus> nodes = (*collector)->Nodes();
  const size_t transactions = (*collector)->Timelines().size();
  Status store = (*collector)->store_status();
  if (flags.json) {
    nlohmann::json out = {{"store", workspace->TraceDir()},
                          {"events", (*collector)->events_received()},
                          {"lost", (*collector)->events_lost()},
                          {"transactions", transactions},
                          {"store_error", store.ok() ? "" : store.message()},
                          {"nodes", nlohmann::json::array()}};
    for (const auto& node : nodes) out["nodes"].push_back(NodeJson(node));
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%-32s %-22s %9s %7s %8s  %s\n", "NODE", "ADDRESS", "EVENTS", "LOST", "RESTARTS",
                "LAST ERROR");
    for (const auto& node : nodes) {
      std::printf("%-32s %-22s %9llu %7llu %8llu  %s\n", node.name.c_str(), node.address.c_str(),
                  static_cast<unsigned long long>(node.events), static_cast<unsigned long long>(node.lost),
                  static_cast<unsigned long long>(node.restarts_seen), node.last_error.c_str());
    }
    std::printf("%llu events, %zu transactions, %llu lost; stored in %s\n",
                static_cast<unsigned long long>((*collector)->events_received()), transactions,
                static_cast<unsigned long long>((*collector)->events_lost()), workspace->TraceDir().c_str());
  }
  if (!store.ok()) return Fail("record", store.WithContext("the trace store"));
  return 0;
}

// --- show ---

std::string JoinFacts(const lab::Facts& facts) {
  std::string out;
  for (const auto& [key, value] : facts) {
    if (value.empty()) continue;
    out += (out.empty() ? "" : " ") + key + "=" + value;
  }
  return out;
}

int Show(const std::vector<std::string>& args) {
  Flags flags;
  if (std::string error = ParseFlags(args, {"--workspace", "--json"}, &flags); !error.empty())
    return UsageError(error);
  if (flags.positional.size() != 1) return UsageError("show takes one TXID");
  const std::string& wanted = flags.positional[0];
  auto workspace = OpenWorkspace(flags.workspace);
  if (!workspace.ok()) return Fail("show", workspace.status());
  auto loaded = LoadStore(*workspace);
  if (!loaded.ok()) return Fail("show", loaded.status());
  ReportDamage(loaded->report);

  // The exact tx id, or a unique prefix of one.
  std::vector<const lab::TxTimeline*> matches;
  for (const lab::TxTimeline& timeline : loaded->timelines) {
    if (timeline.tx_id == wanted) {
      matches = {&timeline};
      break;
    }
    if (timeline.tx_id.rfind(wanted, 0) == 0) matches.push_back(&timeline);
  }
  if (matches.empty())
    return Fail("show", Status::NotFound("no transaction '" + wanted + "' in the recorded traces"));
  if (matches.size() > 1) {
    return Fail("show",
                Status::InvalidArgument("'" + wanted + "' is the start of " + std::to_string(matches.size()) +
                                        " transactions; give more of the tx id"));
  }
  const lab::TxTimeline& timeline = *matches[0];
  if (flags.json) {
    std::printf(
        "%s\n",
        lab::TimelineToJson(timeline).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return 0;
  }
  std::printf("tx %s\nchannel %s, block %s, index %s\n", timeline.tx_id.c_str(), timeline.channel.c_str(),
              timeline.block_number ? std::to_string(*timeline.block_number).c_str() : "?",
              timeline.tx_index ? std::to_string(*timeline.tx_index).c_str() : "?");
  std::printf("validation: %s", timeline.validation_code_name().empty()
                                    ? "(no peer reported)"
                                    : timeline.validation_code_name().c_str());
  for (const auto& [peer, code] : timeline.validation_codes) {
    std::printf("  %s=%s", peer.c_str(), lab::ValidationCodeName(code).c_str());
  }
  std::printf("\n\n%10s %10s  %-8s %-23s %-28s %s\n", "AT_MS", "DUR_MS", "GROUP", "PHASE", "NODE", "FACTS");
  const int64_t origin = timeline.first_start();
  for (const lab::TxSpan& span : timeline.spans) {
    std::printf("%10.3f %10.3f  %-8s %-23s %-28s %s\n",
                static_cast<double>(span.start_unix_nanos - origin) / 1e6,
                static_cast<double>(span.duration_nanos()) / 1e6,
                std::string(lab::PhaseGroupName(span.group)).c_str(),
                (span.phase + (span.block_level ? " (block)" : "")).c_str(), span.node.c_str(),
                JoinFacts(span.facts()).c_str());
  }
  return 0;
}

// --- export ---

int Export(const std::vector<std::string>& args) {
  Flags flags;
  if (std::string error = ParseFlags(args, {"--workspace", "--format", "-o", "--from-store"}, &flags);
      !error.empty()) {
    return UsageError(error);
  }
  if (!flags.positional.empty()) return UsageError("export takes no arguments");
  if (flags.format.empty()) return UsageError("export needs --format json|csv");
  if (flags.output.empty()) return UsageError("export needs -o FILE");
  auto format = lab::ParseExportFormat(flags.format);
  if (!format.ok()) return UsageError("--format: " + format.status().message());
  auto workspace = OpenWorkspace(flags.workspace);
  if (!workspace.ok()) return Fail("export", workspace.status());

  std::vector<lab::TxTimeline> timelines;
  if (flags.from_store) {
    auto loaded = LoadStore(*workspace);
    if (!loaded.ok()) return Fail("export", loaded.status());
    ReportDamage(loaded->report);
    timelines = std::move(loaded->timelines);
  } else {
    std::vector<std::string> unreachable;
    std::vector<loom::TraceEvent> events =
        lab::FetchBufferedEvents(workspace->Endpoints(), kSnapshotTimeout, &unreachable);
    const size_t nodes = workspace->Endpoints().peers.size() + workspace->Endpoints().orderers.size();
    if (unreachable.size() == nodes) {
      return Fail("export", Status::Unavailable("no node of the workspace " + workspace->dir() +
                                                " answers (is it running? or export --from-store)"));
    }
    for (const std::string& node : unreachable) std::fprintf(stderr, "warning: skipped %s\n", node.c_str());
    lab::TimelineJoiner joiner;
    for (const loom::TraceEvent& event : events) joiner.Add(event);
    timelines = joiner.Timelines();
  }
  Status written = lab::ExportTimelines(timelines, *format, flags.output);
  if (!written.ok()) return Fail("export", written);
  std::printf("wrote %zu transactions to %s\n", timelines.size(), flags.output.c_str());
  return 0;
}

// --- summary ---

int Summary(const std::vector<std::string>& args) {
  Flags flags;
  if (std::string error =
          ParseFlags(args, {"--workspace", "--peer", "--channel", "--valid-only", "--json"}, &flags);
      !error.empty()) {
    return UsageError(error);
  }
  if (!flags.positional.empty()) return UsageError("summary takes no arguments");
  auto workspace = OpenWorkspace(flags.workspace);
  if (!workspace.ok()) return Fail("summary", workspace.status());
  auto loaded = LoadStore(*workspace);
  if (!loaded.ok()) return Fail("summary", loaded.status());
  lab::BreakdownOptions options;
  options.peer = flags.peer;
  options.channel = flags.channel;
  options.valid_only = flags.valid_only;
  lab::PhaseBreakdown breakdown = lab::ComputeBreakdown(loaded->timelines, options);
  if (flags.json) {
    nlohmann::json out = lab::BreakdownToJson(breakdown);
    out["store"] = {{"dir", workspace->TraceDir()},
                    {"segments", loaded->report.segments},
                    {"records", loaded->report.records},
                    {"torn_tails", loaded->report.torn_tails},
                    {"corrupt", loaded->report.corrupt}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    ReportDamage(loaded->report);
    std::printf("%s", lab::BreakdownToText(breakdown).c_str());
  }
  return 0;
}

}  // namespace

int RunTraceCommand(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("missing subcommand");
  if (args[0] == "record") return Record(args);
  if (args[0] == "show") return Show(args);
  if (args[0] == "export") return Export(args);
  if (args[0] == "summary") return Summary(args);
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::printf("%s", kUsage);
    return 0;
  }
  return UsageError("unknown subcommand '" + args[0] + "'");
}

}  // namespace loom::ctl
