// The fault script player's logic over a recording FaultTarget: alias
// resolution, refusals before anything runs, failed steps not stopping the
// script, set_rate through the hook, Stop.
#include "app/lab/fault_runner.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace loom::lab {
namespace {

using config::Fault;
using config::FaultAction;
using std::chrono::milliseconds;

class RecordingTarget : public FaultTarget {
 public:
  bool HasNode(std::string_view node) const override { return nodes.count(std::string(node)) > 0; }
  loom::Status Apply(FaultAction action, const std::string& node) override {
    applied.push_back(std::string(config::ToString(action)) + " " + node);
    if (failing.count(node) > 0) return loom::Status::FailedPrecondition(node + " is not running");
    if (action == FaultAction::kKill) leader = next_leader;  // a new leader is elected
    return loom::Status::Ok();
  }
  Result<std::string> RaftLeader() const override {
    if (leader.empty()) return loom::Status::NotFound("no leader");
    return leader;
  }

  std::set<std::string> nodes{"orderer0.example.com", "orderer1.example.com", "peer0.org1.example.com"};
  std::set<std::string> failing;
  std::string leader = "orderer1.example.com";
  std::string next_leader = "orderer0.example.com";
  std::vector<std::string> applied;
};

Fault Step(int at_ms, FaultAction action, std::string node, uint32_t rate = 0) {
  return Fault{milliseconds(at_ms), action, std::move(node), rate};
}

// A start far enough in the past that every step is due: no waiting.
std::chrono::steady_clock::time_point LongAgo() {
  return std::chrono::steady_clock::now() - std::chrono::hours(1);
}

TEST(FaultRunnerTest, LeaderAliasRestartsTheNodeItKilled) {
  RecordingTarget target;
  auto runner = FaultRunner::Create(
      &target, {Step(10, FaultAction::kKill, "leader"), Step(20, FaultAction::kRestart, "leader")});
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  std::vector<FaultStepResult> results = (*runner)->Run(LongAgo());
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].node, "orderer1.example.com");
  // orderer0 leads now, but the restart brings back the killed node.
  EXPECT_EQ(results[1].node, "orderer1.example.com");
  EXPECT_EQ(target.applied,
            (std::vector<std::string>{"kill orderer1.example.com", "restart orderer1.example.com"}));
}

TEST(FaultRunnerTest, UnknownNodeIsRefusedBeforeAnythingRuns) {
  RecordingTarget target;
  auto runner = FaultRunner::Create(&target, {Step(0, FaultAction::kPause, "peer0.org1.example.com"),
                                              Step(5, FaultAction::kKill, "peer9.org1.example.com")});
  ASSERT_FALSE(runner.ok());
  EXPECT_NE(runner.status().message().find("fault step 2"), std::string::npos) << runner.status().ToString();
  EXPECT_NE(runner.status().message().find("peer9.org1.example.com"), std::string::npos);
  EXPECT_TRUE(target.applied.empty());
}

TEST(FaultRunnerTest, PartitionsAndOutOfOrderStepsAreRefused) {
  RecordingTarget target;
  EXPECT_FALSE(FaultRunner::Create(&target, {Step(0, FaultAction::kPartition, "orderer0.example.com")}).ok());
  auto unordered = FaultRunner::Create(&target, {Step(50, FaultAction::kPause, "orderer0.example.com"),
                                                 Step(10, FaultAction::kResume, "orderer0.example.com")});
  ASSERT_FALSE(unordered.ok());
  EXPECT_NE(unordered.status().message().find("before the previous step"), std::string::npos);
}

TEST(FaultRunnerTest, AFailedStepDoesNotStopTheScript) {
  RecordingTarget target;
  target.failing.insert("peer0.org1.example.com");
  std::vector<std::string> seen;
  FaultRunnerHooks hooks;
  hooks.on_step = [&](const FaultStepResult& result) {
    seen.push_back(result.status.ok() ? "ok" : "failed");
  };
  auto runner = FaultRunner::Create(&target,
                                    {Step(0, FaultAction::kKill, "peer0.org1.example.com"),
                                     Step(1, FaultAction::kPause, "orderer0.example.com")},
                                    hooks);
  ASSERT_TRUE(runner.ok());
  std::vector<FaultStepResult> results = (*runner)->Run(LongAgo());
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].status.ok());
  EXPECT_TRUE(results[1].status.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"failed", "ok"}));
}

TEST(FaultRunnerTest, SetRateGoesToTheHookAndFailsWithoutLoad) {
  RecordingTarget target;
  std::vector<uint32_t> rates;
  FaultRunnerHooks hooks;
  hooks.set_rate = [&](uint32_t rate) { rates.push_back(rate); };
  auto with_load = FaultRunner::Create(&target, {Step(0, FaultAction::kSetRate, "", 250)}, hooks);
  ASSERT_TRUE(with_load.ok());
  EXPECT_TRUE((*with_load)->Run(LongAgo())[0].status.ok());
  EXPECT_EQ(rates, std::vector<uint32_t>{250});

  auto without_load = FaultRunner::Create(&target, {Step(0, FaultAction::kSetRate, "", 250)});
  ASSERT_TRUE(without_load.ok());
  EXPECT_EQ((*without_load)->Run(LongAgo())[0].status.code(), loom::Status::Code::kFailedPrecondition);
}

TEST(FaultRunnerTest, RestartLeaderWithoutAnEarlierKillFails) {
  RecordingTarget target;
  auto runner = FaultRunner::Create(&target, {Step(0, FaultAction::kResume, "leader")});
  ASSERT_TRUE(runner.ok());
  std::vector<FaultStepResult> results = (*runner)->Run(LongAgo());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].status.ok());
  EXPECT_TRUE(target.applied.empty());
}

TEST(FaultRunnerTest, StopEndsAWaitingRun) {
  RecordingTarget target;
  auto runner = FaultRunner::Create(&target, {Step(3'600'000, FaultAction::kKill, "orderer0.example.com")});
  ASSERT_TRUE(runner.ok());
  std::vector<FaultStepResult> results;
  std::thread player([&] { results = (*runner)->Run(std::chrono::steady_clock::now()); });
  (*runner)->Stop();
  player.join();
  EXPECT_TRUE(results.empty());
  EXPECT_TRUE(target.applied.empty());
}

}  // namespace
}  // namespace loom::lab
