// ValidateScenario on scenarios built or edited in code (the GUI designer's
// path): errors carry the field path, without a file position.
#include <gtest/gtest.h>

#include "core/config/scenario_validator.h"
#include "core/config/scenario_yaml.h"
#include "tests/unit/config/test_paths.h"

namespace loom::config {
namespace {

class ValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = LoadScenarioFile(testing::QuickstartPath());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    s_ = *loaded;
    s_.workload = Workload{};
    s_.workload->chaincode = "assets";
    s_.workload->channel = "mychannel";
    s_.workload->function = "CreateAsset";
    s_.workload->org = "Org1";
    s_.workload->user = "User1";
    ASSERT_TRUE(ValidateScenario(s_).ok()) << ValidateScenario(s_).ToString();
  }

  std::string Error() const {
    Status status = ValidateScenario(s_);
    EXPECT_FALSE(status.ok());
    return status.message();
  }

  Scenario s_;
};

TEST_F(ValidatorTest, ErrorsNameTheFieldPathWithoutAPosition) {
  s_.orgs[2].domain = "org1.example.com";
  EXPECT_EQ(Error(), "orgs[2].domain: 'org1.example.com' is already used by orgs[1].domain");
}

TEST_F(ValidatorTest, EmptyScenarioNeedsANetworkAndOrgs) {
  EXPECT_EQ(ValidateScenario(Scenario{}).message(), "network: required field is missing");
  Scenario named;
  named.network = "n";
  EXPECT_EQ(ValidateScenario(named).message(), "orgs: at least one org is required");
}

TEST_F(ValidatorTest, OrgWithoutNodes) {
  s_.orgs.push_back(Org{"Org3", "Org3MSP", "org3.example.com", {}, {}, {}, {}});
  EXPECT_EQ(Error(), "orgs[3]: org 'Org3' has no peers and no orderers; an org needs at least one node");
}

TEST_F(ValidatorTest, AnchorPeerMustBeAPeerOfTheOrg) {
  s_.orgs[1].anchor_peers = {"peer1"};
  EXPECT_EQ(Error(),
            "orgs[1].anchor_peers[0]: 'peer1' is not a peer of this org; its peers are 'peer0'; did you "
            "mean 'peer0'?");
}

TEST_F(ValidatorTest, RaftOptionsMustStayDefaultForSolo) {
  s_.orderer.raft.election_tick = 20;
  EXPECT_EQ(Error(), "orderer.raft: only used when orderer.type is raft");
  s_.orderer.type = OrdererType::kRaft;
  EXPECT_TRUE(ValidateScenario(s_).ok()) << ValidateScenario(s_).ToString();
}

TEST_F(ValidatorTest, RaftAllowsAnyNumberOfOrderersIncludingEven) {
  s_.orderer.type = OrdererType::kRaft;
  s_.orgs[0].orderers = {"orderer1", "orderer2"};
  EXPECT_TRUE(ValidateScenario(s_).ok()) << ValidateScenario(s_).ToString();
  s_.orgs[0].orderers = {"orderer1"};
  EXPECT_TRUE(ValidateScenario(s_).ok()) << ValidateScenario(s_).ToString();
}

TEST_F(ValidatorTest, ChaincodeRules) {
  s_.chaincodes[0].path.clear();
  EXPECT_EQ(Error(),
            "chaincodes[0].path: required for a native chaincode (only ccaas with an address may omit it)");
  s_.chaincodes[0].type = ChaincodeType::kCcaas;
  s_.chaincodes[0].address = "cc.example.com";
  EXPECT_EQ(Error(),
            "chaincodes[0].address: 'cc.example.com' has no port; write host:port, like "
            "cc.example.com:9999");
  s_.chaincodes[0].address = "cc.example.com:9999";
  EXPECT_TRUE(ValidateScenario(s_).ok()) << ValidateScenario(s_).ToString();
  s_.chaincodes[0].sequence = 0;
  EXPECT_EQ(Error(), "chaincodes[0].sequence: must be at least 1");
  s_.chaincodes[0].sequence = 1;
  s_.chaincodes[0].policy = "";
  EXPECT_EQ(Error(), "chaincodes[0].policy: must not be empty");
  s_.chaincodes[0].policy = "/Channel//Endorsement";
  EXPECT_EQ(Error(),
            "chaincodes[0].policy: '/Channel//Endorsement' is not a channel config policy path like "
            "'/Channel/Application/Endorsement'");
  s_.chaincodes[0].policy = "AND('Org1MSP.peer')";
  s_.chaincodes[0].version = "1 0";
  EXPECT_EQ(Error(),
            "chaincodes[0].version: '1 0' is not allowed; Fabric chaincode versions match "
            "^[A-Za-z0-9_.+-]+$");
}

TEST_F(ValidatorTest, WorkloadReferences) {
  s_.workload->org = "OrdererOrg";
  EXPECT_EQ(Error(),
            "workload.org: org 'OrdererOrg' is not a member of channel 'mychannel'; its members are "
            "'Org1', 'Org2'");
  s_.workload->org = "Org1";
  s_.workload->user = "User2";
  EXPECT_EQ(Error(),
            "workload.user: org 'Org1' has no user 'User2'; its users are 'User1', 'Admin'; did you mean "
            "'User1'?");
  s_.workload->user = "Admin";
  EXPECT_TRUE(ValidateScenario(s_).ok());
  s_.workload->channel = "other";
  EXPECT_EQ(Error(), "workload.channel: unknown channel 'other'");
}

TEST_F(ValidatorTest, WorkloadModeFieldsAndRanges) {
  s_.workload->in_flight = 3;
  EXPECT_EQ(Error(), "workload.in_flight: only used with mode: closed");
  s_.workload->mode = LoadMode::kClosed;
  s_.workload->rate = 50;
  EXPECT_EQ(Error(), "workload.rate: only used with mode: open");
  s_.workload->rate = Workload{}.rate;
  s_.workload->clients = 4;
  EXPECT_EQ(Error(),
            "workload.in_flight: is 3, fewer than clients (4); every client needs one transaction in "
            "flight");
  s_.workload->in_flight = 4;
  s_.workload->duration = Duration(0);
  EXPECT_EQ(Error(), "workload.duration: must be longer than 0s");
  s_.workload->duration = Duration(1);
  s_.workload->keys.distribution = KeyDistribution::kZipf;
  s_.workload->keys.zipf_s = 0;
  EXPECT_EQ(Error(), "workload.keys.zipf_s: must be above 0");
  s_.workload->keys.zipf_s = KeySpace{}.zipf_s;
  s_.workload->keys.hot_fraction = 0.5;
  EXPECT_EQ(Error(), "workload.keys.hot_fraction: only used with distribution: hotset");
  s_.workload->keys.distribution = KeyDistribution::kHotset;
  s_.workload->keys.hot_probability = 1.5;
  EXPECT_EQ(Error(), "workload.keys.hot_probability: must be from 0 to 1");
  s_.workload->keys.hot_probability = 1;
  EXPECT_TRUE(ValidateScenario(s_).ok()) << ValidateScenario(s_).ToString();
  s_.workload->args = {"{key"};
  EXPECT_EQ(Error(), "workload.args[0]: '{key' has an unclosed '{'");
  s_.workload->args = {"key}"};
  EXPECT_EQ(Error(), "workload.args[0]: 'key}' has a lone '}'; write '}}' for a literal brace");
}

TEST_F(ValidatorTest, FaultScriptIsReplayedOnNodeStates) {
  const std::string peer = "peer0.org1.example.com";
  s_.faults = {{Duration(1000), FaultAction::kKill, peer}, {Duration(2000), FaultAction::kPause, peer}};
  EXPECT_EQ(Error(), "faults[1]: pause: 'peer0.org1.example.com' is not running (killed)");
  s_.faults = {{Duration(1000), FaultAction::kKill, peer}, {Duration(2000), FaultAction::kKill, peer}};
  EXPECT_EQ(Error(), "faults[1]: kill: 'peer0.org1.example.com' is already killed");
  s_.faults = {{Duration(1000), FaultAction::kHeal, ""}};
  EXPECT_EQ(Error(), "faults[0]: heal: no node is partitioned at this point");
  s_.faults = {{Duration(1000), FaultAction::kPartition, peer},
               {Duration(1000), FaultAction::kPartition, peer}};
  EXPECT_EQ(Error(), "faults[1]: partition: 'peer0.org1.example.com' is already partitioned");
  s_.faults = {{Duration(1000), FaultAction::kKill, ""}};
  EXPECT_EQ(Error(), "faults[0].node: required for action kill");
  s_.faults = {{Duration(-1), FaultAction::kKill, peer}};
  EXPECT_EQ(Error(), "faults[0].at: must not be negative");
  s_.faults = {{Duration(1000), FaultAction::kKill, peer},    {Duration(1000), FaultAction::kRestart, peer},
               {Duration(3000), FaultAction::kPause, peer},   {Duration(3000), FaultAction::kKill, peer},
               {Duration(4000), FaultAction::kRestart, peer}, {Duration(5000), FaultAction::kPartition, peer},
               {Duration(6000), FaultAction::kHeal, ""}};
  EXPECT_TRUE(ValidateScenario(s_).ok()) << ValidateScenario(s_).ToString();
}

TEST_F(ValidatorTest, TextFieldsMustBeCleanText) {
  s_.description = "bad \xff byte";
  EXPECT_EQ(Error(), "description: is not valid UTF-8 (byte 4)");
  s_.description = "ok";
  s_.channels[0].policies.readers = "ANY\nReaders";
  EXPECT_EQ(Error(),
            "channels[0].policies.readers: contains a control character (byte 3); it must be a single "
            "line");
}

}  // namespace
}  // namespace loom::config
