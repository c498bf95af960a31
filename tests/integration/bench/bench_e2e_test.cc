// loom-bench's engine against real processes: a solo loom-orderer and two
// loom-peers (Org1, Org2) running the counter chaincode (PeerTestNetwork).
// The 5-second open-loop run's report must be consistent: every sent
// transaction accounted for once, percentiles ordered, each transaction's
// client-side phases summing to its end-to-end latency, and the counters on
// the ledger equal to the VALID increments the report counts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "app/bench/engine.h"
#include "app/bench/report.h"
#include "app/bench/workload.h"
#include "core/util/file_util.h"
#include "tests/integration/peer_e2e/peer_test_network.h"
#include "tests/support/temp_dir.h"

namespace loom::bench {
namespace {

using loom::testing::PeerTestNetwork;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr uint64_t kKeys = 10;

class BenchE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = PeerTestNetwork::Start("bench-e2e", {{"counter", COUNTER_CHAINCODE_BIN}});
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    net_ = started->release();
  }
  static void TearDownTestSuite() {
    delete net_;
    net_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(net_, nullptr); }
  void TearDown() override {
    if (HasFailure() && net_ != nullptr) std::fprintf(stderr, "%s", net_->Logs().c_str());
  }

  static BenchTarget Target() {
    BenchTarget target;
    target.channel = loom::testing::kTestChannel;
    target.chaincode = "counter";
    for (size_t i = 0; i < 2; ++i) {
      EndorserTarget endorser;
      endorser.name = "peer0.org" + std::to_string(i + 1);
      endorser.mspid = net_->peer_msp_id(i);
      endorser.endpoint.address = net_->peer_address(i);
      target.endorsers.push_back(endorser);
    }
    target.watch_peer = target.endorsers[0];
    target.orderer_name = "orderer";
    target.orderer.address = net_->orderer_address();
    target.signer = net_->OrgSigner(0, "User1").value();
    return target;
  }

  static EngineOptions Options(Mode mode, double rate, Nanos duration) {
    EngineOptions options;
    options.mode = mode;
    options.loop = config::LoadMode::kOpen;
    options.profile = RateProfile::Fixed(rate);
    options.duration = duration;
    options.clients = 4;
    options.keys.count = kKeys;
    options.keys.distribution = config::KeyDistribution::kZipf;
    options.keys.zipf_s = 1.0;
    options.tx_timeout = milliseconds(20000);
    return options;
  }

  static Report RunAndReport(const EngineOptions& options) {
    Result<std::unique_ptr<Workload>> workload = MakeWorkload("counter-increment", {});
    EXPECT_TRUE(workload.ok());
    Engine engine(Target(), options);
    uint64_t progress_calls = 0;
    Result<RunResult> result = engine.Run(**workload, [&](const Progress&) { ++progress_calls; });
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_GT(progress_calls, 0u);
    RunDescription description;
    description.workload = "counter-increment";
    description.mode = options.mode;
    description.options = options;
    description.network = Target();
    description.committing_peers = 2;
    return BuildReport(description, result.ok() ? std::move(*result) : RunResult{}, {},
                       CryptoRates{1000, 1000, 1});
  }

  static void ExpectCountsAddUp(const Report& report) {
    const Counts& c = report.counts;
    EXPECT_EQ(c.sent, report.result.records.size());
    EXPECT_EQ(c.valid + c.invalid + c.endorse_failed + c.broadcast_refused + c.timed_out + c.client_error,
              c.sent);
    uint64_t by_code = 0;
    for (const auto& [code, n] : c.invalid_by_code) by_code += n;
    EXPECT_EQ(by_code, c.invalid);
  }

  static void ExpectOrdered(const Summary& s) {
    EXPECT_LE(s.min, s.p50);
    EXPECT_LE(s.p50, s.p90);
    EXPECT_LE(s.p90, s.p99);
    EXPECT_LE(s.p99, s.p999);
    EXPECT_LE(s.p999, s.max);
  }

  static PeerTestNetwork* net_;
};

PeerTestNetwork* BenchE2eTest::net_ = nullptr;

TEST_F(BenchE2eTest, FiveSecondOpenLoopRunGivesAConsistentReport) {
  Report report = RunAndReport(Options(Mode::kEndToEnd, 40, seconds(5)));
  const Counts& c = report.counts;
  ExpectCountsAddUp(report);
  EXPECT_EQ(c.sent, 200u);  // 40 tx/s for 5 s: every slot sent, none skipped
  EXPECT_GT(c.valid, 0u);
  EXPECT_EQ(c.timed_out, 0u);
  EXPECT_EQ(c.broadcast_refused, 0u);
  // Hot keys: the two endorsers may simulate at different heights and
  // disagree; that is the only endorsement failure expected.
  for (const TxRecord& r : report.result.records) {
    if (r.outcome == Outcome::kEndorseFailed) {
      EXPECT_THAT(r.error, ::testing::HasSubstr("differ")) << r.error;
    }
  }
  for (const auto& [code, n] : c.invalid_by_code) EXPECT_EQ(code, "MVCC_READ_CONFLICT") << n;
  ExpectOrdered(report.end_to_end);
  EXPECT_EQ(report.end_to_end.count, c.valid + c.invalid);

  // Each committed transaction: lag + endorse + order + commit = end-to-end,
  // every phase non-negative (one steady clock on this machine).
  double sum_of_phases = 0, sum_of_e2e = 0;
  for (const TxRecord& r : report.result.records) {
    if (r.committed.count() < 0) continue;
    EXPECT_LE(r.intended, r.sent);
    EXPECT_LE(r.sent, r.endorsed);
    EXPECT_LE(r.endorsed, r.ordered);
    EXPECT_LE(r.ordered, r.committed);
    auto ms = [](Nanos n) { return std::chrono::duration<double, std::milli>(n).count(); };
    sum_of_phases += ms(r.sent - r.intended) + ms(r.endorsed - r.sent) + ms(r.ordered - r.endorsed) +
                     ms(r.committed - r.ordered);
    sum_of_e2e += ms(r.committed - r.intended);
  }
  EXPECT_NEAR(sum_of_phases, sum_of_e2e, 1.0);

  // The ledger agrees: the counters add up to the VALID increments.
  uint64_t total = 0;
  for (uint64_t k = 0; k < kKeys; ++k) {
    protos::Response got = net_->Query(0, "counter", {"Get", "key-" + std::to_string(k)});
    if (got.status() == 200) total += std::stoull(got.payload());
  }
  EXPECT_EQ(total, c.valid);

  // The files: one CSV row per sent transaction, the JSON's counts the same.
  loom::testing::TempDir dir("bench-e2e-report");
  ASSERT_TRUE(WriteReport(report, dir.File("report")).ok());
  nlohmann::json j = nlohmann::json::parse(ReadFile(dir.File("report/report.json")).value());
  EXPECT_EQ(j["counts"]["sent"], c.sent);
  EXPECT_EQ(j["counts"]["valid"], c.valid);
  std::istringstream csv(ReadFile(dir.File("report/latencies.csv")).value());
  std::string line;
  uint64_t lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_EQ(lines, c.sent + 1);
  uint64_t bucketed = 0;
  for (const SecondBucket& b : report.buckets) bucketed += b.sent;
  EXPECT_EQ(bucketed, c.sent);
}

TEST_F(BenchE2eTest, ClosedLoopNeverExceedsItsInFlightLimit) {
  EngineOptions options = Options(Mode::kEndToEnd, 0, seconds(2));
  options.loop = config::LoadMode::kClosed;
  options.in_flight = 3;
  Report report = RunAndReport(options);
  ExpectCountsAddUp(report);
  EXPECT_GT(report.counts.sent, 3u);
  EXPECT_EQ(report.counts.late, 0u);
  // At every send, fewer than `in_flight` others were still outstanding.
  const auto& records = report.result.records;
  for (const TxRecord& r : records) {
    int outstanding = 0;
    for (const TxRecord& other : records) {
      Nanos end = other.committed.count() >= 0 ? other.committed : other.endorsed;
      if (&other != &r && other.sent <= r.sent && end > r.sent) ++outstanding;
    }
    EXPECT_LT(outstanding, 3) << "tx " << r.seq;
  }
}

TEST_F(BenchE2eTest, EndorseOnlyStopsAfterTheEndorsements) {
  Report report = RunAndReport(Options(Mode::kEndorseOnly, 50, seconds(1)));
  ExpectCountsAddUp(report);
  EXPECT_EQ(report.counts.sent, 50u);
  EXPECT_EQ(report.counts.valid, 50u);
  for (const TxRecord& r : report.result.records) {
    EXPECT_LT(r.ordered.count(), 0);
    EXPECT_GE(r.endorsed, r.sent);
  }
}

TEST_F(BenchE2eTest, OrderOnlyCountsTheOrderersBlocks) {
  Report report = RunAndReport(Options(Mode::kOrderOnly, 50, seconds(1)));
  ExpectCountsAddUp(report);
  EXPECT_EQ(report.counts.sent, 50u);
  EXPECT_EQ(report.counts.valid, 50u);  // every envelope seen in one of the orderer's blocks
  for (const TxRecord& r : report.result.records) {
    EXPECT_GE(r.committed, r.ordered);
    EXPECT_GE(r.block, 0);
  }
}

}  // namespace
}  // namespace loom::bench
