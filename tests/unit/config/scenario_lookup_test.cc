#include <gtest/gtest.h>

#include "core/config/scenario.h"
#include "core/config/scenario_yaml.h"
#include "tests/unit/config/test_paths.h"

namespace loom::config {
namespace {

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = LoadScenarioFile(testing::MaximalPath());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    s_ = *loaded;
  }
  Scenario s_;
};

TEST_F(LookupTest, ListsNodesOrgByOrgPeersFirst) {
  std::vector<std::string> fqdns;
  for (const auto& node : AllNodes(s_)) fqdns.push_back(std::string(ToString(node.kind)) + " " + node.fqdn);
  EXPECT_EQ(fqdns,
            (std::vector<std::string>{"orderer o1.orderers.lab.example", "orderer o2.orderers.lab.example",
                                      "orderer o3.orderers.lab.example", "peer p0.bank.example.com",
                                      "peer p1.bank.example.com", "orderer o4.bank.example.com",
                                      "peer peer0.shop.example.com"}));
  EXPECT_EQ(PeerNodes(s_).size(), 3u);
  EXPECT_EQ(OrdererNodes(s_).size(), 4u);
  EXPECT_EQ(OrdererNodes(s_)[3].mspid, "BankMSP");
}

TEST_F(LookupTest, FindsNodesOrgsChannelsAndChaincodes) {
  auto node = FindNode(s_, "p1.bank.example.com");
  ASSERT_TRUE(node.has_value());
  EXPECT_EQ(node->org, "Bank");
  EXPECT_EQ(node->name, "p1");
  EXPECT_EQ(node->kind, NodeKind::kPeer);
  EXPECT_FALSE(FindNode(s_, "p1").has_value());

  ASSERT_NE(FindOrg(s_, "Shop"), nullptr);
  EXPECT_EQ(FindOrg(s_, "Shop")->domain, "shop.example.com");
  EXPECT_EQ(FindOrg(s_, "ShopMSP"), nullptr);
  ASSERT_NE(FindOrgByMspId(s_, "OrderersMSP.lab"), nullptr);
  EXPECT_EQ(FindOrgByMspId(s_, "OrderersMSP.lab")->name, "Orderers");
  EXPECT_EQ(FindOrgByMspId(s_, "Orderers"), nullptr);

  ASSERT_NE(FindChannel(s_, "audit.log"), nullptr);
  EXPECT_EQ(FindChannel(s_, "audit.log")->orgs, std::vector<std::string>{"Bank"});
  EXPECT_EQ(FindChannel(s_, "nope"), nullptr);

  ASSERT_NE(FindChaincode(s_, "trade", "fabcoin"), nullptr);
  EXPECT_EQ(FindChaincode(s_, "trade", "fabcoin")->type, ChaincodeType::kNode);
  EXPECT_EQ(FindChaincode(s_, "audit.log", "fabcoin")->type, ChaincodeType::kCcaas);
  EXPECT_EQ(FindChaincode(s_, "audit.log", "counter"), nullptr);
}

TEST(EnumNamesTest, MatchTheYamlSpelling) {
  EXPECT_EQ(ToString(OrdererType::kRaft), "raft");
  EXPECT_EQ(ToString(ChaincodeType::kCcaas), "ccaas");
  EXPECT_EQ(ToString(LoadMode::kClosed), "closed");
  EXPECT_EQ(ToString(KeyDistribution::kZipf), "zipf");
  EXPECT_EQ(ToString(FaultAction::kPartition), "partition");
  EXPECT_EQ(ToString(NodeKind::kOrderer), "orderer");
  EXPECT_EQ(NodeFqdn("peer0", "org1.example.com"), "peer0.org1.example.com");
}

}  // namespace
}  // namespace loom::config
