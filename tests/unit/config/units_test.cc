#include "core/config/units.h"

#include <gtest/gtest.h>

namespace loom::config {
namespace {

using std::chrono::milliseconds;

TEST(ParseDurationTest, AcceptsGoStyleDurations) {
  EXPECT_EQ(*ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseDuration("2s"), milliseconds(2000));
  EXPECT_EQ(*ParseDuration("1m"), milliseconds(60000));
  EXPECT_EQ(*ParseDuration("2h"), milliseconds(7200000));
  EXPECT_EQ(*ParseDuration("1m30s"), milliseconds(90000));
  EXPECT_EQ(*ParseDuration("1h1m1s1ms"), milliseconds(3661001));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseDuration("0.25m"), milliseconds(15000));
  EXPECT_EQ(*ParseDuration("0"), milliseconds(0));
  EXPECT_EQ(*ParseDuration("0s"), milliseconds(0));
}

TEST(ParseDurationTest, RejectsWhatIsNotAWholeMillisecondDuration) {
  for (const char* bad : {"", "2", "10 s", "2sec", "s", "-1s", "1.5ms", "0.0001s", "1m30", "1..5s", ".s",
                          "ms", "1e3ms", "9999999999999999999h", "1000000h"}) {
    auto parsed = ParseDuration(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_TRUE(parsed.status().IsInvalidArgument()) << bad;
    }
  }
}

TEST(ParseDurationTest, ErrorsQuoteTheTextAndSayWhy) {
  EXPECT_EQ(ParseDuration("2 sec").status().message(),
            "'2 sec' is not a duration (unknown unit ' sec'); use a number with a unit ms, s, m or h, like "
            "250ms, 2s or 1m30s");
  EXPECT_EQ(ParseDuration("30").status().message(),
            "'30' is not a duration (missing unit after '30'); use a number with a unit ms, s, m or h, like "
            "250ms, 2s or 1m30s");
}

TEST(FormatDurationTest, UsesTheLargestExactUnit) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(FormatDuration(milliseconds(2000)), "2s");
  EXPECT_EQ(FormatDuration(milliseconds(90000)), "90s");
  EXPECT_EQ(FormatDuration(milliseconds(120000)), "2m");
  EXPECT_EQ(FormatDuration(milliseconds(7200000)), "2h");
}

TEST(FormatDurationTest, RoundTrips) {
  for (int64_t ms : {1, 999, 1000, 1001, 59999, 60000, 3600000, 3600001, 86400000}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(milliseconds(ms))), milliseconds(ms)) << ms;
  }
}

TEST(ParseByteSizeTest, AcceptsFabricStyleSizes) {
  EXPECT_EQ(*ParseByteSize("512"), 512u);
  EXPECT_EQ(*ParseByteSize("512B"), 512u);
  EXPECT_EQ(*ParseByteSize("512KB"), 512u * 1024);
  EXPECT_EQ(*ParseByteSize("99 MB"), 99u * 1024 * 1024);
  EXPECT_EQ(*ParseByteSize("99MB"), 99u * 1024 * 1024);
  EXPECT_EQ(*ParseByteSize("2MiB"), 2u * 1024 * 1024);
  EXPECT_EQ(*ParseByteSize("1GB"), uint64_t{1} << 30);
  EXPECT_EQ(*ParseByteSize("1 GiB"), uint64_t{1} << 30);
}

TEST(ParseByteSizeTest, RejectsBadSizes) {
  for (const char* bad : {"", "MB", "1.5MB", "-1KB", "10 mb", "10kb", "10  MB", "10MBs", "10TB", "0x10",
                          "18446744073709551616", "17179869184GB"}) {
    EXPECT_FALSE(ParseByteSize(bad).ok()) << bad;
  }
  EXPECT_EQ(
      ParseByteSize("10 mb").status().message(),
      "'10 mb' is not a size (unknown unit 'mb'); use an integer with a unit B, KB, MB or GB, like 512KB "
      "or 99MB");
}

TEST(FormatByteSizeTest, UsesTheLargestExactUnitAndRoundTrips) {
  EXPECT_EQ(FormatByteSize(0), "0B");
  EXPECT_EQ(FormatByteSize(1000), "1000B");
  EXPECT_EQ(FormatByteSize(512 * 1024), "512KB");
  EXPECT_EQ(FormatByteSize(99 * 1024 * 1024), "99MB");
  EXPECT_EQ(FormatByteSize(uint64_t{3} << 30), "3GB");
  for (uint64_t bytes :
       {uint64_t{1}, uint64_t{1023}, uint64_t{1024}, uint64_t{1025}, uint64_t{1} << 40, UINT64_MAX}) {
    EXPECT_EQ(*ParseByteSize(FormatByteSize(bytes)), bytes) << bytes;
  }
}

}  // namespace
}  // namespace loom::config
