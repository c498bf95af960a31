#include "app/bench/compare.h"

#include <filesystem>
#include <sstream>

#include "core/util/file_util.h"

namespace loom::bench {
namespace {

// The fields compared, as JSON pointers.
constexpr const char* kMetrics[] = {
    "/rates/target_send_per_s",
    "/rates/achieved_send_per_s",
    "/rates/throughput_per_s",
    "/rates/valid_throughput_per_s",
    "/latency_ms/end_to_end/p50",
    "/latency_ms/end_to_end/p90",
    "/latency_ms/end_to_end/p99",
    "/latency_ms/end_to_end/p999",
    "/latency_ms/end_to_end/max",
    "/latency_ms/endorse/avg",
    "/latency_ms/order/avg",
    "/latency_ms/commit/avg",
    "/counts/sent",
    "/counts/valid",
    "/counts/invalid",
    "/counts/endorse_failed",
    "/counts/broadcast_refused",
    "/counts/timed_out",
    "/counts/late",
    "/crypto/verify_per_s",
    "/crypto/ceiling_tps",
    "/crypto/achieved_over_ceiling",
    "/generator/cpu_share",
};

}  // namespace

Result<nlohmann::json> LoadReportJson(const std::string& path) {
  std::string file = std::filesystem::is_directory(path) ? path + "/report.json" : path;
  LOOM_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  nlohmann::json report = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded()) return Status::InvalidArgument(file + ": not JSON");
  if (!report.is_object() || report.value("format", "") != "loom-bench-report/1") {
    return Status::InvalidArgument(file +
                                   ": not a loom-bench report (format is not \"loom-bench-report/1\")");
  }
  return report;
}

std::vector<ComparisonRow> CompareReports(const nlohmann::json& a, const nlohmann::json& b) {
  std::vector<ComparisonRow> rows;
  auto number = [](const nlohmann::json& j, const nlohmann::json::json_pointer& at) {
    return j.contains(at) && j.at(at).is_number() ? j.at(at).get<double>() : 0.0;
  };
  for (const char* metric : kMetrics) {
    nlohmann::json::json_pointer at(metric);
    ComparisonRow row;
    row.metric = std::string(metric + 1);
    for (char& c : row.metric) {
      if (c == '/') c = '.';
    }
    row.a = number(a, at);
    row.b = number(b, at);
    row.ratio = row.a == 0 ? 0 : row.b / row.a;
    rows.push_back(row);
  }
  return rows;
}

std::string ComparisonText(const std::vector<ComparisonRow>& rows, const std::string& a_name,
                           const std::string& b_name) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-34s %14s %14s %8s\n", "metric", "A", "B", "B/A");
  out << "A = " << a_name << "\nB = " << b_name << "\n" << line;
  for (const ComparisonRow& row : rows) {
    std::string ratio = row.a == 0 ? "-" : std::to_string(row.ratio).substr(0, 6);
    std::snprintf(line, sizeof(line), "%-34s %14.3f %14.3f %8s\n", row.metric.c_str(), row.a, row.b,
                  ratio.c_str());
    out << line;
  }
  return out.str();
}

nlohmann::json ComparisonJson(const std::vector<ComparisonRow>& rows, const std::string& a_name,
                              const std::string& b_name) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const ComparisonRow& row : rows) {
    metrics.push_back({{"metric", row.metric}, {"a", row.a}, {"b", row.b}, {"ratio", row.ratio}});
  }
  return {{"a", a_name}, {"b", b_name}, {"metrics", metrics}};
}

}  // namespace loom::bench
