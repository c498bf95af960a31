#include "app/lab/phase_breakdown.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

namespace loom::lab {
namespace {

// A peer's per-tx COMMITTED span (not the block-level one).
const TxSpan* TxCommitted(const TxTimeline& timeline, const std::string& peer) {
  for (const TxSpan& span : timeline.spans) {
    if (span.phase == "COMMITTED" && !span.block_level && span.node == peer) return &span;
  }
  return nullptr;
}

std::string ObservingPeer(const TxTimeline& timeline, const BreakdownOptions& options) {
  if (!options.peer.empty()) return options.peer;
  std::set<std::string> candidates;
  for (const TxSpan& span : timeline.spans) {
    if (span.phase == "VSCC_DONE") candidates.insert(span.node);
  }
  for (const std::string& peer : candidates) {
    if (TxCommitted(timeline, peer) != nullptr) return peer;
  }
  return "";
}

double Ms(double nanos) {
  return nanos / 1e6;
}

}  // namespace

std::optional<TxPhases> MeasureTx(const TxTimeline& timeline, const BreakdownOptions& options) {
  if (!options.channel.empty() && timeline.channel != options.channel) return std::nullopt;
  if (options.valid_only && timeline.validation_code() != protos::VALID) return std::nullopt;

  std::optional<int64_t> t0, t1;
  for (const TxSpan& span : timeline.spans) {
    if (span.group != PhaseGroup::kClient) continue;
    if (span.phase == kClientSubmit || span.phase == kClientEndorse) {
      t0 = t0 ? std::min(*t0, span.start_unix_nanos) : span.start_unix_nanos;
    }
    if (span.phase == kClientEndorse) t1 = t1 ? std::max(*t1, span.end_unix_nanos) : span.end_unix_nanos;
  }
  std::optional<int64_t> peer_t0, peer_t1;
  for (const TxSpan* endorsed : timeline.FindAll("ENDORSED")) {
    peer_t0 = peer_t0 ? std::min(*peer_t0, endorsed->start_unix_nanos) : endorsed->start_unix_nanos;
    peer_t1 = peer_t1 ? std::max(*peer_t1, endorsed->end_unix_nanos) : endorsed->end_unix_nanos;
  }
  if (!t0) t0 = peer_t0;
  if (!t1) t1 = peer_t1;

  const std::string peer = ObservingPeer(timeline, options);
  const TxSpan* vscc = timeline.Find("VSCC_DONE", peer);
  const TxSpan* committed = peer.empty() ? nullptr : TxCommitted(timeline, peer);
  if (!t0 || !t1 || vscc == nullptr || committed == nullptr) return std::nullopt;

  TxPhases phases;
  phases.tx_id = timeline.tx_id;
  phases.peer = peer;
  const int64_t t2 = vscc->start_unix_nanos, t3 = committed->end_unix_nanos;
  phases.endorsement = *t1 - *t0;
  phases.ordering = t2 - *t1;
  phases.vscc = vscc->duration_nanos();
  if (const TxSpan* mvcc = timeline.Find("MVCC_DONE", peer)) phases.rw_check = mvcc->duration_nanos();
  phases.ledger = committed->duration_nanos();
  phases.validation = t3 - t2;
  phases.end_to_end = t3 - *t0;
  return phases;
}

int64_t ExactPercentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  // p * n / 100 in floating point can land just above an integer (99.9% of
  // 1000 = 999.0000000000001); that must not push the rank up by one.
  const double exact = p / 100.0 * static_cast<double>(sorted.size());
  const double rank = std::ceil(exact - 1e-9 * std::max(1.0, exact));
  const size_t index = static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size()))) - 1;
  return sorted[index];
}

PhaseStats SummarizeSamples(std::string key, std::string label, std::vector<int64_t> samples) {
  PhaseStats stats;
  stats.key = std::move(key);
  stats.label = std::move(label);
  stats.count = samples.size();
  if (samples.empty()) return stats;
  std::sort(samples.begin(), samples.end());
  double sum = 0;
  for (int64_t sample : samples) sum += static_cast<double>(sample);
  const double mean = sum / static_cast<double>(samples.size());
  double squares = 0;
  for (int64_t sample : samples)
    squares += (static_cast<double>(sample) - mean) * (static_cast<double>(sample) - mean);
  stats.avg_ms = Ms(mean);
  stats.stdev_ms = Ms(std::sqrt(squares / static_cast<double>(samples.size())));
  stats.p50_ms = Ms(static_cast<double>(ExactPercentile(samples, 50)));
  stats.p99_ms = Ms(static_cast<double>(ExactPercentile(samples, 99)));
  stats.p999_ms = Ms(static_cast<double>(ExactPercentile(samples, 99.9)));
  stats.min_ms = Ms(static_cast<double>(samples.front()));
  stats.max_ms = Ms(static_cast<double>(samples.back()));
  return stats;
}

PhaseBreakdown ComputeBreakdown(const std::vector<TxTimeline>& timelines, const BreakdownOptions& options) {
  PhaseBreakdown breakdown;
  std::vector<int64_t> endorsement, ordering, vscc, rw_check, ledger, validation, end_to_end;
  for (const TxTimeline& timeline : timelines) {
    std::optional<TxPhases> phases = MeasureTx(timeline, options);
    if (!phases) {
      ++breakdown.incomplete;
      continue;
    }
    endorsement.push_back(phases->endorsement);
    ordering.push_back(phases->ordering);
    vscc.push_back(phases->vscc);
    if (phases->rw_check) rw_check.push_back(*phases->rw_check);
    ledger.push_back(phases->ledger);
    validation.push_back(phases->validation);
    end_to_end.push_back(phases->end_to_end);
    breakdown.per_tx.push_back(std::move(*phases));
  }
  breakdown.transactions = breakdown.per_tx.size();
  breakdown.rows.push_back(SummarizeSamples("endorsement", "(1) endorsement", std::move(endorsement)));
  breakdown.rows.push_back(SummarizeSamples("ordering", "(2) ordering", std::move(ordering)));
  breakdown.rows.push_back(SummarizeSamples("vscc", "(3) VSCC validation", std::move(vscc)));
  breakdown.rows.push_back(SummarizeSamples("rw_check", "(4) R/W check", std::move(rw_check)));
  breakdown.rows.push_back(SummarizeSamples("ledger", "(5) ledger", std::move(ledger)));
  breakdown.rows.push_back(SummarizeSamples("validation", "(6) validation (3+4+5)", std::move(validation)));
  breakdown.rows.push_back(SummarizeSamples("end_to_end", "(7) end-to-end (1+2+6)", std::move(end_to_end)));
  return breakdown;
}

nlohmann::json BreakdownToJson(const PhaseBreakdown& breakdown) {
  nlohmann::json rows = nlohmann::json::array();
  for (const PhaseStats& row : breakdown.rows) {
    rows.push_back({{"key", row.key},
                    {"label", row.label},
                    {"count", row.count},
                    {"avg_ms", row.avg_ms},
                    {"stdev_ms", row.stdev_ms},
                    {"p50_ms", row.p50_ms},
                    {"p99_ms", row.p99_ms},
                    {"p999_ms", row.p999_ms},
                    {"min_ms", row.min_ms},
                    {"max_ms", row.max_ms}});
  }
  return {{"transactions", breakdown.transactions},
          {"incomplete", breakdown.incomplete},
          {"clock", kClockNote},
          {"rows", std::move(rows)}};
}

std::string BreakdownToText(const PhaseBreakdown& breakdown) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-26s %7s %10s %10s %10s %10s %10s\n", "phase (ms)", "count", "avg",
                "st.dev", "p50", "p99", "p99.9");
  out += line;
  for (const PhaseStats& row : breakdown.rows) {
    std::snprintf(line, sizeof line, "%-26s %7zu %10.3f %10.3f %10.3f %10.3f %10.3f\n", row.label.c_str(),
                  row.count, row.avg_ms, row.stdev_ms, row.p50_ms, row.p99_ms, row.p999_ms);
    out += line;
  }
  out += std::to_string(breakdown.transactions) + " transactions measured, " +
         std::to_string(breakdown.incomplete) + " incomplete; " + kClockNote + "\n";
  return out;
}

}  // namespace loom::lab
