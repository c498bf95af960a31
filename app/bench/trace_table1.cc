#include "app/bench/trace_table1.h"

#include <unordered_set>

#include "app/lab/phase_breakdown.h"

namespace loom::bench {
namespace {

int64_t UnixNanos(const RunResult& result, Nanos offset) {
  return std::chrono::duration_cast<Nanos>(result.started_at.time_since_epoch()).count() + offset.count();
}

}  // namespace

void AddClientSpans(lab::TraceCollector& collector, const RunResult& result, const std::string& channel) {
  for (const TxRecord& r : result.records) {
    if (r.tx_id.empty()) continue;
    if (r.endorsed.count() >= 0) {
      collector.AddClientSpan(r.tx_id, lab::kClientEndorse, UnixNanos(result, r.sent),
                              UnixNanos(result, r.endorsed), {}, "loom-bench", channel);
    }
    if (r.ordered.count() >= 0) {
      collector.AddClientSpan(r.tx_id, lab::kClientBroadcast, UnixNanos(result, r.endorsed),
                              UnixNanos(result, r.ordered), {}, "loom-bench", channel);
    }
    if (r.committed.count() >= 0 && r.ordered.count() >= 0) {
      collector.AddClientSpan(r.tx_id, lab::kClientCommitSeen, UnixNanos(result, r.ordered),
                              UnixNanos(result, r.committed), {}, "loom-bench", channel);
    }
  }
}

Table1 TraceTable1(const lab::TraceCollector& collector, const RunResult& result, const std::string& channel,
                   std::chrono::steady_clock::time_point deadline) {
  lab::BreakdownOptions options;
  options.channel = channel;
  // The last few committed transactions are the last to reach the collector.
  int waited = 0;
  for (auto it = result.records.rbegin(); it != result.records.rend() && waited < 8; ++it) {
    if (it->committed.count() < 0 || it->tx_id.empty()) continue;
    ++waited;
    collector.WaitForTimeline(
        it->tx_id,
        [&](const lab::TxTimeline& timeline) { return lab::MeasureTx(timeline, options).has_value(); },
        deadline);
  }
  std::unordered_set<std::string> ours;
  for (const TxRecord& r : result.records) {
    if (!r.tx_id.empty()) ours.insert(r.tx_id);
  }
  std::vector<lab::TxTimeline> timelines;
  for (lab::TxTimeline& timeline : collector.Timelines()) {
    if (ours.count(timeline.tx_id)) timelines.push_back(std::move(timeline));
  }
  lab::PhaseBreakdown breakdown = lab::ComputeBreakdown(timelines, options);
  Table1 table;
  table.source = "trace";
  table.note = "from the nodes' traces (TraceCollector): " + std::to_string(breakdown.transactions) +
               " transactions measured, " + std::to_string(breakdown.incomplete) + " incomplete; " +
               lab::kClockNote;
  for (const lab::PhaseStats& row : breakdown.rows) {
    Summary stats;
    stats.count = row.count;
    stats.avg = row.avg_ms;
    stats.stdev = row.stdev_ms;
    stats.min = row.min_ms;
    stats.p50 = row.p50_ms;
    stats.p99 = row.p99_ms;
    stats.p999 = row.p999_ms;
    stats.max = row.max_ms;
    table.rows.push_back({row.key, row.label, stats});
  }
  return table;
}

}  // namespace loom::bench
