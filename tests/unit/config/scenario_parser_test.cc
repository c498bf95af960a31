// What ParseScenario / LoadScenarioFile produce from good input: the
// quickstart, a scenario that sets every field, and the defaults.
#include <gtest/gtest.h>

#include "core/config/scenario_yaml.h"
#include "tests/unit/config/test_paths.h"

namespace loom::config {
namespace {

using std::chrono::milliseconds;
using testing::MaximalPath;
using testing::QuickstartPath;
using Strings = std::vector<std::string>;

Scenario MustLoad(const std::string& path) {
  auto scenario = LoadScenarioFile(path);
  EXPECT_TRUE(scenario.ok()) << scenario.status().ToString();
  return scenario.ok() ? *scenario : Scenario{};
}

Scenario MustParse(const std::string& text) {
  auto scenario = ParseScenario(text, "test.yaml");
  EXPECT_TRUE(scenario.ok()) << scenario.status().ToString();
  return scenario.ok() ? *scenario : Scenario{};
}

TEST(QuickstartTest, LoadsAsDescribedInTheIssue) {
  Scenario s = MustLoad(QuickstartPath());
  EXPECT_EQ(s.network, "quickstart");
  ASSERT_EQ(s.orgs.size(), 3u);

  const Org* orderer_org = FindOrg(s, "OrdererOrg");
  ASSERT_NE(orderer_org, nullptr);
  EXPECT_EQ(orderer_org->mspid, "OrdererMSP");
  EXPECT_EQ(orderer_org->domain, "example.com");
  EXPECT_EQ(orderer_org->orderers, Strings{"orderer"});
  EXPECT_TRUE(orderer_org->peers.empty());
  EXPECT_TRUE(orderer_org->users.empty());

  for (const char* name : {"Org1", "Org2"}) {
    const Org* org = FindOrg(s, name);
    ASSERT_NE(org, nullptr) << name;
    EXPECT_EQ(org->mspid, std::string(name) + "MSP");
    EXPECT_EQ(org->domain, (name == std::string("Org1") ? "org1" : "org2") + std::string(".example.com"));
    EXPECT_EQ(org->peers, Strings{"peer0"});
    EXPECT_EQ(org->users, Strings{"User1"});
    EXPECT_EQ(org->anchor_peers, Strings{"peer0"});
  }

  EXPECT_EQ(s.orderer.type, OrdererType::kSolo);
  EXPECT_EQ(s.orderer.batch_timeout, milliseconds(200));
  EXPECT_EQ(s.orderer.batch_size.max_message_count, 10u);
  EXPECT_EQ(s.orderer.batch_size.absolute_max_bytes, 99u * 1024 * 1024);
  EXPECT_EQ(s.orderer.batch_size.preferred_max_bytes, 512u * 1024);

  ASSERT_EQ(s.channels.size(), 1u);
  EXPECT_EQ(s.channels[0].name, "mychannel");
  EXPECT_EQ(s.channels[0].orgs, (Strings{"Org1", "Org2"}));
  EXPECT_EQ(s.channels[0].policies, ChannelPolicies{});

  ASSERT_EQ(s.chaincodes.size(), 1u);
  const Chaincode& cc = s.chaincodes[0];
  EXPECT_EQ(cc.name, "assets");
  EXPECT_EQ(cc.version, "1.0");
  EXPECT_EQ(cc.type, ChaincodeType::kNative);
  EXPECT_EQ(cc.path, "chaincode/assets");
  EXPECT_EQ(cc.channel, "mychannel");
  EXPECT_EQ(cc.policy, "AND('Org1MSP.peer','Org2MSP.peer')");
  EXPECT_EQ(cc.validation_plugin, "vscc");

  EXPECT_FALSE(s.workload.has_value());
  EXPECT_TRUE(s.faults.empty());

  std::vector<NodeInfo> nodes = AllNodes(s);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0],
            (NodeInfo{NodeKind::kOrderer, "OrdererOrg", "OrdererMSP", "orderer", "orderer.example.com"}));
  EXPECT_EQ(nodes[1], (NodeInfo{NodeKind::kPeer, "Org1", "Org1MSP", "peer0", "peer0.org1.example.com"}));
  EXPECT_EQ(nodes[2], (NodeInfo{NodeKind::kPeer, "Org2", "Org2MSP", "peer0", "peer0.org2.example.com"}));
}

TEST(MaximalScenarioTest, ParsesEveryField) {
  Scenario s = MustLoad(MaximalPath());
  EXPECT_EQ(s.network, "lab-max");
  EXPECT_EQ(s.description, "Every field set.\nA second line, with 'quotes' and a colon: here.");

  ASSERT_EQ(s.orgs.size(), 3u);
  EXPECT_EQ(
      s.orgs[0],
      (Org{"Orderers", "OrderersMSP.lab", "orderers.lab.example", {}, {"o1", "o2", "o3"}, {"Ops"}, {}}));
  EXPECT_EQ(s.orgs[1],
            (Org{"Bank", "BankMSP", "bank.example.com", {"p0", "p1"}, {"o4"}, {"Alice", "Bob"}, {"p1"}}));
  EXPECT_EQ(s.orgs[2], (Org{"Shop", "ShopMSP", "shop.example.com", {"peer0"}, {}, {}, {}}));

  EXPECT_EQ(s.orderer.type, OrdererType::kRaft);
  EXPECT_EQ(s.orderer.batch_timeout, milliseconds(1500));
  EXPECT_EQ(s.orderer.batch_size, (BatchSize{500, 10 * kMiB, 2 * kMiB}));
  EXPECT_EQ(s.orderer.raft, (RaftOptions{milliseconds(250), 20, 2, 10, 32 * kMiB}));

  ASSERT_EQ(s.channels.size(), 2u);
  EXPECT_EQ(s.channels[0].name, "trade");
  EXPECT_EQ(s.channels[0].orgs, (Strings{"Bank", "Shop"}));
  EXPECT_EQ(s.channels[0].policies, (ChannelPolicies{"MAJORITY Readers", "ALL Writers", "ANY Admins",
                                                     "ANY Endorsement", "ALL Endorsement"}));
  EXPECT_EQ(s.channels[1].name, "audit.log");
  EXPECT_EQ(s.channels[1].policies, ChannelPolicies{});

  ASSERT_EQ(s.chaincodes.size(), 3u);
  EXPECT_EQ(s.chaincodes[0],
            (Chaincode{"fabcoin", "2.1+build", 3, ChaincodeType::kNode, "chaincode/fabcoin", "", "trade",
                       "OutOf(1, 'BankMSP.peer', 'ShopMSP.peer')", "escc2", "fabcoin-vscc", true}));
  EXPECT_EQ(s.chaincodes[1],
            (Chaincode{"fabcoin", "1.0", 1, ChaincodeType::kCcaas, "", "cc.bank.example.com:9999",
                       "audit.log", "/Channel/Application/Endorsement", "escc", "vscc", false}));
  EXPECT_EQ(s.chaincodes[2].policy, "/Channel/Application/Writers");
  EXPECT_EQ(FindChaincode(s, "audit.log", "fabcoin"), &s.chaincodes[1]);

  ASSERT_TRUE(s.workload.has_value());
  const Workload& w = *s.workload;
  EXPECT_EQ(w.chaincode, "fabcoin");
  EXPECT_EQ(w.channel, "trade");
  EXPECT_EQ(w.function, "Transfer");
  EXPECT_EQ(w.args, (Strings{"{key}", "{seq}", "c{client}", "{{literal}}"}));
  EXPECT_EQ(w.org, "Bank");
  EXPECT_EQ(w.user, "Bob");
  EXPECT_EQ(w.mode, LoadMode::kClosed);
  EXPECT_EQ(w.in_flight, 64u);
  EXPECT_EQ(w.rate, Workload{}.rate);
  EXPECT_EQ(w.duration, milliseconds(90000));
  EXPECT_EQ(w.clients, 8u);
  EXPECT_EQ(w.keys.count, 100000u);
  EXPECT_EQ(w.keys.distribution, KeyDistribution::kHotset);
  EXPECT_DOUBLE_EQ(w.keys.hot_fraction, 0.05);
  EXPECT_DOUBLE_EQ(w.keys.hot_probability, 0.75);

  ASSERT_EQ(s.faults.size(), 8u);
  EXPECT_EQ(s.faults[0], (Fault{milliseconds(5000), FaultAction::kPartition, "o1.orderers.lab.example"}));
  EXPECT_EQ(s.faults[1], (Fault{milliseconds(10000), FaultAction::kPause, "p0.bank.example.com"}));
  EXPECT_EQ(s.faults[2], (Fault{milliseconds(12000), FaultAction::kResume, "p0.bank.example.com"}));
  EXPECT_EQ(s.faults[3], (Fault{milliseconds(20000), FaultAction::kHeal, ""}));
  EXPECT_EQ(s.faults[4].action, FaultAction::kKill);
  EXPECT_EQ(s.faults[5].action, FaultAction::kRestart);
  EXPECT_EQ(s.faults[7], (Fault{milliseconds(40000), FaultAction::kHeal, "peer0.shop.example.com"}));
}

constexpr char kMinimal[] = R"(network: mini
orgs:
  - name: Ord
    domain: example.com
    orderers: [orderer]
  - name: A
    domain: a.example.com
    peers: [p0, p1]
channels:
  - name: ch
    orgs: [A]
chaincodes:
  - name: cc
    path: chaincode/cc
workload:
  chaincode: cc
  function: Put
)";

TEST(DefaultsTest, OmittedFieldsTakeTheirDocumentedDefaults) {
  Scenario s = MustParse(kMinimal);
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.orgs[0].mspid, "OrdMSP");
  EXPECT_TRUE(s.orgs[0].users.empty()) << "an org without peers has no users by default";
  EXPECT_TRUE(s.orgs[0].anchor_peers.empty());
  EXPECT_EQ(s.orgs[1].mspid, "AMSP");
  EXPECT_EQ(s.orgs[1].users, Strings{"User1"});
  EXPECT_EQ(s.orgs[1].anchor_peers, Strings{"p0"});
  EXPECT_EQ(s.orderer, OrdererConfig{});
  EXPECT_EQ(s.orderer.type, OrdererType::kSolo);
  EXPECT_EQ(s.orderer.batch_timeout, milliseconds(2000));
  EXPECT_EQ(s.channels[0].policies.readers, "ANY Readers");
  EXPECT_EQ(s.channels[0].policies.writers, "ANY Writers");
  EXPECT_EQ(s.channels[0].policies.admins, "MAJORITY Admins");
  EXPECT_EQ(s.channels[0].policies.endorsement, "MAJORITY Endorsement");
  EXPECT_EQ(s.channels[0].policies.lifecycle_endorsement, "MAJORITY Endorsement");

  const Chaincode& cc = s.chaincodes[0];
  EXPECT_EQ(cc.version, "1.0");
  EXPECT_EQ(cc.sequence, 1);
  EXPECT_EQ(cc.type, ChaincodeType::kNative);
  EXPECT_EQ(cc.channel, "ch") << "the only channel";
  EXPECT_EQ(cc.policy, "/Channel/Application/Endorsement");
  EXPECT_EQ(cc.endorsement_plugin, "escc");
  EXPECT_EQ(cc.validation_plugin, "vscc");
  EXPECT_FALSE(cc.init_required);

  const Workload& w = *s.workload;
  EXPECT_EQ(w.channel, "ch") << "the chaincode's channel";
  EXPECT_EQ(w.args, Strings{"{key}"});
  EXPECT_EQ(w.org, "A") << "the channel's first org";
  EXPECT_EQ(w.user, "User1") << "the org's first user";
  EXPECT_EQ(w.mode, LoadMode::kOpen);
  EXPECT_EQ(w.rate, 100u);
  EXPECT_EQ(w.duration, milliseconds(30000));
  EXPECT_EQ(w.clients, 1u);
  EXPECT_EQ(w.keys, KeySpace{});
}

TEST(DefaultsTest, NullValuesCountAsAbsent) {
  Scenario s = MustParse(std::string(kMinimal) + "faults:\n");
  EXPECT_TRUE(s.faults.empty());
  Scenario t = MustParse(
      "network: n\ndescription: ~\norgs:\n  - name: O\n    domain: o.test\n    orderers: [o]\n"
      "    users:\n");
  EXPECT_EQ(t.description, "");
  EXPECT_TRUE(t.orgs[0].users.empty());
}

TEST(DefaultsTest, WorkloadUserIsAdminWhenTheOrgHasNoUsers) {
  std::string text = kMinimal;
  text.replace(text.find("    peers: [p0, p1]\n"), 19, "    peers: [p0, p1]\n    users: []\n");
  Scenario s = MustParse(text);
  EXPECT_EQ(s.workload->user, "Admin");
}

TEST(ParseScenarioTest, AcceptsQuotedScalarsFlowStyleAndComments) {
  Scenario s = MustParse(
      "# comment\n{network: \"n\", orgs: [{name: 'O', domain: o.test, orderers: [o]}], "
      "orderer: {batch_size: {max_message_count: '7'}}}  # trailing\n");
  EXPECT_EQ(s.network, "n");
  EXPECT_EQ(s.orderer.batch_size.max_message_count, 7u);
}

TEST(ParseScenarioTest, IgnoresAnEmptyTrailingDocument) {
  Scenario s = MustParse("network: n\norgs: [{name: O, domain: o.test, orderers: [o]}]\n---\n");
  EXPECT_EQ(s.network, "n");
}

}  // namespace
}  // namespace loom::config
