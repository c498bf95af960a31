// The Fabric paper's Table 1 (latency per phase) from transaction timelines.
//
// Each transaction is measured at one observing peer P: BreakdownOptions::peer
// when set, else the lowest-named peer that reported both its VSCC_DONE and
// its per-tx COMMITTED. Four instants bound the rows:
//   t0  the transaction starts: the earliest start of a client "submit" or
//       "endorse" span when a lab client recorded one, else the earliest start
//       of a peer's ENDORSED span (= when the first peer received the proposal)
//   t1  endorsement done: the end of the client "endorse" span, else the
//       latest end of a peer's ENDORSED span
//   t2  validation starts: the start of P's VSCC_DONE span (the block's
//       parallel validation phase)
//   t3  committed: the end of P's per-tx COMMITTED span
// Rows (each: count, avg, st.dev, p50, p99, p99.9, min, max, in ms):
//   (1) endorsement   = t1 - t0
//   (2) ordering      = t2 - t1: assembly, broadcast, consensus, cutting,
//                       delivery and the wait before P starts validating (as in
//                       the paper, where ordering includes them)
//   (3) VSCC          = P's VSCC_DONE duration
//   (4) R/W check     = P's MVCC_DONE duration (transactions that reached it:
//                       VSCC-invalid ones have none)
//   (5) ledger        = P's per-tx COMMITTED duration (block store + state)
//   (6) validation    = t3 - t2: (3) + (4) + (5) and the pipeline's hand-offs
//                       between them
//   (7) end-to-end    = t3 - t0 = (1) + (2) + (6) exactly, per transaction
// Only complete transactions (t0..t3 known, and matching the options'
// channel / valid_only) are measured, so every row has the same transactions
// (except (4)) and avg(7) = avg(1) + avg(2) + avg(6). The others are counted
// as incomplete (e.g. the collector started after they were endorsed).
//
// Percentiles are exact, nearest-rank on the sorted samples: p-th percentile
// = sample[ceil(p/100 * n) - 1]; never averaged or interpolated. st.dev is the
// population standard deviation.
//
// Clocks: t0..t3 come from different nodes' wall clocks. On one machine they
// are the same clock; remote nodes are assumed NTP-synchronised, as the paper
// assumes, and their offset shows up in (2) and (6).
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/lab/tx_timeline.h"

namespace loom::lab {

struct BreakdownOptions {
  std::string peer = {};     // observing peer (node name); empty: per tx, see above
  std::string channel = {};  // empty: every channel
  bool valid_only = false;   // only transactions every peer committed as VALID
};

// One transaction's phases (nanoseconds).
struct TxPhases {
  std::string tx_id;
  std::string peer;  // the observing peer
  int64_t endorsement = 0;
  int64_t ordering = 0;
  int64_t vscc = 0;
  std::optional<int64_t> rw_check;
  int64_t ledger = 0;
  int64_t validation = 0;
  int64_t end_to_end = 0;
};

// The phases of `timeline`, or nullopt when it is incomplete or filtered out.
std::optional<TxPhases> MeasureTx(const TxTimeline& timeline, const BreakdownOptions& options = {});

struct PhaseStats {
  std::string key;    // "endorsement", "ordering", "vscc", "rw_check", "ledger", "validation", "end_to_end"
  std::string label;  // "(1) endorsement", ...
  size_t count = 0;
  double avg_ms = 0, stdev_ms = 0, p50_ms = 0, p99_ms = 0, p999_ms = 0, min_ms = 0, max_ms = 0;
};

// Exact statistics of `samples` (nanoseconds); zeros when empty.
PhaseStats SummarizeSamples(std::string key, std::string label, std::vector<int64_t> samples);
// Nearest-rank percentile of sorted `samples` (p in (0, 100]); 0 when empty.
int64_t ExactPercentile(const std::vector<int64_t>& sorted, double p);

struct PhaseBreakdown {
  std::vector<PhaseStats> rows;  // the seven rows, in Table 1's order
  size_t transactions = 0;       // measured
  size_t incomplete = 0;         // not measured (missing spans or filtered out)
  std::vector<TxPhases> per_tx;  // the measured transactions, in input order
};

inline constexpr char kClockNote[] =
    "times are each node's wall clock: one machine shares one clock; remote nodes are assumed "
    "NTP-synchronised, as in the Fabric paper";

PhaseBreakdown ComputeBreakdown(const std::vector<TxTimeline>& timelines,
                                const BreakdownOptions& options = {});

// {"transactions", "incomplete", "clock", "rows": [{"key", "label", "count",
//  "avg_ms", "stdev_ms", "p50_ms", "p99_ms", "p999_ms", "min_ms", "max_ms"}]}
nlohmann::json BreakdownToJson(const PhaseBreakdown& breakdown);
// The table as text, one row per phase.
std::string BreakdownToText(const PhaseBreakdown& breakdown);

}  // namespace loom::lab
