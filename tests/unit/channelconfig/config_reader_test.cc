// ReadChannelConfig against a genesis block written by Hyperledger Fabric
// itself (../shared/testdata/fabric-blocks/sample_prod/block0.block) and
// against deliberately broken trees.
#include "core/channelconfig/config_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "common/configuration.pb.h"
#include "core/channelconfig/config_tree.h"
#include "core/channelconfig/describe.h"
#include "core/crypto/x509.h"
#include "core/msp/identity.h"
#include "core/msp/msp.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/block_file.h"
#include "core/util/file_util.h"
#include "orderer/configuration.pb.h"

namespace loom::channelconfig {
namespace {

const std::string kBlocksDir = LOOM_FABRIC_BLOCKS_DIR;

std::string SampleBlockPath(int number) {
  return kBlocksDir + "/sample_prod/block" + std::to_string(number) + ".block";
}

class FabricGenesisBlockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(SampleBlockPath(0))) {
      GTEST_SKIP() << "Fabric test blocks not found at " << kBlocksDir;
    }
    auto block = LoadConfigBlock(SampleBlockPath(0));
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    block_ = *block;
    auto config = ReadChannelConfig(block_);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = *config;
  }

  // The stored policy at `path` equals the signature policy `text` parses to.
  void ExpectSignaturePolicy(const std::string& path, const std::string& text) {
    const PolicyInfo* info = config_.FindPolicy(path);
    ASSERT_NE(info, nullptr) << path;
    EXPECT_EQ(info->kind, PolicyInfo::Kind::kSignature) << path;
    EXPECT_EQ(info->mod_policy, "Admins") << path;
    auto expected = policy::ParseSignaturePolicy(text);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    EXPECT_EQ(info->policy.value(), expected->SerializeAsString()) << path;
    // The text form reads back to the same envelope.
    auto reparsed = policy::ParseSignaturePolicy(info->text);
    ASSERT_TRUE(reparsed.ok()) << path << ": " << info->text;
    EXPECT_EQ(reparsed->SerializeAsString(), info->policy.value()) << path << ": " << info->text;
  }

  void ExpectImplicitMeta(const std::string& path, const std::string& text) {
    const PolicyInfo* info = config_.FindPolicy(path);
    ASSERT_NE(info, nullptr) << path;
    EXPECT_EQ(info->kind, PolicyInfo::Kind::kImplicitMeta) << path;
    EXPECT_EQ(info->type, common::Policy::IMPLICIT_META) << path;
    EXPECT_EQ(info->text, text) << path;
  }

  common::Block block_;
  ChannelConfig config_;
};

TEST_F(FabricGenesisBlockTest, ChannelLevelValues) {
  EXPECT_EQ(config_.channel_id, "mychannel");
  EXPECT_EQ(config_.sequence, 1u);
  EXPECT_EQ(config_.hashing_algorithm, "SHA256");
  EXPECT_EQ(config_.block_data_hashing_width, 4294967295u);
  EXPECT_EQ(config_.consortium, "SampleConsortium");
  EXPECT_EQ(config_.capabilities.names, std::vector<std::string>{"V2_0"});
  EXPECT_TRUE(config_.orderer_addresses.empty());
  // The block's metadata is empty, so a config block is its own last config.
  EXPECT_EQ(config_.last_config_index, 0u);
}

TEST_F(FabricGenesisBlockTest, OrdererSettings) {
  ASSERT_TRUE(config_.orderer.has_value());
  const OrdererConfig& orderer = *config_.orderer;
  EXPECT_EQ(orderer.consensus_type, "solo");
  EXPECT_FALSE(orderer.maintenance_mode);
  EXPECT_TRUE(orderer.raft_consenters.empty());
  EXPECT_FALSE(orderer.raft_options.has_value());
  EXPECT_EQ(orderer.max_message_count, 500u);
  EXPECT_EQ(orderer.absolute_max_bytes, 10u * 1024 * 1024);
  EXPECT_EQ(orderer.preferred_max_bytes, 2u * 1024 * 1024);
  EXPECT_EQ(orderer.batch_timeout, "2s");
  EXPECT_EQ(orderer.batch_timeout_duration, std::chrono::seconds(2));
  EXPECT_EQ(orderer.max_channels, 0u);
  EXPECT_TRUE(orderer.capabilities.Has("V2_0"));
  ASSERT_EQ(orderer.orgs.size(), 1u);
  const OrgConfig& org = orderer.orgs.at("SampleOrg");
  EXPECT_EQ(org.msp_id, "SampleOrg");
  EXPECT_EQ(org.msp_type, 0);
  EXPECT_EQ(org.endpoints, std::vector<std::string>{"127.0.0.1:7050"});
  EXPECT_EQ(org.fabric_msp.root_certs_size(), 1);
  EXPECT_EQ(org.fabric_msp.admins_size(), 1);
  EXPECT_EQ(org.fabric_msp.crypto_config().signature_hash_family(), "SHA2");
  EXPECT_EQ(config_.AllOrdererEndpoints(), std::vector<std::string>{"127.0.0.1:7050"});
}

TEST_F(FabricGenesisBlockTest, ApplicationOrgsAndAcls) {
  ASSERT_TRUE(config_.application.has_value());
  const ApplicationConfig& application = *config_.application;
  EXPECT_EQ(application.capabilities.names, std::vector<std::string>{"V2_0"});
  ASSERT_EQ(application.orgs.size(), 1u);
  const OrgConfig& org = application.orgs.at("SampleOrg");
  EXPECT_EQ(org.msp_id, "SampleOrg");
  EXPECT_TRUE(org.anchor_peers.empty());
  EXPECT_TRUE(org.endpoints.empty());
  EXPECT_EQ(org.mod_policy, "Admins");
  ASSERT_EQ(org.policies.size(), 4u);
  EXPECT_EQ(org.policies.at("Admins").path, "/Channel/Application/SampleOrg/Admins");
  // Fabric 2.x's default ACLs are exactly what Loom writes into its channels.
  EXPECT_EQ(application.acls.size(), 19u);
  EXPECT_EQ(application.acls, DefaultAcls());
  EXPECT_EQ(application.acls.at("peer/Propose"), "/Channel/Application/Writers");
  EXPECT_EQ(application.acls.at("event/Block"), "/Channel/Application/Readers");
}

TEST_F(FabricGenesisBlockTest, PoliciesAtEveryLevel) {
  EXPECT_EQ(config_.policies.size(), 20u);
  ExpectImplicitMeta("/Channel/Readers", "ANY Readers");
  ExpectImplicitMeta("/Channel/Writers", "ANY Writers");
  ExpectImplicitMeta("/Channel/Admins", "MAJORITY Admins");
  ExpectImplicitMeta("/Channel/Orderer/BlockValidation", "ANY Writers");
  ExpectImplicitMeta("/Channel/Orderer/Admins", "MAJORITY Admins");
  ExpectImplicitMeta("/Channel/Application/Writers", "ANY Writers");
  ExpectImplicitMeta("/Channel/Application/Endorsement", "MAJORITY Endorsement");
  ExpectImplicitMeta("/Channel/Application/LifecycleEndorsement", "MAJORITY Endorsement");
  ExpectSignaturePolicy("/Channel/Orderer/SampleOrg/Readers", "OR('SampleOrg.member')");
  ExpectSignaturePolicy("/Channel/Orderer/SampleOrg/Admins", "OR('SampleOrg.admin')");
  ExpectSignaturePolicy("/Channel/Application/SampleOrg/Writers", "OR('SampleOrg.member')");
  ExpectSignaturePolicy("/Channel/Application/SampleOrg/Endorsement", "OR('SampleOrg.member')");
  EXPECT_EQ(config_.FindPolicy("/Channel/Application/Nope"), nullptr);
}

TEST_F(FabricGenesisBlockTest, MspValueValidatesTheBlockCreator) {
  const OrgConfig& org = config_.application->orgs.at("SampleOrg");
  auto msp = msp::Msp::FromFabricMspConfig(org.fabric_msp);
  ASSERT_TRUE(msp.ok()) << msp.status().ToString();
  EXPECT_EQ(msp->id(), "SampleOrg");

  // The channel creation transaction was signed by a SampleOrg identity.
  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(block_.data().data(0)));
  common::Payload payload;
  ASSERT_TRUE(payload.ParseFromString(envelope.payload()));
  common::SignatureHeader signature_header;
  ASSERT_TRUE(signature_header.ParseFromString(payload.header().signature_header()));
  auto creator = msp->DeserializeIdentity(signature_header.creator());
  ASSERT_TRUE(creator.ok()) << creator.status().ToString();
  // Validate at the block's own time (its certificates have an expiry date).
  common::ChannelHeader channel_header;
  ASSERT_TRUE(channel_header.ParseFromString(payload.header().channel_header()));
  auto at = std::chrono::system_clock::time_point(std::chrono::seconds(channel_header.timestamp().seconds()));
  EXPECT_TRUE(creator->Validate(at).ok()) << creator->Validate(at).ToString();
  EXPECT_TRUE(creator->Verify(envelope.payload(), envelope.signature()).ok());
}

TEST_F(FabricGenesisBlockTest, DescribePrintsTheFacts) {
  std::string text = DescribeChannelConfig(config_);
  for (const char* line :
       {"channel mychannel\n", "  consensus type:     solo\n", "  batch timeout:      2s\n",
        "  batch size:         max 500 messages, absolute max 10485760 bytes, preferred max "
        "2097152 bytes\n",
        "    SampleOrg: MSP SampleOrg\n", "      endpoints:  127.0.0.1:7050\n",
        "    peer/Propose -> /Channel/Application/Writers\n",
        "  /Channel/Application/Writers  ImplicitMeta  ANY Writers\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << text;
  }
}

TEST(ReadChannelConfigTest, ReadsTheFileDirectly) {
  if (!std::filesystem::exists(SampleBlockPath(0))) GTEST_SKIP() << "no Fabric test blocks";
  auto config = ReadChannelConfigFile(SampleBlockPath(0));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->channel_id, "mychannel");
}

TEST(ReadChannelConfigTest, RejectsATransactionBlock) {
  if (!std::filesystem::exists(SampleBlockPath(1))) GTEST_SKIP() << "no Fabric test blocks";
  auto config = ReadChannelConfigFile(SampleBlockPath(1));
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(config.status().IsInvalidArgument());
  const std::string& message = config.status().message();
  EXPECT_NE(message.find(SampleBlockPath(1)), std::string::npos) << message;
  EXPECT_NE(message.find("ENDORSER_TRANSACTION"), std::string::npos) << message;
  EXPECT_NE(message.find("not CONFIG"), std::string::npos) << message;
}

TEST(ReadChannelConfigTest, NamesMissingAndMalformedFiles) {
  auto missing = LoadConfigBlock("/nonexistent/loom/genesis.block");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("/nonexistent/loom/genesis.block"), std::string::npos);

  auto dir =
      std::filesystem::temp_directory_path() /
      ("loom_chcfg_reader_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  const std::string garbage = (dir / "garbage.block").string();
  ASSERT_TRUE(WriteFileAtomically(garbage, std::string("\x0a\x05"
                                                       "ab",
                                                       4))
                  .ok());
  auto bad = LoadConfigBlock(garbage);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(garbage), std::string::npos) << bad.status().message();
}

TEST(ReadChannelConfigTest, RejectsABlockWithoutData) {
  common::Block block;
  block.mutable_header()->set_number(7);
  auto config = ReadChannelConfig(block);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("block 7: has no data"), std::string::npos)
      << config.status().message();
}

// A small valid tree to break in the tests below.
common::Config MinimalConfig() {
  common::Config config;
  common::ConfigGroup* root = config.mutable_channel_group();
  common::ConfigGroup& orderer = (*root->mutable_groups())["Orderer"];
  orderer::BatchSize batch_size;
  batch_size.set_max_message_count(10);
  SetValue(orderer, "BatchSize", batch_size);
  orderer::BatchTimeout timeout;
  timeout.set_timeout("1m30s");
  SetValue(orderer, "BatchTimeout", timeout);
  common::ConfigGroup& org = (*(*root->mutable_groups())["Application"].mutable_groups())["Org1"];
  ::msp::FabricMSPConfig fabric_msp;
  fabric_msp.set_name("Org1MSP");
  SetValue(org, "MSP", MakeFabricMspValue(fabric_msp));
  return config;
}

TEST(ReadChannelConfigTest, ReadsAMinimalTree) {
  auto config = ReadChannelConfig(MinimalConfig(), "ch");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->orderer->batch_timeout_duration, std::chrono::seconds(90));
  EXPECT_EQ(config->orderer->max_message_count, 10u);
  EXPECT_EQ(config->application->orgs.at("Org1").msp_id, "Org1MSP");
}

TEST(ReadChannelConfigTest, ErrorsNameThePathInTheTree) {
  {
    common::Config config = MinimalConfig();
    auto& orderer = (*config.mutable_channel_group()->mutable_groups())["Orderer"];
    (*orderer.mutable_values())["BatchSize"].set_value(
        std::string("\x0a\x05"
                    "ab",
                    4));
    auto result = ReadChannelConfig(config, "ch");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message(), "/Channel/Orderer/BatchSize: cannot parse orderer.BatchSize");
  }
  {
    common::Config config = MinimalConfig();
    auto& orderer = (*config.mutable_channel_group()->mutable_groups())["Orderer"];
    orderer::BatchTimeout timeout;
    timeout.set_timeout("2 sec");
    SetValue(orderer, "BatchTimeout", timeout);
    auto result = ReadChannelConfig(config, "ch");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message().rfind("/Channel/Orderer/BatchTimeout: ", 0), 0u)
        << result.status().message();
    EXPECT_NE(result.status().message().find("unknown unit"), std::string::npos) << result.status().message();
  }
  {
    common::Config config = MinimalConfig();
    auto& orderer = (*config.mutable_channel_group()->mutable_groups())["Orderer"];
    orderer::BatchTimeout timeout;
    timeout.set_timeout("0");
    SetValue(orderer, "BatchTimeout", timeout);
    auto result = ReadChannelConfig(config, "ch");
    ASSERT_FALSE(result.ok());
    EXPECT_NE(
        result.status().message().find("/Channel/Orderer/BatchTimeout: batch timeout \"0\" is not positive"),
        std::string::npos)
        << result.status().message();
  }
  {
    common::Config config = MinimalConfig();
    auto& app = (*config.mutable_channel_group()->mutable_groups())["Application"];
    (*app.mutable_groups())["Org1"].mutable_values()->erase("MSP");
    auto result = ReadChannelConfig(config, "ch");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message(), "/Channel/Application/Org1: organization has no MSP value");
  }
  {
    common::Config config = MinimalConfig();
    auto& app = (*config.mutable_channel_group()->mutable_groups())["Application"];
    common::ConfigPolicy& policy = (*app.mutable_policies())["Writers"];
    policy.mutable_policy()->set_type(common::Policy::SIGNATURE);
    policy.mutable_policy()->set_value(
        std::string("\x0a\x05"
                    "ab",
                    4));
    auto result = ReadChannelConfig(config, "ch");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message(),
              "/Channel/Application/Writers: cannot parse common.SignaturePolicyEnvelope");
  }
  {
    common::Config config = MinimalConfig();
    auto& consensus_group = (*config.mutable_channel_group()->mutable_groups())["Orderer"];
    orderer::ConsensusType consensus;
    consensus.set_type("etcdraft");
    consensus.set_metadata(
        std::string("\x0a\x05"
                    "ab",
                    4));
    SetValue(consensus_group, "ConsensusType", consensus);
    auto result = ReadChannelConfig(config, "ch");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message(),
              "/Channel/Orderer/ConsensusType/metadata: cannot parse etcdraft.ConfigMetadata");
  }
}

}  // namespace
}  // namespace loom::channelconfig
