#include "app/bench/compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"

namespace loom::bench {
namespace {

TEST(CompareTest, RatiosOfTheSameFields) {
  nlohmann::json a = {{"format", "loom-bench-report/1"}, {"rates", {{"throughput_per_s", 100.0}}}};
  nlohmann::json b = {{"format", "loom-bench-report/1"}, {"rates", {{"throughput_per_s", 150.0}}}};
  std::vector<ComparisonRow> rows = CompareReports(a, b);
  auto it = std::find_if(rows.begin(), rows.end(),
                         [](const ComparisonRow& r) { return r.metric == "rates.throughput_per_s"; });
  ASSERT_NE(it, rows.end());
  EXPECT_DOUBLE_EQ(it->ratio, 1.5);
  EXPECT_THAT(ComparisonText(rows, "A", "B"), ::testing::HasSubstr("rates.throughput_per_s"));
  EXPECT_EQ(ComparisonJson(rows, "A", "B")["metrics"].size(), rows.size());
}

TEST(CompareTest, RefusesWhatIsNotAReport) {
  loom::testing::TempDir dir("bench-compare");
  ASSERT_TRUE(WriteFileAtomically(dir.File("report.json"), "{\"hello\": 1}").ok());
  Result<nlohmann::json> loaded = LoadReportJson(dir.path().string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), ::testing::HasSubstr("not a loom-bench report"));
  ASSERT_TRUE(WriteFileAtomically(dir.File("x.json"), "{nope").ok());
  EXPECT_THAT(LoadReportJson(dir.File("x.json")).status().message(), ::testing::HasSubstr("not JSON"));
}

}  // namespace
}  // namespace loom::bench
