// `loom-bench compare A B`: two reports side by side. A and B are report
// folders or report.json files. Each row is one stable report.json field
// (throughput, latency percentiles, outcomes, ceiling) with B / A.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/status.h"

namespace loom::bench {

struct ComparisonRow {
  std::string metric;  // the report.json path, "rates.throughput_per_s"
  double a = 0, b = 0;
  double ratio = 0;  // b / a; 0 when a is 0
};

// The report.json of a folder or file; InvalidArgument naming the file when
// it is not a loom-bench report.
Result<nlohmann::json> LoadReportJson(const std::string& path);

std::vector<ComparisonRow> CompareReports(const nlohmann::json& a, const nlohmann::json& b);
std::string ComparisonText(const std::vector<ComparisonRow>& rows, const std::string& a_name,
                           const std::string& b_name);
nlohmann::json ComparisonJson(const std::vector<ComparisonRow>& rows, const std::string& a_name,
                              const std::string& b_name);

}  // namespace loom::bench
