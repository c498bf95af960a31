#include "app/bench/rate_profile.h"

#include <gtest/gtest.h>

#include <cmath>

namespace loom::bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

double Sec(Nanos n) {
  return std::chrono::duration<double>(n).count();
}

TEST(RateProfileTest, FixedRateSendsEvenlyFromTimeZero) {
  std::vector<Nanos> times = IntendedSendTimes(RateProfile::Fixed(100), seconds(2));
  ASSERT_EQ(times.size(), 200u);
  EXPECT_EQ(times[0], Nanos(0));
  EXPECT_NEAR(Sec(times[1]), 0.01, 1e-9);
  EXPECT_NEAR(Sec(times[199]), 1.99, 1e-9);
  for (size_t i = 1; i < times.size(); ++i) EXPECT_LT(times[i - 1], times[i]);
}

TEST(RateProfileTest, ZeroRateSendsNothing) {
  EXPECT_TRUE(IntendedSendTimes(RateProfile::Fixed(0), seconds(5)).empty());
}

TEST(RateProfileTest, LinearRampFollowsTheIntegralOfTheRate) {
  // 0 -> 200 tx/s over 10 s: 1000 sends; by time t, 10 t^2 of them.
  std::vector<Nanos> times = IntendedSendTimes(RateProfile::Ramp(0, 200), seconds(10));
  ASSERT_EQ(times.size(), 1000u);
  for (size_t n : {1u, 10u, 250u, 999u}) {
    EXPECT_NEAR(Sec(times[n]), std::sqrt(static_cast<double>(n) / 10.0), 1e-6) << n;
  }
  // Sends in the second half outnumber the first half 3 to 1.
  size_t first_half = 0;
  for (Nanos t : times) first_half += t < seconds(5) ? 1 : 0;
  EXPECT_EQ(first_half, 250u);
}

TEST(RateProfileTest, DownwardRampIsMonotonic) {
  std::vector<Nanos> times = IntendedSendTimes(RateProfile::Ramp(300, 100), seconds(4));
  ASSERT_EQ(times.size(), 800u);
  for (size_t i = 1; i < times.size(); ++i) EXPECT_LE(times[i - 1], times[i]);
  EXPECT_NEAR(RateProfile::Ramp(300, 100).RateAt(seconds(2), seconds(4)), 200, 1e-9);
}

TEST(RateProfileTest, StepsChangeRateAtTheBoundariesAndTheLastRateHolds) {
  Result<RateProfile> profile = ParseRateProfile("steps:100x1s,300x500ms", 0);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  std::vector<Nanos> times = IntendedSendTimes(*profile, seconds(2));
  // 100 in [0,1), 150 in [1,1.5), then 300/s holds: 150 more in [1.5,2).
  ASSERT_EQ(times.size(), 400u);
  EXPECT_NEAR(Sec(times[99]), 0.99, 1e-9);
  EXPECT_NEAR(Sec(times[100]), 1.0, 1e-9);
  EXPECT_NEAR(Sec(times[101]), 1.0 + 1.0 / 300, 1e-9);
  EXPECT_EQ(profile->ToString(), "steps:100x1s,300x0.5s");
}

TEST(RateProfileTest, ParsesEveryKindAndNamesWhatIsWrong) {
  EXPECT_EQ(ParseRateProfile("fixed", 42)->rate, 42);
  EXPECT_EQ(ParseRateProfile("fixed:7", 42)->rate, 7);
  EXPECT_EQ(ParseRateProfile("ramp:50-400", 0)->to, 400);
  EXPECT_NE(ParseRateProfile("ramp:50", 0).status().message().find("ramp:FROM-TO"), std::string::npos);
  EXPECT_NE(ParseRateProfile("steps:100", 0).status().message().find("RATExDURATION"), std::string::npos);
  EXPECT_NE(ParseRateProfile("steps:100x5", 0).status().message().find("unit"), std::string::npos);
  EXPECT_NE(ParseRateProfile("poisson:3", 0).status().message().find("unknown kind"), std::string::npos);
  EXPECT_FALSE(ParseRateProfile("fixed:-3", 0).ok());
}

TEST(RateProfileTest, ParsesDurations) {
  EXPECT_EQ(*ParseDuration("30s"), seconds(30));
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("2m"), seconds(120));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_FALSE(ParseDuration("30").ok());
  EXPECT_FALSE(ParseDuration("xs").ok());
}

}  // namespace
}  // namespace loom::bench
