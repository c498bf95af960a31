#include "core/protocol/text_encoding.h"

#include <gtest/gtest.h>

namespace loom::protocol {
namespace {

TEST(TextEncodingTest, PrintableTextIsValidUtf8WithoutControls) {
  EXPECT_TRUE(IsPrintableText(""));
  EXPECT_TRUE(IsPrintableText("asset1 {\"k\": 1}\n\ttab"));
  EXPECT_TRUE(IsPrintableText("gr\xc3\xbc\xc3\x9f dich \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsPrintableText(std::string("a\0b", 3)));
  EXPECT_FALSE(IsPrintableText("\x1b[31m"));
  EXPECT_FALSE(IsPrintableText("\xff"));
  EXPECT_FALSE(IsPrintableText("\xc3"));              // truncated sequence
  EXPECT_FALSE(IsPrintableText("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsPrintableText("\xed\xa0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(IsPrintableText("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(TextEncodingTest, QuoteTextEscapesWhatIsNotPrintable) {
  EXPECT_EQ(QuoteText("plain"), "\"plain\"");
  EXPECT_EQ(QuoteText("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
  EXPECT_EQ(QuoteText(std::string("\x01\xff", 2)), "\"\\x01\\xff\"");
  EXPECT_EQ(QuoteText("\xe2\x82\xac"), "\"\xe2\x82\xac\"");
}

TEST(TextEncodingTest, JsonStringsAreAlwaysValidUtf8Json) {
  std::string out;
  AppendJsonString(&out, std::string("q\"\\\n\t\x01\x7f\xe2\x82\xac\xff", 11));
  EXPECT_EQ(out, "\"q\\\"\\\\\\n\\t\\u0001\x7f\xe2\x82\xac\\ufffd\"");
}

TEST(TextEncodingTest, TimestampsAreIso8601Utc) {
  EXPECT_EQ(FormatTimestamp(0, 0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1614736407, 0), "2021-03-03T01:53:27Z");
  EXPECT_EQ(FormatTimestamp(1614737539, 277162000), "2021-03-03T02:12:19.277162Z");
  EXPECT_EQ(FormatTimestamp(951782400, 1), "2000-02-29T00:00:00.000000001Z");
  EXPECT_EQ(FormatTimestamp(-1, 500000000), "1969-12-31T23:59:59.5Z");
  EXPECT_EQ(FormatTimestamp(253402300799, 0), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatTimestamp(-62135596800, 0), "0001-01-01T00:00:00Z");
}

TEST(TextEncodingTest, OutOfRangeTimestampsAreNamedNotFormatted) {
  EXPECT_EQ(FormatTimestamp(INT64_MAX, 0), "<invalid timestamp seconds=9223372036854775807 nanos=0>");
  EXPECT_EQ(FormatTimestamp(INT64_MIN, 0).rfind("<invalid timestamp", 0), 0u);
  EXPECT_EQ(FormatTimestamp(0, -1), "<invalid timestamp seconds=0 nanos=-1>");
  EXPECT_EQ(FormatTimestamp(0, 1000000000), "<invalid timestamp seconds=0 nanos=1000000000>");
}

}  // namespace
}  // namespace loom::protocol
