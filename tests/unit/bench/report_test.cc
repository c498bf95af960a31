#include "app/bench/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <sstream>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"

namespace loom::bench {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// A transaction sent at `send_ms` (intended `intended_ms`) with phases of the given lengths.
TxRecord Tx(uint64_t seq, double intended_ms, double send_ms, double endorse_ms, double order_ms,
            double commit_ms, Outcome outcome, int code = 0) {
  auto ms = [](double v) {
    return std::chrono::duration_cast<Nanos>(std::chrono::duration<double, std::milli>(v));
  };
  TxRecord r;
  r.seq = seq;
  r.tx_id = "tx" + std::to_string(seq);
  r.intended = ms(intended_ms);
  r.sent = ms(send_ms);
  r.endorsed = ms(send_ms + endorse_ms);
  if (outcome == Outcome::kEndorseFailed) {
    r.outcome = outcome;
    return r;
  }
  r.ordered = ms(send_ms + endorse_ms + order_ms);
  if (outcome == Outcome::kValid || outcome == Outcome::kInvalid) {
    r.committed = ms(send_ms + endorse_ms + order_ms + commit_ms);
    r.block = static_cast<int64_t>(seq / 10);
    r.code = code;
  }
  r.outcome = outcome;
  r.late = send_ms - intended_ms > 2;
  return r;
}

RunDescription Description() {
  RunDescription run;
  run.workload = "counter-increment";
  run.target = "/tmp/ws";
  run.options.loop = config::LoadMode::kOpen;
  run.options.profile = RateProfile::Fixed(100);
  run.options.duration = std::chrono::seconds(1);
  run.network.channel = "mychannel";
  run.network.chaincode = "counter";
  run.network.endorsers = {{"peer0.org1", "Org1MSP", {}}, {"peer0.org2", "Org2MSP", {}}};
  run.network.watch_peer = run.network.endorsers[0];
  run.network.orderer_name = "orderer";
  run.committing_peers = 2;
  return run;
}

RunResult Result100() {
  RunResult result;
  result.measured = std::chrono::seconds(1);
  result.drained = milliseconds(1200);
  result.cores = 2;
  result.generator_cpu_s = 0.24;  // 10% of 2 cores over 1.2 s
  for (uint64_t i = 0; i < 100; ++i) {
    double intended = 10.0 * static_cast<double>(i);
    double send = i < 5 ? intended + 20 : intended;  // 5 late sends
    Outcome outcome = i < 80   ? Outcome::kValid
                      : i < 90 ? Outcome::kInvalid
                      : i < 95 ? Outcome::kEndorseFailed
                               : Outcome::kTimedOut;
    result.records.push_back(
        Tx(i, intended, send, 3, 2, 100, outcome, outcome == Outcome::kInvalid ? 11 : 0));
  }
  return result;
}

TEST(ReportTest, CountsAddUpAndMvccIsNotAClientError) {
  Report report = BuildReport(Description(), Result100(), {}, CryptoRates{1000, 2000, 2});
  const Counts& c = report.counts;
  EXPECT_EQ(c.sent, 100u);
  EXPECT_EQ(c.valid, 80u);
  EXPECT_EQ(c.invalid, 10u);
  EXPECT_EQ(c.invalid_by_code.at("MVCC_READ_CONFLICT"), 10u);
  EXPECT_EQ(c.endorse_failed, 5u);
  EXPECT_EQ(c.timed_out, 5u);
  EXPECT_EQ(c.valid + c.invalid + c.endorse_failed + c.broadcast_refused + c.timed_out + c.client_error,
            c.sent);
}

TEST(ReportTest, LateSendsAreCountedMeasuredFromTheIntendedTimeAndWarnedAbout) {
  Report report = BuildReport(Description(), Result100(), {}, CryptoRates{1000, 2000, 2});
  EXPECT_EQ(report.counts.late, 5u);
  EXPECT_DOUBLE_EQ(report.late_share, 0.05);
  EXPECT_TRUE(report.generator_bottleneck);
  EXPECT_THAT(::testing::PrintToString(report.warnings), HasSubstr("late"));
  // The late ones waited 20 ms more: that is in their end-to-end latency.
  EXPECT_NEAR(report.end_to_end.max, 125, 1e-6);
  EXPECT_NEAR(report.end_to_end.p50, 105, 1e-6);
  EXPECT_NEAR(report.endorse.avg, 3, 1e-6);
}

TEST(ReportTest, ThroughputAndCeiling) {
  Report report = BuildReport(Description(), Result100(), {}, CryptoRates{1000, 2000, 2});
  EXPECT_NEAR(report.target_send_rate, 100, 1e-9);
  EXPECT_NEAR(report.achieved_send_rate, 100, 1e-9);
  // E = 2, P = 2, O = 1, B = 90 committed / 9 blocks = 10: verifies = 2 + 1 + 2*3 + 0.2.
  EXPECT_NEAR(report.ceiling.verifies_per_tx, 9.2, 1e-9);
  EXPECT_NEAR(report.ceiling.signs_per_tx, 4.1, 1e-9);
  EXPECT_NEAR(report.ceiling.verify_ceiling_tps, 2000 / 9.2, 1e-9);
  EXPECT_NEAR(report.achieved_over_ceiling, report.valid_throughput / (2000 / 9.2), 1e-12);
  EXPECT_FALSE(report.generator_cpu_share > 0.8);
}

TEST(ReportTest, CeilingCountsOnlyTheWorkOfTheMode) {
  Topology topology;
  topology.endorsements = 2;
  topology.committing_peers = 3;
  topology.txs_per_block = 10;
  CryptoRates rates{1000, 3000, 2};
  topology.work = Topology::Work::kEndorseOnly;
  EXPECT_DOUBLE_EQ(ComputeCeiling(rates, topology).verifies_per_tx, 2);
  topology.work = Topology::Work::kOrderOnly;
  EXPECT_DOUBLE_EQ(ComputeCeiling(rates, topology).verifies_per_tx, 1);
  topology.work = Topology::Work::kValidateOnly;
  EXPECT_DOUBLE_EQ(ComputeCeiling(rates, topology).verifies_per_tx, 3.1);
  EXPECT_DOUBLE_EQ(ComputeCeiling(rates, topology).verify_ceiling_tps, 3000 / 3.1);
  topology.work = Topology::Work::kEndToEnd;
  Ceiling e2e = ComputeCeiling(rates, topology);
  EXPECT_DOUBLE_EQ(e2e.verifies_per_tx, 2 + 1 + 3 * 3 + 0.3);
  EXPECT_DOUBLE_EQ(e2e.sign_verify_ceiling_tps, 1 / (e2e.verifies_per_tx / 3000 + e2e.signs_per_tx / 1000));
}

TEST(ReportTest, FilesAreWrittenAndParseable) {
  loom::testing::TempDir dir("bench-report");
  Report report = BuildReport(Description(), Result100(), {{"peer0.org1", true, 12.5, 30, 1 << 20, {12, 13}}},
                              CryptoRates{1000, 2000, 2});
  ASSERT_TRUE(WriteReport(report, dir.File("r")).ok());

  Result<std::string> json_text = ReadFile(dir.File("r/report.json"));
  ASSERT_TRUE(json_text.ok());
  nlohmann::json j = nlohmann::json::parse(*json_text);
  EXPECT_EQ(j["format"], "loom-bench-report/1");
  EXPECT_EQ(j["counts"]["sent"], 100);
  EXPECT_EQ(j["counts"]["invalid_by_code"]["MVCC_READ_CONFLICT"], 10);
  EXPECT_EQ(j["run"]["workload"], "counter-increment");
  EXPECT_LE(j["latency_ms"]["end_to_end"]["p50"].get<double>(),
            j["latency_ms"]["end_to_end"]["p99"].get<double>());
  EXPECT_EQ(j["table1"]["source"], "client");
  EXPECT_EQ(j["nodes"][0]["name"], "peer0.org1");
  EXPECT_GE(j["throughput_over_time"].size(), 1u);

  Result<std::string> csv = ReadFile(dir.File("r/latencies.csv"));
  ASSERT_TRUE(csv.ok());
  std::istringstream lines(*csv);
  std::string header, line;
  std::getline(lines, header);
  EXPECT_THAT(header, HasSubstr("intended_ms,sent_ms"));
  int rows = 0, mvcc = 0;
  while (std::getline(lines, line)) {
    ++rows;
    if (line.find("MVCC_READ_CONFLICT") != std::string::npos) ++mvcc;
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), std::count(header.begin(), header.end(), ','));
  }
  EXPECT_EQ(rows, 100);
  EXPECT_EQ(mvcc, 10);

  Result<std::string> html = ReadFile(dir.File("r/report.html"));
  ASSERT_TRUE(html.ok());
  EXPECT_THAT(*html, HasSubstr("<svg"));
  EXPECT_THAT(*html, HasSubstr("Table 1"));
  EXPECT_THAT(*html, ::testing::Not(HasSubstr("http://cdn")));
  EXPECT_THAT(*html, ::testing::Not(HasSubstr("<script src")));
}

}  // namespace
}  // namespace loom::bench
