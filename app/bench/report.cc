#include "app/bench/report.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <set>
#include <sstream>

#include "core/util/file_util.h"
#include "peer/transaction.pb.h"

namespace loom::bench {
namespace {

double Ms(Nanos n) {
  return std::chrono::duration<double, std::milli>(n).count();
}
double Seconds(Nanos n) {
  return std::chrono::duration<double>(n).count();
}

// When the transaction was over from the client's point of view; -1 when never.
Nanos CompletedAt(const TxRecord& r, Mode mode) {
  if (mode == Mode::kEndorseOnly) return r.outcome == Outcome::kValid ? r.endorsed : Nanos(-1);
  return r.committed;
}

std::string Number(double v, int decimals = 2) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, v);
  return buffer;
}

std::string IsoTime(std::chrono::system_clock::time_point at) {
  std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

nlohmann::json SummaryJson(const Summary& s) {
  return {{"count", s.count}, {"avg", s.avg}, {"stdev", s.stdev}, {"min", s.min}, {"p50", s.p50},
          {"p90", s.p90},     {"p99", s.p99}, {"p999", s.p999},   {"max", s.max}};
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string CeilingFormula(Topology::Work work) {
  const char* counts = "";
  switch (work) {
    case Topology::Work::kEndToEnd:
      counts = "verifies/tx = E + O + P*(1+E) + P/B; signs/tx = 2 + E + 1/B";
      break;
    case Topology::Work::kEndorseOnly: counts = "verifies/tx = E; signs/tx = 1 + E"; break;
    case Topology::Work::kOrderOnly: counts = "verifies/tx = O; signs/tx = 2 + 1/B"; break;
    case Topology::Work::kValidateOnly: counts = "verifies/tx = 1 + E + 1/B (one peer); signs/tx = 0"; break;
  }
  return std::string(counts) + "; ceiling = verify_per_s / verifies_per_tx";
}

}  // namespace

std::string ValidationCodeName(int code) {
  if (protos::TxValidationCode_IsValid(code)) {
    return protos::TxValidationCode_Name(static_cast<protos::TxValidationCode>(code));
  }
  return std::to_string(code);
}

Report BuildReport(const RunDescription& run, RunResult result, std::vector<NodeUsage> nodes,
                   const CryptoRates& crypto) {
  Report report;
  report.run = run;
  report.nodes = std::move(nodes);
  report.crypto = crypto;
  const Mode mode = run.mode;
  Counts& counts = report.counts;
  std::vector<double> e2e, endorse, order, commit, lag;
  std::set<int64_t> blocks;
  Nanos last_completion{0};
  uint64_t completed = 0;
  for (const TxRecord& r : result.records) {
    ++counts.sent;
    if (r.late) ++counts.late;
    lag.push_back(Ms(r.sent - r.intended));
    switch (r.outcome) {
      case Outcome::kValid: ++counts.valid; break;
      case Outcome::kInvalid:
        ++counts.invalid;
        ++counts.invalid_by_code[ValidationCodeName(r.code)];
        break;
      case Outcome::kEndorseFailed: ++counts.endorse_failed; break;
      case Outcome::kBroadcastRefused: ++counts.broadcast_refused; break;
      case Outcome::kTimedOut: ++counts.timed_out; break;
      case Outcome::kClientError: ++counts.client_error; break;
    }
    Nanos done = CompletedAt(r, mode);
    if (done.count() < 0) continue;
    ++completed;
    if (r.block >= 0) blocks.insert(r.block);
    last_completion = std::max(last_completion, done);
    e2e.push_back(Ms(done - r.intended));
    endorse.push_back(Ms(r.endorsed - r.sent));
    if (mode != Mode::kEndorseOnly) {
      order.push_back(Ms(r.ordered - r.endorsed));
      commit.push_back(Ms(r.committed - r.ordered));
    }
  }
  report.end_to_end = Summarize(std::move(e2e));
  report.endorse = Summarize(std::move(endorse));
  report.order = Summarize(std::move(order));
  report.commit = Summarize(std::move(commit));
  report.send_lag = Summarize(std::move(lag));

  const double measured_s = std::max(1e-9, Seconds(result.measured));
  const double window_s = std::max(measured_s, Seconds(last_completion));
  if (run.options.loop == config::LoadMode::kOpen) {
    report.target_send_rate =
        static_cast<double>(IntendedSendTimes(run.options.profile, run.options.duration).size()) /
        std::max(1e-9, Seconds(run.options.duration));
  }
  Nanos last_send{0};
  for (const TxRecord& r : result.records) last_send = std::max(last_send, r.sent);
  report.achieved_send_rate = static_cast<double>(counts.sent) / std::max(measured_s, Seconds(last_send));
  report.throughput = static_cast<double>(completed) / window_s;
  report.valid_throughput = static_cast<double>(counts.valid) / window_s;

  size_t seconds = static_cast<size_t>(std::ceil(window_s));
  report.buckets.resize(std::max<size_t>(1, seconds));
  for (size_t i = 0; i < report.buckets.size(); ++i) report.buckets[i].second = i;
  auto bucket = [&](Nanos at) -> SecondBucket& {
    size_t i = std::min(report.buckets.size() - 1,
                        static_cast<size_t>(std::max<int64_t>(0, at.count()) / 1000000000));
    return report.buckets[i];
  };
  for (const TxRecord& r : result.records) {
    ++bucket(r.sent).sent;
    Nanos done = CompletedAt(r, mode);
    if (done.count() < 0) continue;
    ++bucket(done).committed;
    if (r.outcome == Outcome::kValid) ++bucket(done).valid;
  }

  const double drained_s = std::max(1e-9, Seconds(result.drained));
  report.generator_cpu_share = result.generator_cpu_s / (drained_s * std::max(1u, result.cores));
  report.late_share =
      counts.sent == 0 ? 0 : static_cast<double>(counts.late) / static_cast<double>(counts.sent);
  // Validate-only validates in this process: its CPU is the committer's, not a generator's.
  const bool generator_measured = mode != Mode::kValidateOnly;
  report.generator_bottleneck =
      generator_measured && (report.generator_cpu_share > 0.8 || report.late_share > 0.01);
  report.warnings = result.warnings;
  if (generator_measured && report.generator_cpu_share > 0.8) {
    report.warnings.push_back("the load generator itself used " +
                              Number(100 * report.generator_cpu_share, 0) +
                              "% of the machine's cores: it may be the bottleneck, not the network");
  }
  if (report.late_share > 0.01) {
    report.warnings.push_back(
        Number(100 * report.late_share, 1) + "% of the sends started more than " +
        Number(Ms(run.options.late_threshold), 1) + " ms late (p99 lag " + Number(report.send_lag.p99, 1) +
        " ms): the generator could not keep the schedule; add --clients or lower the rate");
  }
  if (report.target_send_rate > 0 && report.achieved_send_rate < 0.95 * report.target_send_rate) {
    report.warnings.push_back("achieved send rate " + Number(report.achieved_send_rate, 1) +
                              " tx/s is below the target " + Number(report.target_send_rate, 1) + " tx/s");
  }
  if (counts.timed_out > 0) {
    report.warnings.push_back(std::to_string(counts.timed_out) +
                              " transactions were never seen committed (timed out)");
  }

  switch (mode) {
    case Mode::kEndToEnd: report.topology.work = Topology::Work::kEndToEnd; break;
    case Mode::kEndorseOnly: report.topology.work = Topology::Work::kEndorseOnly; break;
    case Mode::kOrderOnly: report.topology.work = Topology::Work::kOrderOnly; break;
    case Mode::kValidateOnly: report.topology.work = Topology::Work::kValidateOnly; break;
  }
  report.topology.endorsements = static_cast<unsigned>(run.network.endorsers.size());
  report.topology.committing_peers = mode == Mode::kValidateOnly ? 1 : run.committing_peers;
  report.topology.orderers = 1;
  report.topology.txs_per_block =
      blocks.empty() ? 1 : static_cast<double>(completed) / static_cast<double>(blocks.size());
  report.ceiling = ComputeCeiling(crypto, report.topology);
  if (report.ceiling.verify_ceiling_tps > 0) {
    report.achieved_over_ceiling = report.valid_throughput / report.ceiling.verify_ceiling_tps;
  }
  report.result = std::move(result);
  report.table1 = ClientSideTable1(report);
  return report;
}

Table1 ClientSideTable1(const Report& report) {
  Table1 table;
  table.source = "client";
  table.note =
      "client-side phases only (no trace collector): ordering = assembly + broadcast until the orderer's "
      "ack; "
      "commit seen = from the ack until the commit event at " +
      report.run.network.watch_peer.name +
      "; VSCC, R/W check and ledger are inside it and not separable without traces";
  table.rows.push_back({"endorsement", "(1) endorsement", report.endorse});
  if (report.run.mode != Mode::kEndorseOnly) {
    table.rows.push_back({"ordering", "(2) ordering (broadcast ack)", report.order});
    table.rows.push_back({"commit_seen", "(6) commit seen", report.commit});
  }
  table.rows.push_back({"end_to_end", "(7) end-to-end", report.end_to_end});
  return table;
}

nlohmann::json ReportToJson(const Report& report) {
  const RunDescription& run = report.run;
  const EngineOptions& o = run.options;
  nlohmann::json endorsers = nlohmann::json::array();
  for (const EndorserTarget& e : run.network.endorsers) endorsers.push_back(e.name);
  nlohmann::json j;
  j["format"] = "loom-bench-report/1";
  j["run"] = {{"workload", run.workload},
              {"target", run.target},
              {"mode", ToString(run.mode)},
              {"loop", config::ToString(o.loop)},
              {"profile", o.loop == config::LoadMode::kOpen ? o.profile.ToString() : ""},
              {"in_flight", o.loop == config::LoadMode::kClosed ? o.in_flight : 0},
              {"clients", o.clients},
              {"duration_s", Seconds(o.duration)},
              {"started_at", IsoTime(report.result.started_at)},
              {"channel", run.network.channel},
              {"chaincode", run.network.chaincode},
              {"endorsers", endorsers},
              {"watch_peer", run.network.watch_peer.name},
              {"orderer", run.network.orderer_name},
              {"keys",
               {{"count", o.keys.count},
                {"distribution", config::ToString(o.keys.distribution)},
                {"zipf_s", o.keys.zipf_s}}},
              {"seed", o.seed},
              {"late_threshold_ms", Ms(o.late_threshold)},
              {"tx_timeout_ms", o.tx_timeout.count()},
              {"setup_txs", report.result.setup_txs},
              {"setup_failed", report.result.setup_failed}};
  const Counts& c = report.counts;
  j["counts"] = {{"sent", c.sent},
                 {"valid", c.valid},
                 {"invalid", c.invalid},
                 {"endorse_failed", c.endorse_failed},
                 {"broadcast_refused", c.broadcast_refused},
                 {"timed_out", c.timed_out},
                 {"client_error", c.client_error},
                 {"late", c.late},
                 {"invalid_by_code", c.invalid_by_code}};
  j["rates"] = {{"target_send_per_s", report.target_send_rate},
                {"achieved_send_per_s", report.achieved_send_rate},
                {"throughput_per_s", report.throughput},
                {"valid_throughput_per_s", report.valid_throughput},
                {"blocks_seen", report.result.blocks_seen}};
  j["latency_ms"] = {{"end_to_end", SummaryJson(report.end_to_end)},
                     {"endorse", SummaryJson(report.endorse)},
                     {"order", SummaryJson(report.order)},
                     {"commit", SummaryJson(report.commit)},
                     {"send_lag", SummaryJson(report.send_lag)}};
  nlohmann::json buckets = nlohmann::json::array();
  for (const SecondBucket& b : report.buckets) {
    buckets.push_back(
        {{"second", b.second}, {"sent", b.sent}, {"committed", b.committed}, {"valid", b.valid}});
  }
  j["throughput_over_time"] = buckets;
  j["generator"] = {{"cpu_s", report.result.generator_cpu_s},
                    {"cores", report.result.cores},
                    {"cpu_share", report.generator_cpu_share},
                    {"late_share", report.late_share},
                    {"bottleneck", report.generator_bottleneck}};
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeUsage& n : report.nodes) {
    nodes.push_back({{"name", n.name},
                     {"sampled", n.sampled},
                     {"cpu_avg_percent", n.cpu_avg_percent},
                     {"cpu_max_percent", n.cpu_max_percent},
                     {"rss_max_bytes", n.rss_max_bytes}});
  }
  j["nodes"] = nodes;
  j["crypto"] = {{"sign_per_s", report.crypto.sign_per_s},
                 {"verify_per_s", report.crypto.verify_per_s},
                 {"threads", report.crypto.threads},
                 {"endorsements", report.topology.endorsements},
                 {"committing_peers", report.topology.committing_peers},
                 {"orderers", report.topology.orderers},
                 {"txs_per_block", report.topology.txs_per_block},
                 {"verifies_per_tx", report.ceiling.verifies_per_tx},
                 {"signs_per_tx", report.ceiling.signs_per_tx},
                 {"ceiling_tps", report.ceiling.verify_ceiling_tps},
                 {"sign_verify_ceiling_tps", report.ceiling.sign_verify_ceiling_tps},
                 {"achieved_over_ceiling", report.achieved_over_ceiling},
                 {"formula", CeilingFormula(report.topology.work)}};
  nlohmann::json rows = nlohmann::json::array();
  for (const Table1Row& row : report.table1.rows) {
    rows.push_back({{"key", row.key},
                    {"label", row.label},
                    {"count", row.stats.count},
                    {"avg_ms", row.stats.avg},
                    {"stdev_ms", row.stats.stdev},
                    {"p50_ms", row.stats.p50},
                    {"p99_ms", row.stats.p99},
                    {"p999_ms", row.stats.p999},
                    {"max_ms", row.stats.max}});
  }
  j["table1"] = {{"source", report.table1.source}, {"note", report.table1.note}, {"rows", rows}};
  j["warnings"] = report.warnings;
  return j;
}

std::string LatenciesCsv(const Report& report) {
  std::ostringstream out;
  out << "seq,client,tx_id,intended_ms,sent_ms,endorsed_ms,ordered_ms,committed_ms,send_lag_ms,endorse_ms,"
         "order_ms,commit_ms,end_to_end_ms,outcome,code,block,late\n";
  auto at = [](Nanos n) { return n.count() < 0 ? std::string() : Number(Ms(n), 3); };
  auto span = [](Nanos from, Nanos to) {
    return from.count() < 0 || to.count() < 0 ? std::string() : Number(Ms(to - from), 3);
  };
  for (const TxRecord& r : report.result.records) {
    Nanos done = CompletedAt(r, report.run.mode);
    out << r.seq << ',' << r.client << ',' << r.tx_id << ',' << at(r.intended) << ',' << at(r.sent) << ','
        << at(r.endorsed) << ',' << at(r.ordered) << ',' << at(r.committed) << ',' << span(r.intended, r.sent)
        << ',' << span(r.sent, r.endorsed) << ',' << span(r.endorsed, r.ordered) << ','
        << span(r.ordered, r.committed) << ',' << span(r.intended, done) << ',' << ToString(r.outcome) << ','
        << (r.code >= 0 ? ValidationCodeName(r.code) : "") << ','
        << (r.block >= 0 ? std::to_string(r.block) : "") << ',' << (r.late ? 1 : 0) << '\n';
  }
  return out.str();
}

std::string ReportSummaryText(const Report& report) {
  const Counts& c = report.counts;
  std::ostringstream out;
  out << "workload " << report.run.workload << " (" << ToString(report.run.mode) << ", "
      << config::ToString(report.run.options.loop) << " loop)\n";
  out << "sent " << c.sent << ": valid " << c.valid << ", invalid " << c.invalid;
  for (const auto& [code, n] : c.invalid_by_code) out << " [" << code << " " << n << "]";
  out << ", endorse failed " << c.endorse_failed << ", broadcast refused " << c.broadcast_refused
      << ", timed out " << c.timed_out << ", client errors " << c.client_error << "\n";
  out << "send rate: target " << Number(report.target_send_rate, 1) << " tx/s, achieved "
      << Number(report.achieved_send_rate, 1) << " tx/s; late sends " << c.late << "\n";
  out << "throughput " << Number(report.throughput, 1) << " tx/s (valid "
      << Number(report.valid_throughput, 1) << " tx/s)\n";
  const Summary& e = report.end_to_end;
  out << "latency ms: p50 " << Number(e.p50) << "  p90 " << Number(e.p90) << "  p99 " << Number(e.p99)
      << "  p99.9 " << Number(e.p999) << "  max " << Number(e.max) << "\n";
  out << "crypto ceiling " << Number(report.ceiling.verify_ceiling_tps, 0) << " tx/s ("
      << Number(report.crypto.verify_per_s, 0) << " verify/s / " << Number(report.ceiling.verifies_per_tx, 2)
      << " verifies per tx); achieved " << Number(100 * report.achieved_over_ceiling, 1) << "% of it\n";
  out << "generator cpu " << Number(100 * report.generator_cpu_share, 0) << "% of " << report.result.cores
      << " cores\n";
  for (const std::string& warning : report.warnings) out << "WARNING: " << warning << "\n";
  return out.str();
}

// ---- HTML -------------------------------------------------------------------

namespace {

// A line chart of per-second series (same length) as inline SVG.
std::string LineChart(const std::vector<std::pair<std::string, std::vector<double>>>& series,
                      const std::string& y_label) {
  const double width = 720, height = 240, left = 50, bottom = 30, top = 10;
  double max_y = 1;
  size_t points = 1;
  for (const auto& s : series) {
    for (double v : s.second) max_y = std::max(max_y, v);
    points = std::max(points, s.second.size());
  }
  const char* colours[] = {"#1f77b4", "#2ca02c", "#d62728", "#9467bd"};
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width << "' height='" << height << "'>";
  svg << "<line x1='" << left << "' y1='" << height - bottom << "' x2='" << width << "' y2='"
      << height - bottom << "' stroke='#444'/><line x1='" << left << "' y1='" << top << "' x2='" << left
      << "' y2='" << height - bottom << "' stroke='#444'/>";
  svg << "<text x='4' y='" << top + 10 << "' font-size='11'>" << Number(max_y, 0) << "</text>";
  svg << "<text x='4' y='" << height - bottom << "' font-size='11'>0</text>";
  svg << "<text x='" << left + 4 << "' y='" << height - 8 << "' font-size='11'>seconds (0.." << points
      << ") — " << Escape(y_label) << "</text>";
  double step = (width - left - 10) / std::max<double>(1, static_cast<double>(points) - 1);
  for (size_t k = 0; k < series.size(); ++k) {
    svg << "<polyline fill='none' stroke-width='2' stroke='" << colours[k % 4] << "' points='";
    for (size_t i = 0; i < series[k].second.size(); ++i) {
      double x = left + step * static_cast<double>(i);
      double y = height - bottom - (height - bottom - top) * series[k].second[i] / max_y;
      svg << Number(x, 1) << ',' << Number(y, 1) << ' ';
    }
    svg << "'/><text x='" << width - 150 << "' y='" << top + 14 + 14 * k << "' font-size='12' fill='"
        << colours[k % 4] << "'>" << Escape(series[k].first) << "</text>";
  }
  svg << "</svg>";
  return svg.str();
}

// Horizontal bars, one per (label, value in ms).
std::string BarChart(const std::vector<std::pair<std::string, double>>& bars) {
  const double width = 720, row = 24, left = 200;
  double max_v = 1e-9;
  for (const auto& b : bars) max_v = std::max(max_v, b.second);
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width << "' height='" << row * bars.size() + 10
      << "'>";
  for (size_t i = 0; i < bars.size(); ++i) {
    double y = 5 + row * static_cast<double>(i);
    double w = (width - left - 90) * bars[i].second / max_v;
    svg << "<text x='4' y='" << y + 15 << "' font-size='12'>" << Escape(bars[i].first) << "</text>";
    svg << "<rect x='" << left << "' y='" << y + 3 << "' width='" << Number(std::max(0.0, w), 1)
        << "' height='16' fill='#1f77b4'/>";
    svg << "<text x='" << left + w + 6 << "' y='" << y + 15 << "' font-size='12'>"
        << Number(bars[i].second, 2) << " ms</text>";
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace

std::string ReportHtml(const Report& report) {
  const Counts& c = report.counts;
  std::ostringstream html;
  html << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>loom-bench: "
       << Escape(report.run.workload)
       << "</title><style>body{font-family:sans-serif;margin:24px;max-width:900px}"
          "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
          "th:first-child,td:first-child{text-align:left}.warn{color:#b00;font-weight:bold}</style></"
          "head><body>";
  html << "<h1>loom-bench report</h1><p>" << Escape(report.run.workload) << " — " << ToString(report.run.mode)
       << ", " << config::ToString(report.run.options.loop) << " loop, channel "
       << Escape(report.run.network.channel) << ", target " << Escape(report.run.target) << ", started "
       << IsoTime(report.result.started_at) << "</p>";
  for (const std::string& warning : report.warnings)
    html << "<p class='warn'>WARNING: " << Escape(warning) << "</p>";
  html << "<h2>Outcomes</h2><table><tr><th>outcome</th><th>transactions</th></tr>";
  html << "<tr><td>sent</td><td>" << c.sent << "</td></tr><tr><td>committed VALID</td><td>" << c.valid
       << "</td></tr><tr><td>committed invalid</td><td>" << c.invalid << "</td></tr>";
  for (const auto& [code, n] : c.invalid_by_code) {
    html << "<tr><td>&nbsp;&nbsp;" << Escape(code) << "</td><td>" << n << "</td></tr>";
  }
  html << "<tr><td>endorsement failed</td><td>" << c.endorse_failed
       << "</td></tr><tr><td>broadcast refused</td><td>" << c.broadcast_refused
       << "</td></tr><tr><td>timed out</td><td>" << c.timed_out << "</td></tr><tr><td>client errors</td><td>"
       << c.client_error << "</td></tr><tr><td>late sends</td><td>" << c.late << "</td></tr></table>";
  html << "<h2>Rates</h2><table><tr><th>rate</th><th>tx/s</th></tr><tr><td>target send rate</td><td>"
       << Number(report.target_send_rate, 1) << "</td></tr><tr><td>achieved send rate</td><td>"
       << Number(report.achieved_send_rate, 1) << "</td></tr><tr><td>throughput (committed)</td><td>"
       << Number(report.throughput, 1) << "</td></tr><tr><td>throughput (VALID)</td><td>"
       << Number(report.valid_throughput, 1) << "</td></tr></table>";
  std::vector<double> sent, committed, valid;
  for (const SecondBucket& b : report.buckets) {
    sent.push_back(static_cast<double>(b.sent));
    committed.push_back(static_cast<double>(b.committed));
    valid.push_back(static_cast<double>(b.valid));
  }
  html << "<h2>Throughput over time</h2>"
       << LineChart({{"sent", sent}, {"committed", committed}, {"VALID", valid}}, "transactions per second");
  const Summary& e = report.end_to_end;
  html << "<h2>End-to-end latency</h2>"
       << BarChart({{"p50", e.p50}, {"p90", e.p90}, {"p99", e.p99}, {"p99.9", e.p999}, {"max", e.max}});
  html << "<h2>Table 1: latency per phase</h2><p>" << Escape(report.table1.note)
       << "</p><table><tr><th>phase</th><th>count</th><th>avg "
          "ms</th><th>st.dev</th><th>99%</th><th>99.9%</th></tr>";
  std::vector<std::pair<std::string, double>> averages;
  for (const Table1Row& row : report.table1.rows) {
    html << "<tr><td>" << Escape(row.label) << "</td><td>" << row.stats.count << "</td><td>"
         << Number(row.stats.avg) << "</td><td>" << Number(row.stats.stdev) << "</td><td>"
         << Number(row.stats.p99) << "</td><td>" << Number(row.stats.p999) << "</td></tr>";
    averages.emplace_back(row.label + " (avg)", row.stats.avg);
  }
  html << "</table>" << BarChart(averages);
  html << "<h2>Crypto ceiling</h2><p>ECDSA P-256 on this machine (" << report.crypto.threads
       << " threads): " << Number(report.crypto.sign_per_s, 0) << " sign/s, "
       << Number(report.crypto.verify_per_s, 0) << " verify/s. Topology: E = " << report.topology.endorsements
       << " endorsements, P = " << report.topology.committing_peers
       << " committing peers, O = " << report.topology.orderers
       << " orderer, B = " << Number(report.topology.txs_per_block, 1) << " tx/block. "
       << Escape(CeilingFormula(report.topology.work)) << ": verifies per tx "
       << Number(report.ceiling.verifies_per_tx) << ", signs per tx " << Number(report.ceiling.signs_per_tx)
       << ".</p><p>Ceiling " << Number(report.ceiling.verify_ceiling_tps, 0)
       << " tx/s (sign + verify: " << Number(report.ceiling.sign_verify_ceiling_tps, 0) << " tx/s); achieved "
       << Number(100 * report.achieved_over_ceiling, 1) << "% of it.</p>";
  html << "<h2>Nodes</h2><table><tr><th>node</th><th>CPU avg %</th><th>CPU max %</th><th>RSS max "
          "MiB</th></tr>";
  for (const NodeUsage& n : report.nodes) {
    html << "<tr><td>" << Escape(n.name) << "</td>";
    if (n.sampled) {
      html << "<td>" << Number(n.cpu_avg_percent, 1) << "</td><td>" << Number(n.cpu_max_percent, 1)
           << "</td><td>" << Number(static_cast<double>(n.rss_max_bytes) / (1024.0 * 1024.0), 1) << "</td>";
    } else {
      html << "<td colspan='3'>not running (no pid file)</td>";
    }
    html << "</tr>";
  }
  html << "</table><h2>Load generator</h2><p>CPU " << Number(report.result.generator_cpu_s, 2)
       << " s = " << Number(100 * report.generator_cpu_share, 1) << "% of " << report.result.cores
       << " cores; late sends " << Number(100 * report.late_share, 2) << "% (send lag p99 "
       << Number(report.send_lag.p99) << " ms).</p>";
  html << "</body></html>\n";
  return html.str();
}

Status WriteReport(const Report& report, const std::string& dir) {
  LOOM_RETURN_IF_ERROR(MakeDirectories(dir));
  LOOM_RETURN_IF_ERROR(WriteFileAtomically(dir + "/report.json", ReportToJson(report).dump(2) + "\n"));
  LOOM_RETURN_IF_ERROR(WriteFileAtomically(dir + "/latencies.csv", LatenciesCsv(report)));
  return WriteFileAtomically(dir + "/report.html", ReportHtml(report));
}

}  // namespace loom::bench
