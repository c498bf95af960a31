// ToYaml(s) parses back to s: the GUI saves scenarios with it.
#include <gtest/gtest.h>

#include "core/config/scenario_validator.h"
#include "core/config/scenario_yaml.h"
#include "tests/unit/config/test_paths.h"

namespace loom::config {
namespace {

void ExpectRoundTrip(const Scenario& scenario) {
  std::string yaml = ToYaml(scenario);
  auto back = ParseScenario(yaml, "saved.yaml");
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << yaml;
  EXPECT_EQ(*back, scenario) << yaml;
  // Writing is deterministic, so a second save changes nothing.
  EXPECT_EQ(ToYaml(*back), yaml);
}

TEST(RoundTripTest, Quickstart) {
  auto scenario = LoadScenarioFile(testing::QuickstartPath());
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  ExpectRoundTrip(*scenario);
}

TEST(RoundTripTest, MaximalScenario) {
  auto scenario = LoadScenarioFile(testing::MaximalPath());
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  ExpectRoundTrip(*scenario);
}

TEST(RoundTripTest, SavedFileLeavesOutDefaults) {
  auto scenario = LoadScenarioFile(testing::QuickstartPath());
  ASSERT_TRUE(scenario.ok());
  std::string yaml = ToYaml(*scenario);
  EXPECT_EQ(yaml.find("mspid: Org1MSP"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("users:"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("channel: mychannel"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("mspid: OrdererMSP"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("type: solo"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("policy: \"AND('Org1MSP.peer','Org2MSP.peer')\""), std::string::npos) << yaml;
}

// Values that a YAML writer easily gets wrong: text that looks like null,
// booleans, numbers or YAML syntax, odd spacing, non-ASCII and new lines.
TEST(RoundTripTest, TrickyStringsSurvive) {
  auto loaded = LoadScenarioFile(testing::QuickstartPath());
  ASSERT_TRUE(loaded.ok());
  for (const std::string& text :
       {std::string("null"), std::string("~"), std::string("true"), std::string("0x10"),
        std::string("- item"), std::string("key: value"), std::string("# not a comment"),
        std::string("  padded  "), std::string("quote's \"double\""), std::string("line1\nline2\ttab"),
        std::string("caf\xc3\xa9 \xe2\x82\xac"), std::string("{flow}"), std::string("\tleading tab"),
        std::string("line\xe2\x80\xa8separator"), std::string("trailing colon:"),
        std::string("\xf0\x9f\x98\x80 emoji"), std::string("[1, 2]"), std::string("*alias &anchor !tag"),
        std::string("%x @y `z")}) {
    Scenario scenario = *loaded;
    scenario.description = text;
    // Policies must parse (core/policy), so single-line tricky text goes
    // into other single-line fields.
    const std::string single_line = text.find_first_of("\n\t") == std::string::npos ? text : "a-b";
    scenario.chaincodes[0].path = single_line;
    scenario.workload = Workload{};
    scenario.workload->chaincode = "assets";
    scenario.workload->channel = "mychannel";
    scenario.workload->function = single_line;
    scenario.workload->args = {"{key}", "", "null", "yes", "1.0", "a, b", "{{x}}"};
    scenario.workload->org = "Org2";
    scenario.workload->user = "User1";
    ASSERT_TRUE(ValidateScenario(scenario).ok()) << ValidateScenario(scenario).ToString();
    ExpectRoundTrip(scenario);
  }
}

TEST(RoundTripTest, ExplicitDefaultsAndEditedScenarios) {
  auto loaded = LoadScenarioFile(testing::MaximalPath());
  ASSERT_TRUE(loaded.ok());
  Scenario scenario = *loaded;
  // Values equal to derived defaults are dropped on save and re-derived on load.
  scenario.orgs[1].mspid = "BankMSP";
  scenario.orgs[1].anchor_peers = {"p0"};
  scenario.orgs[1].users = {"User1"};
  scenario.workload->user = "User1";
  scenario.workload->mode = LoadMode::kOpen;
  scenario.workload->in_flight = Workload{}.in_flight;
  scenario.workload->rate = 1;
  scenario.workload->keys = KeySpace{};
  scenario.workload->keys.distribution = KeyDistribution::kZipf;
  scenario.workload->keys.zipf_s = 0.1 + 0.2;  // not exactly representable in short decimal
  scenario.orderer.raft = RaftOptions{};
  scenario.faults.clear();
  ASSERT_TRUE(ValidateScenario(scenario).ok()) << ValidateScenario(scenario).ToString();
  ExpectRoundTrip(scenario);

  // No workload, no description, a single channel.
  scenario.workload.reset();
  scenario.description.clear();
  scenario.channels.resize(1);
  scenario.chaincodes = {scenario.chaincodes[0]};
  ASSERT_TRUE(ValidateScenario(scenario).ok()) << ValidateScenario(scenario).ToString();
  ExpectRoundTrip(scenario);
}

// The GUI may save a scenario it is still editing: the output is YAML that
// loads back to the same values, and fails only the rules that were broken.
TEST(RoundTripTest, IncompleteScenarioStillWritesReadableYaml) {
  std::string yaml = ToYaml(Scenario{});
  auto back = ParseScenario(yaml, "draft.yaml");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().message(), "draft.yaml:2:10: network: required field is missing") << yaml;

  Scenario draft;
  draft.network = "draft";
  draft.orgs.push_back(Org{"Org1", "Org1MSP", "org1.example.com", {"peer0"}, {}, {"User1"}, {"peer0"}});
  back = ParseScenario(ToYaml(draft), "draft.yaml");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().message(),
            "draft.yaml:5:3: orgs: no org declares an orderer node; add an ordering org with `orderers: "
            "[orderer]`");
}

}  // namespace
}  // namespace loom::config
