#include "core/ops/health.h"

#include <gtest/gtest.h>

namespace loom::ops {
namespace {

TEST(FormatRfc3339Nano, TrimsTheFractionLikeGo) {
  EXPECT_EQ(FormatRfc3339Nano(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Nano(1'500'000'000), "1970-01-01T00:00:01.5Z");
  EXPECT_EQ(FormatRfc3339Nano(1'700'000'000'000'000'123), "2023-11-14T22:13:20.000000123Z");
  EXPECT_EQ(FormatRfc3339Nano(1'700'000'000'120'000'000), "2023-11-14T22:13:20.12Z");
  EXPECT_EQ(FormatRfc3339Nano(-1), "1969-12-31T23:59:59.999999999Z");
}

TEST(JsonQuote, EscapesLikeGo) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  EXPECT_EQ(JsonQuote("<&>"), "\"\\u003c\\u0026\\u003e\"");
  EXPECT_EQ(JsonQuote("h\xC3\xA9"), "\"h\xC3\xA9\"");  // UTF-8 passes through
}

TEST(HealthStatusJson, FabricsShape) {
  EXPECT_EQ(HealthStatusJson({}, 1'500'000'000), R"({"status":"OK","time":"1970-01-01T00:00:01.5Z"})");
  EXPECT_EQ(HealthStatusJson({{"ledger", "disk full"}, {"raft", "no \"leader\""}}, 0),
            R"({"status":"Service Unavailable","time":"1970-01-01T00:00:00Z","failed_checks":[)"
            R"({"component":"ledger","reason":"disk full"},{"component":"raft","reason":"no \"leader\""}]})");
}

TEST(HealthRegistry, RunsEveryCheckerAndReportsFailuresByComponent) {
  HealthRegistry health;
  bool raft_ok = false;
  ASSERT_TRUE(
      health.Register("raft", [&] { return raft_ok ? Status::Ok() : Status::Unavailable("no leader"); })
          .ok());
  ASSERT_TRUE(health.Register("ledger", [] { return Status::Ok(); }).ok());
  ASSERT_TRUE(health.Register("clock", [] { return Status::Internal(""); }).ok());

  std::vector<FailedCheck> failed = health.RunChecks();
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].component, "clock");
  EXPECT_EQ(failed[0].reason, "Internal");  // an empty message still says something
  EXPECT_EQ(failed[1].component, "raft");
  EXPECT_EQ(failed[1].reason, "no leader");

  raft_ok = true;
  health.Deregister("clock");
  EXPECT_TRUE(health.RunChecks().empty());
}

TEST(HealthRegistry, RefusesDuplicatesAndEmptyNames) {
  HealthRegistry health;
  ASSERT_TRUE(health.Register("ledger", [] { return Status::Ok(); }).ok());
  EXPECT_EQ(health.Register("ledger", [] { return Status::Ok(); }).code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE(health.Register("", [] { return Status::Ok(); }).IsInvalidArgument());
  EXPECT_TRUE(health.Register("x", nullptr).IsInvalidArgument());
}

}  // namespace
}  // namespace loom::ops
