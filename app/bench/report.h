// A run's report: built from the engine's records, the node samples and the
// crypto ceiling, and written as
//   report.json    stable fields (docs/bench.md lists them), format "loom-bench-report/1"
//   latencies.csv  one row per transaction: seq, client, tx_id, intended/actual
//                  send, phase ends and durations (ms), end-to-end, outcome, code
//   report.html    self-contained: inline SVG charts (throughput over time,
//                  latency percentiles, Table 1), no external assets
// Latencies are measured from the INTENDED send time (open loop), so a late
// send's wait is in its latency. Pure apart from the writes; thread-compatible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/bench/crypto_ceiling.h"
#include "app/bench/engine.h"
#include "app/bench/node_sampler.h"
#include "app/bench/stats.h"
#include "core/util/status.h"

namespace loom::bench {

struct RunDescription {
  std::string workload, target;  // target: the workspace or network the run drove
  Mode mode = Mode::kEndToEnd;
  EngineOptions options;
  BenchTarget network;  // endorsers, watch peer, orderer (signer unused)
  unsigned committing_peers = 1;
};

// One row of the paper's Table 1.
struct Table1Row {
  std::string key, label;
  Summary stats;  // milliseconds
};

struct Table1 {
  std::string source;  // "trace" (TraceCollector timelines) or "client" (client-side phases only)
  std::string note;
  std::vector<Table1Row> rows;
};

struct Counts {
  uint64_t sent = 0, valid = 0, invalid = 0, endorse_failed = 0, broadcast_refused = 0, timed_out = 0,
           client_error = 0, late = 0;
  std::map<std::string, uint64_t> invalid_by_code;  // "MVCC_READ_CONFLICT" -> n
};

struct SecondBucket {
  uint64_t second = 0, sent = 0, committed = 0, valid = 0;
};

struct Report {
  RunDescription run;
  RunResult result;
  Counts counts;
  double target_send_rate = 0, achieved_send_rate = 0;   // tx/s over the measured window
  double throughput = 0, valid_throughput = 0;           // completed (committed) / valid per s
  Summary end_to_end, endorse, order, commit, send_lag;  // ms
  std::vector<SecondBucket> buckets;
  double generator_cpu_share = 0;  // of all cores
  double late_share = 0;
  bool generator_bottleneck = false;
  std::vector<NodeUsage> nodes;
  CryptoRates crypto;
  Topology topology;
  Ceiling ceiling;
  double achieved_over_ceiling = 0;
  Table1 table1;
  std::vector<std::string> warnings;
};

// Counts, rates, percentiles and warnings of a finished run.
Report BuildReport(const RunDescription& run, RunResult result, std::vector<NodeUsage> nodes,
                   const CryptoRates& crypto);

// The client-side subset of Table 1 (endorsement, ordering = broadcast ack,
// commit seen, end-to-end), labelled as such.
Table1 ClientSideTable1(const Report& report);

nlohmann::json ReportToJson(const Report& report);
std::string LatenciesCsv(const Report& report);
std::string ReportHtml(const Report& report);
// A few lines for the terminal.
std::string ReportSummaryText(const Report& report);

// Writes the three files into `dir` (created when missing).
Status WriteReport(const Report& report, const std::string& dir);

// The validation code's name ("MVCC_READ_CONFLICT"), or its number.
std::string ValidationCodeName(int code);

}  // namespace loom::bench
