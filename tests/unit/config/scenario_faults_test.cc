// The fault script's set_rate action and `leader` alias: parsing (positioned
// errors), saving, and the replay rules of ValidateScenario.
#include <gtest/gtest.h>

#include "core/config/scenario_validator.h"
#include "core/config/scenario_yaml.h"
#include "tests/unit/config/test_paths.h"

namespace loom::config {
namespace {

using std::chrono::milliseconds;

// A Raft network with an open-loop workload of 30s. Lines 1-22; the
// `faults:` list starts at line 23.
constexpr char kBase[] = R"(network: f
orgs:
  - name: Ord
    mspid: OrdMSP
    domain: example.com
    orderers: [o1, o2, o3]
  - name: Org1
    domain: org1.example.com
    peers: [peer0]
orderer:
  type: raft
channels:
  - name: ch
    orgs: [Org1]
chaincodes:
  - name: cc
    path: chaincode/cc
workload:
  chaincode: cc
  function: Put
  rate: 50
  duration: 30s
faults:
)";

Result<Scenario> WithFaults(const std::string& faults) {
  return ParseScenario(std::string(kBase) + faults, "f.yaml");
}

std::string ErrorOf(const std::string& faults) {
  auto scenario = WithFaults(faults);
  EXPECT_FALSE(scenario.ok());
  return scenario.ok() ? "" : scenario.status().message();
}

TEST(FaultParsing, SetRateAndLeader) {
  auto s = WithFaults(
      "  - {at: 5s, action: set_rate, rate: 200}\n"
      "  - {at: 10s, action: kill, node: leader}\n"
      "  - {at: 12s, action: pause, node: o2.example.com}\n"
      "  - {at: 20s, action: restart, node: leader}\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->faults.size(), 4u);
  EXPECT_EQ(s->faults[0], (Fault{milliseconds(5000), FaultAction::kSetRate, "", 200}));
  EXPECT_EQ(s->faults[1], (Fault{milliseconds(10000), FaultAction::kKill, "leader", 0}));
  EXPECT_EQ(s->faults[3], (Fault{milliseconds(20000), FaultAction::kRestart, "leader", 0}));
  EXPECT_EQ(ToString(FaultAction::kSetRate), "set_rate");

  auto reloaded = ParseScenario(ToYaml(*s), "saved.yaml");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString() << "\n" << ToYaml(*s);
  EXPECT_EQ(*reloaded, *s);
  EXPECT_NE(ToYaml(*s).find("{at: 5s, action: set_rate, rate: 200}"), std::string::npos) << ToYaml(*s);
}

TEST(FaultParsing, RateIsRequiredForSetRateAndRefusedElsewhere) {
  EXPECT_EQ(ErrorOf("  - {at: 5s, action: set_rate}\n"),
            "f.yaml:24:5: faults[0].rate: required field is missing");
  EXPECT_EQ(ErrorOf("  - {at: 5s, action: kill, node: o1.example.com, rate: 10}\n"),
            "f.yaml:24:56: faults[0].rate: only used with action: set_rate");
  EXPECT_EQ(ErrorOf("  - {at: 5s, action: set_rate, rate: fast}\n").substr(0, 29),
            "f.yaml:24:38: faults[0].rate:");
  EXPECT_NE(ErrorOf("  - {at: 5s, action: set-rate, rate: 1}\n").find("set_rate"), std::string::npos);
}

TEST(FaultParsing, SetRateRulesArePositioned) {
  EXPECT_EQ(ErrorOf("  - {at: 5s, action: set_rate, rate: 0}\n"),
            "f.yaml:24:38: faults[0].rate: must be at least 1 transaction per second");
  EXPECT_EQ(ErrorOf("  - {at: 30s, action: set_rate, rate: 10}\n"),
            "f.yaml:24:10: faults[0].at: 30s is not before the workload ends (workload.duration 30s)");
  EXPECT_EQ(ErrorOf("  - {at: 1s, action: set_rate, rate: 10, node: o1.example.com}\n"),
            "f.yaml:24:48: faults[0].node: set_rate changes the workload's rate; it takes no node");
}

class FaultRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = WithFaults("  []\n");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    s_ = *loaded;
  }

  std::string Error() const {
    Status status = ValidateScenario(s_);
    EXPECT_FALSE(status.ok());
    return status.message();
  }
  void ExpectValid() const {
    const Status status = ValidateScenario(s_);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }

  Scenario s_;
  const std::string leader_{kLeaderAlias};
};

TEST_F(FaultRulesTest, SetRateNeedsAnOpenLoopWorkload) {
  s_.faults = {{Duration(1000), FaultAction::kSetRate, "", 10}};
  ExpectValid();
  s_.faults[0].rate = 0;
  EXPECT_EQ(Error(), "faults[0].rate: must be at least 1 transaction per second");
  s_.faults[0].rate = 10;
  s_.workload->mode = LoadMode::kClosed;
  s_.workload->rate = Workload{}.rate;
  EXPECT_EQ(Error(),
            "faults[0]: set_rate: the workload is closed-loop (workload.mode: closed), it has no rate");
  s_.workload.reset();
  EXPECT_EQ(Error(), "faults[0]: set_rate: there is no workload whose rate it could set");
}

TEST_F(FaultRulesTest, RateBelongsToSetRateOnly) {
  s_.faults = {{Duration(1000), FaultAction::kPause, "o1.example.com", 5}};
  EXPECT_EQ(Error(), "faults[0].rate: only used with action: set_rate");
}

TEST_F(FaultRulesTest, SetRateStepsAreInTimeOrderWithTheOthers) {
  s_.faults = {{Duration(2000), FaultAction::kKill, "o1.example.com", 0},
               {Duration(1000), FaultAction::kSetRate, "", 10}};
  EXPECT_EQ(Error(), "faults[1].at: 1s comes before faults[0].at (2s); list faults in time order");
}

TEST_F(FaultRulesTest, LeaderNeedsRaft) {
  s_.faults = {{Duration(1000), FaultAction::kKill, leader_, 0}};
  ExpectValid();
  s_.orgs[0].orderers = {"o1"};
  s_.orderer.type = OrdererType::kSolo;
  EXPECT_EQ(
      Error(),
      "faults[0].node: 'leader' (the current Raft leader) needs orderer.type: raft; name the solo orderer by "
      "its host name instead");
}

TEST_F(FaultRulesTest, RestoringTheLeaderUndoesAnEarlierLeaderOutage) {
  s_.faults = {{Duration(1000), FaultAction::kRestart, leader_, 0}};
  EXPECT_EQ(Error(),
            "faults[0]: restart: 'leader' here means the node an earlier 'kill' of 'leader' took down, "
            "and there is none still in effect");
  s_.faults = {{Duration(1000), FaultAction::kKill, leader_, 0},
               {Duration(2000), FaultAction::kResume, leader_, 0}};
  EXPECT_EQ(
      Error(),
      "faults[1]: resume: 'leader' here means the node an earlier 'pause' of 'leader' took down, and there "
      "is none still in effect");
  s_.faults = {{Duration(1000), FaultAction::kPause, leader_, 0},
               {Duration(2000), FaultAction::kResume, leader_, 0},
               {Duration(3000), FaultAction::kResume, leader_, 0}};
  EXPECT_EQ(
      Error(),
      "faults[2]: resume: 'leader' here means the node an earlier 'pause' of 'leader' took down, and there "
      "is none still in effect");
  // Two leaders killed in turn, both brought back; a partitioned leader healed by a bare heal.
  s_.faults = {{Duration(1000), FaultAction::kKill, leader_, 0},
               {Duration(2000), FaultAction::kKill, leader_, 0},
               {Duration(3000), FaultAction::kRestart, leader_, 0},
               {Duration(4000), FaultAction::kRestart, leader_, 0},
               {Duration(5000), FaultAction::kPartition, leader_, 0},
               {Duration(6000), FaultAction::kHeal, "", 0},
               {Duration(7000), FaultAction::kPause, leader_, 0},
               {Duration(8000), FaultAction::kResume, leader_, 0}};
  ExpectValid();
  s_.faults.push_back({Duration(9000), FaultAction::kHeal, leader_, 0});
  EXPECT_EQ(
      Error(),
      "faults[8]: heal: 'leader' here means the node an earlier 'partition' of 'leader' took down, and there "
      "is none still in effect");
}

TEST_F(FaultRulesTest, RestartingTheLeaderUndoesAKillNotAPause) {
  // The runner keeps killed and paused leaders apart (app/lab/fault_runner.h).
  s_.faults = {{Duration(1000), FaultAction::kPause, leader_, 0},
               {Duration(2000), FaultAction::kRestart, leader_, 0}};
  EXPECT_EQ(
      Error(),
      "faults[1]: restart: 'leader' here means the node an earlier 'kill' of 'leader' took down, and there "
      "is none still in effect");
}

TEST_F(FaultRulesTest, ABareHealCountsPartitionedLeaders) {
  s_.faults = {{Duration(1000), FaultAction::kPartition, leader_, 0},
               {Duration(2000), FaultAction::kHeal, "", 0},
               {Duration(3000), FaultAction::kHeal, "", 0}};
  EXPECT_EQ(Error(), "faults[2]: heal: no node is partitioned at this point");
}

TEST_F(FaultRulesTest, AMisspelledLeaderIsSuggested) {
  s_.faults = {{Duration(1000), FaultAction::kKill, "leadr", 0}};
  EXPECT_EQ(Error(), "faults[0].node: unknown node 'leadr'; did you mean 'leader'?");
  s_.faults = {{Duration(1000), FaultAction::kKill, "nowhere.example.org", 0}};
  EXPECT_NE(Error().find("or 'leader' for the current Raft leader"), std::string::npos) << Error();
}

}  // namespace
}  // namespace loom::config
