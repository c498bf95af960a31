#include "core/channelconfig/duration.h"

#include <gtest/gtest.h>

namespace loom::channelconfig {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

nanoseconds Parse(const char* text) {
  auto result = ParseGoDuration(text);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().ToString();
  return result.ok() ? *result : nanoseconds(-1);
}

TEST(ParseGoDurationTest, AcceptsWhatGoAccepts) {
  EXPECT_EQ(Parse("2s"), seconds(2));
  EXPECT_EQ(Parse("500ms"), milliseconds(500));
  EXPECT_EQ(Parse("1m30s"), seconds(90));
  EXPECT_EQ(Parse("1h0m0s"), hours(1));
  EXPECT_EQ(Parse("1.5h"), minutes(90));
  EXPECT_EQ(Parse(".5s"), milliseconds(500));
  EXPECT_EQ(Parse("1.s"), seconds(1));
  EXPECT_EQ(Parse("100ns"), nanoseconds(100));
  EXPECT_EQ(Parse("3us"), microseconds(3));
  EXPECT_EQ(Parse("3\xC2\xB5s"), microseconds(3));  // µ (micro sign)
  EXPECT_EQ(Parse("3\xCE\xBCs"), microseconds(3));  // μ (Greek mu)
  EXPECT_EQ(Parse("0"), nanoseconds(0));
  EXPECT_EQ(Parse("+0"), nanoseconds(0));
  EXPECT_EQ(Parse("-1.5s"), milliseconds(-1500));
  EXPECT_EQ(Parse("1h2m3s4ms5us6ns"),
            hours(1) + minutes(2) + seconds(3) + milliseconds(4) + microseconds(5) + nanoseconds(6));
  EXPECT_EQ(Parse("0.000000001s"), nanoseconds(1));
  EXPECT_EQ(Parse("2562047h47m16.854775807s"), nanoseconds(INT64_MAX));
}

TEST(ParseGoDurationTest, RejectsMalformedTextWithAReason) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c :
       {Case{"", "empty value"}, Case{"10", "missing unit"}, Case{"2 s", "unknown unit"},
        Case{"2sec", "unknown unit \"sec\""}, Case{"s", "expected a number"}, Case{".s", "expected digits"},
        Case{"-", "empty value"}, Case{"1s-", "unknown unit"},
        Case{"2562047h47m16.854775808s", "out of range"}, Case{"99999999999999999999s", "out of range"}}) {
    auto result = ParseGoDuration(c.text);
    ASSERT_FALSE(result.ok()) << "accepted \"" << c.text << "\"";
    EXPECT_TRUE(result.status().IsInvalidArgument());
    EXPECT_NE(result.status().message().find(c.reason), std::string::npos)
        << c.text << " -> " << result.status().message();
    EXPECT_NE(result.status().message().find(std::string("\"") + c.text + "\""), std::string::npos)
        << "the message should quote the text: " << result.status().message();
  }
}

TEST(FormatGoDurationTest, MatchesGoDurationString) {
  EXPECT_EQ(FormatGoDuration(nanoseconds(0)), "0s");
  EXPECT_EQ(FormatGoDuration(seconds(2)), "2s");
  EXPECT_EQ(FormatGoDuration(milliseconds(500)), "500ms");
  EXPECT_EQ(FormatGoDuration(seconds(90)), "1m30s");
  EXPECT_EQ(FormatGoDuration(hours(1)), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatGoDuration(microseconds(1500)), "1.5ms");
  EXPECT_EQ(FormatGoDuration(nanoseconds(1500)), "1.5\xC2\xB5s");
  EXPECT_EQ(FormatGoDuration(nanoseconds(999)), "999ns");
  EXPECT_EQ(FormatGoDuration(milliseconds(-250)), "-250ms");
  EXPECT_EQ(FormatGoDuration(hours(26) + minutes(3) + milliseconds(4)), "26h3m0.004s");
  EXPECT_EQ(FormatGoDuration(nanoseconds(INT64_MIN)), "-2562047h47m16.854775808s");
}

TEST(FormatGoDurationTest, RoundTripsThroughParse) {
  for (int64_t ns : {int64_t{1}, int64_t{999}, int64_t{1000}, int64_t{123456789}, int64_t{2'000'000'000},
                     int64_t{90'000'000'000}, int64_t{3'723'000'000'001}, int64_t{-42'000}, INT64_MAX}) {
    std::string text = FormatGoDuration(nanoseconds(ns));
    auto parsed = ParseGoDuration(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(parsed->count(), ns) << text;
  }
}

}  // namespace
}  // namespace loom::channelconfig
