// Parsing of /proc/<pid>/stat (proc_stat.h), including commands that hold
// spaces and parentheses.
#include "app/lab/proc_stat.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace loom::lab {
namespace {

// A stat line with `comm` and the fields the lab reads set: state S,
// utime 11, stime 7, start time 123456.
std::string StatLine(const std::string& comm, char state = 'S') {
  return "4242 (" + comm + ") " + state +
         " 1 4242 4242 0 -1 4194560 100 0 0 0 11 7 0 0 20 0 1 0 123456 10000000 250 18446744073709551615 1 1 "
         "0 0 "
         "0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
}

TEST(ParseProcStat, ReadsTheFieldsAfterTheCommand) {
  const std::optional<ProcStat> stat = ParseProcStat(StatLine("loom-peer"));
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->utime_ticks, 11u);
  EXPECT_EQ(stat->stime_ticks, 7u);
  EXPECT_EQ(stat->start_ticks, 123456u);
}

TEST(ParseProcStat, CommandsWithSpacesAndParentheses) {
  for (const std::string comm : {"a b", "x) S 1 2 3 (", ") )", "((", "", "tricky) Z"}) {
    const std::optional<ProcStat> stat = ParseProcStat(StatLine(comm, 'T'));
    ASSERT_TRUE(stat.has_value()) << comm;
    EXPECT_EQ(stat->state, 'T') << comm;
    EXPECT_EQ(stat->start_ticks, 123456u) << comm;
  }
}

TEST(ParseProcStat, RefusesWhatIsNotAStatLine) {
  EXPECT_FALSE(ParseProcStat(""));
  EXPECT_FALSE(ParseProcStat("4242 loom-peer S 1"));
  EXPECT_FALSE(ParseProcStat("4242 (loom-peer) S 1 2 3"));  // too short
  std::string bad_state = StatLine("x");
  bad_state.replace(bad_state.find(") S "), 4, ") SS ");
  EXPECT_FALSE(ParseProcStat(bad_state));
  std::string bad_ticks = StatLine("x");
  bad_ticks.replace(bad_ticks.find("123456"), 6, "12a456");
  EXPECT_FALSE(ParseProcStat(bad_ticks));
}

TEST(ReadProcStat, ReadsThisProcess) {
  const std::optional<ProcStat> stat = ReadProcStat(::getpid());
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->state, 'R');
  EXPECT_GT(stat->start_ticks, 0u);
  EXPECT_FALSE(ReadProcStat(0));
  EXPECT_FALSE(ReadProcStat(-1));
}

}  // namespace
}  // namespace loom::lab
