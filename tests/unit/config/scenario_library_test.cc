// The scenario library: every file in scenarios/ loads, validates and
// survives a save/load round trip, so a broken scenario fails CI; and the
// library's scenarios have the shape docs/scenarios.md promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/config/scenario_validator.h"
#include "core/config/scenario_yaml.h"
#include "tests/unit/config/test_paths.h"

namespace loom::config {
namespace {

std::vector<std::string> LibraryFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SourcePath("scenarios"))) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Scenario Load(const std::string& name) {
  auto scenario = LoadScenarioFile(testing::SourcePath("scenarios/" + name + ".yaml"));
  EXPECT_TRUE(scenario.ok()) << scenario.status().ToString();
  return scenario.ok() ? *scenario : Scenario{};
}

size_t CountOrderers(const Scenario& s) {
  return OrdererNodes(s).size();
}

TEST(ScenarioLibrary, EveryFileLoadsValidatesAndRoundTrips) {
  const std::vector<std::string> files = LibraryFiles();
  ASSERT_GE(files.size(), 7u);
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    auto scenario = LoadScenarioFile(file);
    ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
    EXPECT_EQ(scenario->network, std::filesystem::path(file).stem().string())
        << "a library scenario's network is named like its file";
    EXPECT_FALSE(scenario->description.empty());
    const Status valid = ValidateScenario(*scenario);
    EXPECT_TRUE(valid.ok()) << valid.ToString();
    auto reloaded = ParseScenario(ToYaml(*scenario), file + " (saved)");
    ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString() << "\n" << ToYaml(*scenario);
    EXPECT_EQ(*reloaded, *scenario);
  }
}

TEST(ScenarioLibrary, TheLibraryHoldsTheDocumentedScenarios) {
  std::vector<std::string> names;
  for (const std::string& file : LibraryFiles()) names.push_back(std::filesystem::path(file).stem().string());
  for (const char* expected : {"quickstart", "paper-fabcoin", "mvcc-hotkeys", "raft-failover",
                               "nondeterminism", "runaway-chaincode", "wide"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST(ScenarioLibrary, QuickstartCutsBlocksWithin200ms) {
  // Deploying takes two blocks (approve, commit) before the first
  // transaction's block; the lab promises that within 3s of `up`.
  const Scenario s = Load("quickstart");
  EXPECT_EQ(s.orderer.batch_timeout, Duration(200));
}

TEST(ScenarioLibrary, PaperFabcoinIsThePapersSetUpScaledDown) {
  const Scenario s = Load("paper-fabcoin");
  EXPECT_EQ(s.orderer.type, OrdererType::kRaft);
  EXPECT_EQ(CountOrderers(s), 3u);
  EXPECT_EQ(s.orderer.batch_size.preferred_max_bytes, 2 * kMiB);
  ASSERT_EQ(s.chaincodes.size(), 1u);
  EXPECT_EQ(s.chaincodes[0].path, "chaincode/fabcoin");
  EXPECT_EQ(s.chaincodes[0].validation_plugin, "fabcoin");
  // Every org's peer can endorse: the policy names each member org's peers.
  for (const auto& peer : PeerNodes(s)) {
    EXPECT_NE(s.chaincodes[0].policy.find("'" + peer.mspid + ".peer'"), std::string::npos) << peer.fqdn;
  }
  ASSERT_TRUE(s.workload.has_value());
  EXPECT_EQ(s.workload->chaincode, "fabcoin");
  EXPECT_EQ(s.workload->function, "SPEND");
}

TEST(ScenarioLibrary, MvccHotkeysIncrementsZipfSkewedCounters) {
  const Scenario s = Load("mvcc-hotkeys");
  ASSERT_TRUE(s.workload.has_value());
  EXPECT_EQ(s.workload->chaincode, "counter");
  EXPECT_EQ(s.workload->function, "Increment");
  EXPECT_EQ(s.workload->keys.distribution, KeyDistribution::kZipf);
}

TEST(ScenarioLibrary, RaftFailoverKillsAndRestartsTheLeaderUnderLoad) {
  const Scenario s = Load("raft-failover");
  EXPECT_EQ(s.orderer.type, OrdererType::kRaft);
  EXPECT_EQ(CountOrderers(s), 3u);
  ASSERT_TRUE(s.workload.has_value());
  const std::string leader(kLeaderAlias);
  EXPECT_EQ(s.faults, (std::vector<Fault>{{Duration(10000), FaultAction::kKill, leader},
                                          {Duration(20000), FaultAction::kRestart, leader}}));
  EXPECT_GT(s.workload->duration, Duration(20000)) << "the load outlasts the restart";
}

TEST(ScenarioLibrary, SampleChaincodeScenariosUseTheirChaincodes) {
  EXPECT_EQ(Load("nondeterminism").workload->chaincode, "nondet");
  EXPECT_EQ(Load("runaway-chaincode").workload->chaincode, "spin");
  const Scenario wide = Load("wide");
  EXPECT_EQ(PeerNodes(wide).size(), 16u);
  EXPECT_EQ(CountOrderers(wide), 1u);
  ASSERT_EQ(wide.channels.size(), 1u);
  EXPECT_EQ(wide.channels[0].orgs.size(), 8u);
}

}  // namespace
}  // namespace loom::config
