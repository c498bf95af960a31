// The workspace's connection profile, parsed back as YAML (yaml-cpp) and as
// JSON (nlohmann): every peer, orderer and channel is there with its URL.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "app/lab/workspace.h"
#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/lab_workspace/lab_test_scenario.h"

namespace loom::lab {
namespace {

using loom::testing::TempDir;

class ConnectionProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string native = temp_.File("native-cc");
    ASSERT_TRUE(WriteFileAtomically(native, "#!/bin/sh\n", 0755).ok());
    ASSERT_TRUE(WriteFileAtomically(temp_.File("s.yaml"), testing::TestScenario(native, /*raft=*/true)).ok());
    Result<Workspace> workspace = Workspace::Prepare(temp_.File("s.yaml"), temp_.File("ws"));
    ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
    workspace_ = std::make_unique<Workspace>(std::move(*workspace));
  }

  TempDir temp_{"lab-profile"};
  std::unique_ptr<Workspace> workspace_;
};

TEST_F(ConnectionProfileTest, YamlHasEveryNodeAndChannel) {
  YAML::Node profile = YAML::LoadFile(workspace_->ConnectionProfileFile(false));
  EXPECT_EQ(profile["name"].as<std::string>(), "labtest");
  EXPECT_EQ(profile["version"].as<std::string>(), "1.0.0");
  EXPECT_EQ(profile["client"]["organization"].as<std::string>(), "Org1");
  EXPECT_EQ(profile["organizations"]["Org1"]["mspid"].as<std::string>(), "Org1MSP");
  EXPECT_EQ(profile["organizations"]["Org1"]["peers"].size(), 2u);
  EXPECT_EQ(profile["organizations"]["Org2"]["peers"][0].as<std::string>(), "peer0.org2.example.com");
  EXPECT_EQ(profile["organizations"]["OrdererOrg"]["mspid"].as<std::string>(), "OrdererMSP");
  const std::string admin_cert = profile["organizations"]["Org1"]["signedCert"]["path"].as<std::string>();
  EXPECT_TRUE(ReadFile(admin_cert).ok()) << admin_cert;
  EXPECT_TRUE(ReadFile(profile["organizations"]["Org1"]["adminPrivateKey"]["path"].as<std::string>()).ok());

  for (const NodeSpec& node : workspace_->nodes()) {
    const char* section = node.info.kind == config::NodeKind::kPeer ? "peers" : "orderers";
    ASSERT_TRUE(profile[section][node.info.fqdn]) << node.info.fqdn;
    EXPECT_EQ(profile[section][node.info.fqdn]["url"].as<std::string>(), "grpc://" + node.listen_address);
    EXPECT_EQ(profile[section][node.info.fqdn]["grpcOptions"]["ssl-target-name-override"].as<std::string>(),
              node.info.fqdn);
  }
  YAML::Node channel = profile["channels"]["ch1"];
  ASSERT_TRUE(channel);
  EXPECT_EQ(channel["orderers"].size(), 3u);
  EXPECT_EQ(channel["peers"].size(), 3u);
  EXPECT_TRUE(channel["peers"]["peer1.org1.example.com"]["endorsingPeer"].as<bool>());
  EXPECT_TRUE(channel["peers"]["peer0.org2.example.com"]["eventSource"].as<bool>());
}

TEST_F(ConnectionProfileTest, JsonMatchesYaml) {
  nlohmann::json json = nlohmann::json::parse(*ReadFile(workspace_->ConnectionProfileFile(true)));
  YAML::Node yaml = YAML::LoadFile(workspace_->ConnectionProfileFile(false));
  EXPECT_EQ(json["name"], "labtest");
  EXPECT_EQ(json["peers"].size(), yaml["peers"].size());
  EXPECT_EQ(json["orderers"].size(), 3u);
  for (const NodeSpec& node : workspace_->nodes()) {
    const char* section = node.info.kind == config::NodeKind::kPeer ? "peers" : "orderers";
    EXPECT_EQ(json[section][node.info.fqdn]["url"], "grpc://" + node.listen_address) << node.info.fqdn;
  }
  EXPECT_EQ(json["channels"]["ch1"]["peers"].size(), 3u);
  EXPECT_EQ(json["organizations"]["Org2"]["mspid"], "Org2MSP");
}

}  // namespace
}  // namespace loom::lab
