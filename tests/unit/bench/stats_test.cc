#include "app/bench/stats.h"

#include <gtest/gtest.h>

#include <cmath>

namespace loom::bench {
namespace {

TEST(StatsTest, PercentilesAreExactNearestRank) {
  std::vector<double> samples;
  for (int i = 1000; i >= 1; --i) samples.push_back(i);  // unsorted on purpose
  Summary s = Summarize(samples);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.p50, 500);
  EXPECT_EQ(s.p90, 900);
  EXPECT_EQ(s.p99, 990);
  EXPECT_EQ(s.p999, 999);
  EXPECT_EQ(s.max, 1000);
  EXPECT_DOUBLE_EQ(s.avg, 500.5);
}

TEST(StatsTest, SmallSetsPickRealSamplesNeverInterpolate) {
  Summary s = Summarize({10, 20, 30});
  EXPECT_EQ(s.p50, 20);
  EXPECT_EQ(s.p90, 30);
  EXPECT_EQ(s.p999, 30);
  EXPECT_NEAR(s.stdev, std::sqrt(200.0 / 3.0), 1e-12);
  EXPECT_EQ(Percentile({5}, 0.1), 5);
}

TEST(StatsTest, OneOutlierShowsOnlyInTheTail) {
  std::vector<double> samples(999, 1.0);
  samples.push_back(500);
  Summary s = Summarize(samples);
  EXPECT_EQ(s.p99, 1);
  EXPECT_EQ(s.p999, 1);
  EXPECT_EQ(s.max, 500);
}

TEST(StatsTest, EmptyIsAllZero) {
  Summary s = Summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.p99, 0);
}

}  // namespace
}  // namespace loom::bench
