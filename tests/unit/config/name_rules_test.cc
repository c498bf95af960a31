#include "core/config/name_rules.h"

#include <gtest/gtest.h>

namespace loom::config {
namespace {

TEST(NameRulesTest, ChannelNamesFollowFabric) {
  EXPECT_EQ(CheckChannelName("mychannel"), "");
  EXPECT_EQ(CheckChannelName("a.b-c9"), "");
  EXPECT_NE(CheckChannelName("MyChannel"), "");
  EXPECT_NE(CheckChannelName("9lives"), "");
  EXPECT_NE(CheckChannelName("my_channel"), "");
  EXPECT_EQ(CheckChannelName(std::string(249, 'a')), "");
  EXPECT_NE(CheckChannelName(std::string(250, 'a')), "");
  EXPECT_EQ(CheckChannelName(""), "must not be empty");
}

TEST(NameRulesTest, ChaincodeNamesAndVersionsFollowFabric) {
  EXPECT_EQ(CheckChaincodeName("assets"), "");
  EXPECT_EQ(CheckChaincodeName("asset-transfer_v2"), "");
  EXPECT_NE(CheckChaincodeName("-assets"), "");
  EXPECT_NE(CheckChaincodeName("assets-"), "");
  EXPECT_NE(CheckChaincodeName("a--b"), "");
  EXPECT_NE(CheckChaincodeName("a.b"), "");
  EXPECT_EQ(CheckChaincodeVersion("1.0"), "");
  EXPECT_EQ(CheckChaincodeVersion("2.1+build_3-rc"), "");
  EXPECT_NE(CheckChaincodeVersion("1 0"), "");
  EXPECT_NE(CheckChaincodeVersion(""), "");
}

TEST(NameRulesTest, DnsNamesAreLowerCaseLabels) {
  EXPECT_EQ(CheckDnsName("org1.example.com"), "");
  EXPECT_EQ(CheckDnsName("localhost"), "");
  EXPECT_EQ(CheckDnsName("127.0.0.1"), "");
  EXPECT_NE(CheckDnsName("Org1.example.com"), "");
  EXPECT_NE(CheckDnsName("org1..example.com"), "");
  EXPECT_NE(CheckDnsName(".example.com"), "");
  EXPECT_NE(CheckDnsName("example.com."), "");
  EXPECT_NE(CheckDnsName("-a.example.com"), "");
  EXPECT_NE(CheckDnsName("a-.example.com"), "");
  EXPECT_NE(CheckDnsName("a_b.example.com"), "");
  EXPECT_NE(CheckDnsLabel(std::string(64, 'a')), "");
  EXPECT_EQ(CheckDnsLabel(std::string(63, 'a')), "");
}

TEST(NameRulesTest, MspIdsMustBeUsableInPolicies) {
  EXPECT_EQ(CheckMspId("Org1MSP"), "");
  EXPECT_EQ(CheckMspId("org-1.msp"), "");
  EXPECT_NE(CheckMspId("Org 1"), "");
  EXPECT_NE(CheckMspId("Org1'MSP"), "");
  EXPECT_NE(CheckMspId(".Org1"), "");
}

TEST(NameRulesTest, HostPort) {
  EXPECT_EQ(CheckHostPort("cc.example.com:9999"), "");
  EXPECT_EQ(CheckHostPort("127.0.0.1:1"), "");
  EXPECT_NE(CheckHostPort("cc.example.com"), "");
  EXPECT_NE(CheckHostPort(":9999"), "");
  EXPECT_NE(CheckHostPort("cc:0"), "");
  EXPECT_NE(CheckHostPort("cc:65536"), "");
  EXPECT_NE(CheckHostPort("cc:99999999999"), "");
  EXPECT_NE(CheckHostPort("cc:"), "");
  EXPECT_NE(CheckHostPort("cc:8a"), "");
}

TEST(NameRulesTest, TextMustBeCleanUtf8) {
  EXPECT_EQ(CheckText("plain", false), "");
  EXPECT_EQ(CheckText("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", false), "");
  EXPECT_EQ(CheckText("two\nlines\tand a tab", true), "");
  EXPECT_NE(CheckText("two\nlines", false), "");
  EXPECT_NE(CheckText(std::string("nul\0byte", 8), true), "");
  EXPECT_NE(CheckText("\x7f", true), "");
  EXPECT_NE(CheckText("bad \xff byte", true), "");
  EXPECT_NE(CheckText("cut \xe2\x82", true), "");
  EXPECT_NE(CheckText("overlong \xc0\xaf", true), "");
  EXPECT_NE(CheckText("overlong \xe0\x80\xaf", true), "");
  EXPECT_NE(CheckText("surrogate \xed\xa0\x80", true), "");
  EXPECT_NE(CheckText("too big \xf4\x90\x80\x80", true), "");
  EXPECT_NE(CheckText("c1 \xc2\x85", true), "");
  EXPECT_NE(CheckText("bom \xef\xbb\xbf", true), "");
}

TEST(NameRulesTest, NetworkOrgAndUserNames) {
  EXPECT_EQ(CheckNetworkName("quickstart"), "");
  EXPECT_EQ(CheckNetworkName("lab-2"), "");
  EXPECT_NE(CheckNetworkName("-lab"), "");
  EXPECT_NE(CheckNetworkName("Lab"), "");
  EXPECT_NE(CheckNetworkName(std::string(64, 'a')), "");
  EXPECT_EQ(CheckOrgName("Org1"), "");
  EXPECT_EQ(CheckOrgName("org_1.a-b"), "");
  EXPECT_NE(CheckOrgName("Org 1"), "");
  EXPECT_NE(CheckOrgName("_org"), "");
  EXPECT_EQ(CheckUserName("User1"), "");
  EXPECT_NE(CheckUserName("User@1"), "");
  EXPECT_EQ(CheckPluginName("vscc"), "");
  EXPECT_NE(CheckPluginName("my plugin"), "");
}

}  // namespace
}  // namespace loom::config
