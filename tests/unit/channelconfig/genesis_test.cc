// Genesis blocks built from scenarios: the tree read back field by field
// against the scenario, the block's shape as configtxgen writes it, block
// verification, protoc decoding, and MSP values that validate the generated
// identities.
#include "core/channelconfig/genesis.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/config_tree.h"
#include "core/config/scenario_yaml.h"
#include "core/cryptogen/cryptogen.h"
#include "core/cryptogen/layout.h"
#include "core/msp/identity.h"
#include "core/msp/msp.h"
#include "core/msp/msp_folder.h"
#include "core/msp/signing_identity.h"
#include "core/policy/policy_text.h"
#include "core/protocol/block.h"
#include "core/protocol/block_file.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/block_verify.h"
#include "core/protocol/txid.h"
#include "core/util/file_util.h"
#include "tests/unit/channelconfig/test_support.h"

namespace loom::channelconfig {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const std::string kQuickstart = std::string(LOOM_SOURCE_DIR) + "/scenarios/quickstart.yaml";

config::Scenario LoadQuickstart() {
  auto scenario = config::LoadScenarioFile(kQuickstart);
  EXPECT_TRUE(scenario.ok()) << scenario.status().ToString();
  return scenario.ok() ? *scenario : config::Scenario{};
}

// The common.Policy a policy text parses to, marshalled (for comparisons).
std::string PolicyBytes(const std::string& text) {
  auto policy = policy::ParsePolicy(text);
  EXPECT_TRUE(policy.ok()) << text << ": " << policy.status().ToString();
  return policy.ok() ? policy->SerializeAsString() : "";
}

std::string OnlyFileIn(const std::string& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) return entry.path().string();
  return "";
}

crypto::Certificate SignCert(const std::string& msp_dir) {
  auto pem = ReadFile(OnlyFileIn(msp_dir + "/signcerts"));
  EXPECT_TRUE(pem.ok());
  auto cert = crypto::Certificate::FromPem(pem.ok() ? *pem : "");
  EXPECT_TRUE(cert.ok()) << msp_dir;
  return cert.ok() ? *cert : crypto::Certificate();
}

// Crypto material for the quickstart scenario, made once for the suite.
class QuickstartGenesisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temp_ = new TempDir();
    scenario_ = new config::Scenario(LoadQuickstart());
    crypto_dir_ = temp_->Path("crypto");
    auto generated = cryptogen::GenerateCrypto(*scenario_, crypto_dir_);
    ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  }
  static void TearDownTestSuite() {
    delete scenario_;
    delete temp_;
  }

  Result<common::Block> Build(const config::Scenario& scenario, const GenesisOptions& options = {}) {
    return BuildGenesisBlock(scenario, "mychannel", crypto_dir_, options);
  }
  ChannelConfig BuildAndRead(const config::Scenario& scenario, const GenesisOptions& options = {}) {
    auto block = Build(scenario, options);
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    if (!block.ok()) return {};
    auto config = ReadChannelConfig(*block);
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    return config.ok() ? *config : ChannelConfig{};
  }

  static TempDir* temp_;
  static config::Scenario* scenario_;
  static std::string crypto_dir_;
};

TempDir* QuickstartGenesisTest::temp_ = nullptr;
config::Scenario* QuickstartGenesisTest::scenario_ = nullptr;
std::string QuickstartGenesisTest::crypto_dir_;

TEST_F(QuickstartGenesisTest, RoundTripsEveryScenarioField) {
  const config::Scenario& scenario = *scenario_;
  const config::Channel& channel = *config::FindChannel(scenario, "mychannel");
  ChannelConfig config = BuildAndRead(scenario);

  EXPECT_EQ(config.channel_id, "mychannel");
  EXPECT_EQ(config.sequence, 0u);
  EXPECT_EQ(config.last_config_index, 0u);
  EXPECT_EQ(config.hashing_algorithm, "SHA256");
  EXPECT_EQ(config.block_data_hashing_width, 4294967295u);
  EXPECT_EQ(config.capabilities.names, std::vector<std::string>{"V2_0"});
  EXPECT_TRUE(config.consortium.empty());
  EXPECT_EQ(config.orderer_addresses, std::vector<std::string>{"orderer.example.com:7050"});

  ASSERT_TRUE(config.orderer.has_value());
  const OrdererConfig& orderer = *config.orderer;
  EXPECT_EQ(orderer.consensus_type, "solo");
  EXPECT_FALSE(orderer.maintenance_mode);
  EXPECT_TRUE(orderer.consensus_metadata.empty());
  EXPECT_EQ(orderer.max_message_count, scenario.orderer.batch_size.max_message_count);
  EXPECT_EQ(orderer.absolute_max_bytes, scenario.orderer.batch_size.absolute_max_bytes);
  EXPECT_EQ(orderer.preferred_max_bytes, scenario.orderer.batch_size.preferred_max_bytes);
  EXPECT_EQ(orderer.absolute_max_bytes, 99u * 1024 * 1024);
  EXPECT_EQ(orderer.batch_timeout, "200ms");
  EXPECT_EQ(orderer.batch_timeout_duration, scenario.orderer.batch_timeout);
  EXPECT_EQ(orderer.max_channels, 0u);
  EXPECT_EQ(orderer.capabilities.names, std::vector<std::string>{"V2_0"});

  ASSERT_TRUE(config.application.has_value());
  const ApplicationConfig& application = *config.application;
  EXPECT_EQ(application.capabilities.names, std::vector<std::string>{"V2_0"});
  EXPECT_EQ(application.acls, DefaultAcls());

  // Orderer orgs: every org with orderer nodes, with its endpoints.
  size_t orderer_orgs = 0;
  for (const config::Org& org : scenario.orgs) {
    if (org.orderers.empty()) continue;
    ++orderer_orgs;
    ASSERT_TRUE(orderer.orgs.count(org.name)) << org.name;
    const OrgConfig& got = orderer.orgs.at(org.name);
    EXPECT_EQ(got.msp_id, org.mspid);
    std::vector<std::string> endpoints;
    for (const auto& node : org.orderers) endpoints.push_back(config::NodeFqdn(node, org.domain) + ":7050");
    EXPECT_EQ(got.endpoints, endpoints);
    EXPECT_TRUE(got.anchor_peers.empty());
    auto folder_msp = msp::ToFabricMspConfig(cryptogen::OrgMspFolder(crypto_dir_, org), org.mspid);
    ASSERT_TRUE(folder_msp.ok());
    EXPECT_EQ(got.fabric_msp.SerializeAsString(), folder_msp->SerializeAsString()) << org.name;
  }
  EXPECT_EQ(orderer.orgs.size(), orderer_orgs);
  EXPECT_EQ(orderer.orgs.at("OrdererOrg").msp_id, "OrdererMSP");

  // Application orgs: the channel's members, with anchor peers.
  ASSERT_EQ(application.orgs.size(), channel.orgs.size());
  for (const std::string& name : channel.orgs) {
    const config::Org& org = *config::FindOrg(scenario, name);
    ASSERT_TRUE(application.orgs.count(name)) << name;
    const OrgConfig& got = application.orgs.at(name);
    EXPECT_EQ(got.msp_id, org.mspid);
    std::vector<OrgConfig::AnchorPeer> anchors;
    for (const auto& peer : org.anchor_peers) anchors.push_back({config::NodeFqdn(peer, org.domain), 7051});
    EXPECT_EQ(got.anchor_peers, anchors);
    EXPECT_TRUE(got.endpoints.empty());
    auto folder_msp = msp::ToFabricMspConfig(cryptogen::OrgMspFolder(crypto_dir_, org), org.mspid);
    ASSERT_TRUE(folder_msp.ok());
    EXPECT_EQ(got.fabric_msp.SerializeAsString(), folder_msp->SerializeAsString()) << name;
  }
  EXPECT_EQ(application.orgs.at("Org1").anchor_peers,
            (std::vector<OrgConfig::AnchorPeer>{{"peer0.org1.example.com", 7051}}));

  // The channel's Application policies are the scenario's.
  const config::ChannelPolicies& policies = channel.policies;
  EXPECT_EQ(config.FindPolicy("/Channel/Application/Readers")->text, policies.readers);
  EXPECT_EQ(config.FindPolicy("/Channel/Application/Writers")->text, policies.writers);
  EXPECT_EQ(config.FindPolicy("/Channel/Application/Admins")->text, policies.admins);
  EXPECT_EQ(config.FindPolicy("/Channel/Application/Endorsement")->text, policies.endorsement);
  EXPECT_EQ(config.FindPolicy("/Channel/Application/LifecycleEndorsement")->text,
            policies.lifecycle_endorsement);
}

TEST_F(QuickstartGenesisTest, PoliciesHaveFabricsDefaultShapes) {
  ChannelConfig config = BuildAndRead(*scenario_);
  const std::map<std::string, std::string> expected = {
      {"/Channel/Readers", "ANY Readers"},
      {"/Channel/Writers", "ANY Writers"},
      {"/Channel/Admins", "MAJORITY Admins"},
      {"/Channel/Orderer/Readers", "ANY Readers"},
      {"/Channel/Orderer/Writers", "ANY Writers"},
      {"/Channel/Orderer/Admins", "MAJORITY Admins"},
      {"/Channel/Orderer/BlockValidation", "ANY Writers"},
      {"/Channel/Orderer/OrdererOrg/Readers", "OR('OrdererMSP.member')"},
      {"/Channel/Orderer/OrdererOrg/Writers", "OR('OrdererMSP.member')"},
      {"/Channel/Orderer/OrdererOrg/Admins", "OR('OrdererMSP.admin')"},
      {"/Channel/Application/Readers", "ANY Readers"},
      {"/Channel/Application/Writers", "ANY Writers"},
      {"/Channel/Application/Admins", "MAJORITY Admins"},
      {"/Channel/Application/Endorsement", "MAJORITY Endorsement"},
      {"/Channel/Application/LifecycleEndorsement", "MAJORITY Endorsement"},
      {"/Channel/Application/Org1/Readers", "OR('Org1MSP.admin','Org1MSP.peer','Org1MSP.client')"},
      {"/Channel/Application/Org1/Writers", "OR('Org1MSP.admin','Org1MSP.client')"},
      {"/Channel/Application/Org1/Admins", "OR('Org1MSP.admin')"},
      {"/Channel/Application/Org1/Endorsement", "OR('Org1MSP.peer')"},
      {"/Channel/Application/Org2/Readers", "OR('Org2MSP.admin','Org2MSP.peer','Org2MSP.client')"},
      {"/Channel/Application/Org2/Writers", "OR('Org2MSP.admin','Org2MSP.client')"},
      {"/Channel/Application/Org2/Admins", "OR('Org2MSP.admin')"},
      {"/Channel/Application/Org2/Endorsement", "OR('Org2MSP.peer')"},
  };
  EXPECT_EQ(config.policies.size(), expected.size());
  for (const auto& [path, text] : expected) {
    const PolicyInfo* info = config.FindPolicy(path);
    ASSERT_NE(info, nullptr) << path;
    EXPECT_EQ(info->policy.SerializeAsString(), PolicyBytes(text)) << path;
    EXPECT_EQ(info->mod_policy, "Admins") << path;
    // The text form decodes back to the same policy.
    EXPECT_EQ(PolicyBytes(info->text), info->policy.SerializeAsString()) << path << ": " << info->text;
    EXPECT_EQ(info->kind, text.find('(') == std::string::npos ? PolicyInfo::Kind::kImplicitMeta
                                                              : PolicyInfo::Kind::kSignature)
        << path;
  }
}

TEST_F(QuickstartGenesisTest, ModPoliciesAreFabrics) {
  ChannelConfig config = BuildAndRead(*scenario_);
  const common::ConfigGroup& root = config.config.channel_group();
  EXPECT_EQ(root.mod_policy(), "Admins");
  EXPECT_EQ(root.values().at("OrdererAddresses").mod_policy(), "/Channel/Orderer/Admins");
  for (const char* key : {"HashingAlgorithm", "BlockDataHashingStructure", "Capabilities"}) {
    EXPECT_EQ(root.values().at(key).mod_policy(), "Admins") << key;
  }
  const common::ConfigGroup& orderer = root.groups().at("Orderer");
  for (const char* key :
       {"ConsensusType", "BatchSize", "BatchTimeout", "ChannelRestrictions", "Capabilities"}) {
    ASSERT_TRUE(orderer.values().count(key)) << key;
    EXPECT_EQ(orderer.values().at(key).mod_policy(), "Admins") << key;
  }
  for (const auto& group_name : {"Orderer", "Application"}) {
    const common::ConfigGroup& group = root.groups().at(group_name);
    EXPECT_EQ(group.mod_policy(), "Admins");
    for (const auto& [org_name, org] : group.groups()) {
      EXPECT_EQ(org.mod_policy(), "Admins") << org_name;
      for (const auto& [key, value] : org.values())
        EXPECT_EQ(value.mod_policy(), "Admins") << org_name << key;
      EXPECT_EQ(org.version(), 0u);
    }
  }
}

TEST_F(QuickstartGenesisTest, BlockHasConfigtxgensShape) {
  GenesisOptions options;
  options.timestamp = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  auto block = Build(*scenario_, options);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ(block->header().number(), 0u);
  EXPECT_TRUE(block->header().previous_hash().empty());
  ASSERT_EQ(block->data().data_size(), 1);
  EXPECT_EQ(block->header().data_hash(), protocol::ComputeDataHash(block->data()));
  ASSERT_EQ(block->metadata().metadata_size(), 5);

  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(block->data().data(0)));
  EXPECT_TRUE(envelope.signature().empty());
  common::Payload payload;
  ASSERT_TRUE(payload.ParseFromString(envelope.payload()));
  common::ChannelHeader channel_header;
  ASSERT_TRUE(channel_header.ParseFromString(payload.header().channel_header()));
  EXPECT_EQ(channel_header.type(), common::CONFIG);
  EXPECT_EQ(channel_header.version(), 1);
  EXPECT_EQ(channel_header.channel_id(), "mychannel");
  EXPECT_EQ(channel_header.epoch(), 0u);
  EXPECT_EQ(channel_header.timestamp().seconds(), 1'700'000'000);
  EXPECT_EQ(channel_header.timestamp().nanos(), 0);
  common::SignatureHeader signature_header;
  ASSERT_TRUE(signature_header.ParseFromString(payload.header().signature_header()));
  EXPECT_TRUE(signature_header.creator().empty());
  EXPECT_EQ(signature_header.nonce().size(), protocol::kNonceSize);
  EXPECT_EQ(channel_header.tx_id(), protocol::ComputeTxId(signature_header.nonce(), ""));
  common::ConfigEnvelope config_envelope;
  ASSERT_TRUE(config_envelope.ParseFromString(payload.data()));
  EXPECT_FALSE(config_envelope.has_last_update());
  EXPECT_EQ(config_envelope.config().sequence(), 0u);

  auto last_config = protocol::LastConfigIndex(*block);
  ASSERT_TRUE(last_config.ok()) << last_config.status().ToString();
  EXPECT_EQ(*last_config, 0u);
  auto signatures = protocol::BlockSignaturesMetadata(*block);
  ASSERT_TRUE(signatures.ok());
  EXPECT_EQ(signatures->signatures_size(), 0);
  common::Metadata last_config_metadata;
  ASSERT_TRUE(last_config_metadata.ParseFromString(block->metadata().metadata(kLastConfigMetadataIndex)));
  common::LastConfig last_config_value;
  ASSERT_TRUE(last_config_value.ParseFromString(last_config_metadata.value()));
  EXPECT_EQ(last_config_value.index(), 0u);

  // Two genesis blocks differ in nonce and so in tx id.
  auto again = Build(*scenario_, options);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->header().data_hash(), block->header().data_hash());
}

TEST_F(QuickstartGenesisTest, PassesBlockVerification) {
  auto block = Build(*scenario_);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  std::vector<std::string> faults;
  for (const auto& fault : protocol::VerifyBlock(*block, std::string())) faults.push_back(fault.ToString());
  EXPECT_TRUE(faults.empty()) << ::testing::PrintToString(faults);

  // A tampered copy is caught, so the check above has teeth.
  common::Block tampered = *block;
  tampered.mutable_data()->set_data(0, tampered.data().data(0) + std::string(1, '\0'));
  EXPECT_FALSE(protocol::VerifyBlock(tampered, std::string()).empty());
}

TEST_F(QuickstartGenesisTest, OrdererCanSignTheBlock) {
  const config::Org& orderer_org = *config::FindOrg(*scenario_, "OrdererOrg");
  auto signing = msp::LoadSigningIdentity(
      cryptogen::OrdererFolder(crypto_dir_, orderer_org, "orderer") + "/msp", orderer_org.mspid);
  ASSERT_TRUE(signing.ok()) << signing.status().ToString();
  protocol::KeySigner signer(signing->private_key(), signing->Serialize());
  GenesisOptions options;
  options.block_signer = &signer;
  auto block = Build(*scenario_, options);
  ASSERT_TRUE(block.ok()) << block.status().ToString();

  auto signature_set = protocol::BlockSignatureSet(*block);
  ASSERT_TRUE(signature_set.ok());
  EXPECT_EQ(signature_set->size(), 1u);
  EXPECT_TRUE(protocol::CheckOrdererSignatures(*block).empty());
  EXPECT_TRUE(protocol::VerifyBlock(*block, std::string()).empty());
  auto last_config = protocol::LastConfigIndex(*block);
  ASSERT_TRUE(last_config.ok());
  EXPECT_EQ(*last_config, 0u);
}

TEST_F(QuickstartGenesisTest, WrittenFileDecodesWithProtoc) {
  auto block = Build(*scenario_);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  TempDir temp;
  const std::string file = temp.Path("mychannel.block");
  ASSERT_TRUE(protocol::WriteBlockFile(file, *block).ok());

  const std::string decoded = temp.Path("decoded.txt");
  const std::string command = std::string(LOOM_PROTOC) + " --decode=common.Block -I " +
                              testing::Quote(std::string(LOOM_FABRIC_PROTOS_DIR) + "/protos") +
                              " common/common.proto < " + testing::Quote(file) + " > " +
                              testing::Quote(decoded) + " 2>&1";
  int status = std::system(command.c_str());
  auto output = ReadFile(decoded);
  ASSERT_TRUE(output.ok());
  ASSERT_EQ(status, 0) << *output;
  EXPECT_NE(output->find("data_hash: "), std::string::npos) << *output;
  EXPECT_NE(output->find("mychannel"), std::string::npos);
  EXPECT_NE(output->find("metadata {"), std::string::npos);

  auto config = ReadChannelConfigFile(file);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->channel_id, "mychannel");
}

TEST_F(QuickstartGenesisTest, MspValuesValidateTheGeneratedIdentities) {
  ChannelConfig config = BuildAndRead(*scenario_);
  for (const auto& [name, org_config] : config.application->orgs) {
    const config::Org& org = *config::FindOrg(*scenario_, name);
    auto msp_from_value = msp::Msp::FromFabricMspConfig(org_config.fabric_msp);
    ASSERT_TRUE(msp_from_value.ok()) << msp_from_value.status().ToString();
    EXPECT_EQ(msp_from_value->id(), org.mspid);
    EXPECT_TRUE(msp_from_value->node_ous_enabled());

    for (const auto& peer : org.peers) {
      auto identity = msp_from_value->IdentityFromCertificate(
          SignCert(cryptogen::PeerFolder(crypto_dir_, org, peer) + "/msp"));
      ASSERT_TRUE(identity.ok()) << identity.status().ToString();
      EXPECT_TRUE(identity->Validate().ok()) << identity->Validate().ToString();
      auto role = identity->Role();
      ASSERT_TRUE(role.ok());
      EXPECT_EQ(*role, msp::NodeRole::kPeer);
    }
    auto admin = msp_from_value->IdentityFromCertificate(
        SignCert(cryptogen::UserFolder(crypto_dir_, org, "Admin") + "/msp"));
    ASSERT_TRUE(admin.ok());
    EXPECT_TRUE(admin->Validate().ok());
    EXPECT_TRUE(msp_from_value->IsAdmin(*admin));
  }

  // Another org's peer is not a member.
  const config::Org& org2 = *config::FindOrg(*scenario_, "Org2");
  auto org1_msp = msp::Msp::FromFabricMspConfig(config.application->orgs.at("Org1").fabric_msp);
  ASSERT_TRUE(org1_msp.ok());
  auto stranger =
      org1_msp->IdentityFromCertificate(SignCert(cryptogen::PeerFolder(crypto_dir_, org2, "peer0") + "/msp"));
  EXPECT_FALSE(stranger.ok() && stranger->Validate().ok());

  // The orderer org's MSP validates the orderer node.
  const config::Org& orderer_org = *config::FindOrg(*scenario_, "OrdererOrg");
  auto orderer_msp = msp::Msp::FromFabricMspConfig(config.orderer->orgs.at("OrdererOrg").fabric_msp);
  ASSERT_TRUE(orderer_msp.ok());
  auto orderer_identity = orderer_msp->IdentityFromCertificate(
      SignCert(cryptogen::OrdererFolder(crypto_dir_, orderer_org, "orderer") + "/msp"));
  ASSERT_TRUE(orderer_identity.ok());
  EXPECT_TRUE(orderer_identity->Validate().ok());
  auto role = orderer_identity->Role();
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(*role, msp::NodeRole::kOrderer);
}

TEST_F(QuickstartGenesisTest, OptionsSetAddressesAndOptionalValues) {
  GenesisOptions options;
  options.node_addresses["orderer.example.com"] = {"127.0.0.1", 17050};
  options.node_addresses["peer0.org2.example.com"] = {"127.0.0.1", 27051};
  options.include_acls = false;
  options.include_orderer_addresses = false;
  ChannelConfig config = BuildAndRead(*scenario_, options);
  EXPECT_TRUE(config.orderer_addresses.empty());
  EXPECT_EQ(config.orderer->orgs.at("OrdererOrg").endpoints, std::vector<std::string>{"127.0.0.1:17050"});
  EXPECT_EQ(config.application->orgs.at("Org2").anchor_peers,
            (std::vector<OrgConfig::AnchorPeer>{{"127.0.0.1", 27051}}));
  EXPECT_EQ(config.application->orgs.at("Org1").anchor_peers,
            (std::vector<OrgConfig::AnchorPeer>{{"peer0.org1.example.com", 7051}}));
  EXPECT_TRUE(config.application->acls.empty());
  EXPECT_EQ(config.AllOrdererEndpoints(), std::vector<std::string>{"127.0.0.1:17050"});
}

TEST_F(QuickstartGenesisTest, ScenarioPoliciesOverrideTheDefaults) {
  config::Scenario scenario = *scenario_;
  scenario.channels[0].policies.endorsement = "AND('Org1MSP.peer', 'Org2MSP.peer')";
  scenario.channels[0].policies.admins = "ANY Admins";
  ChannelConfig config = BuildAndRead(scenario);
  const PolicyInfo* endorsement = config.FindPolicy("/Channel/Application/Endorsement");
  ASSERT_NE(endorsement, nullptr);
  EXPECT_EQ(endorsement->kind, PolicyInfo::Kind::kSignature);
  EXPECT_EQ(endorsement->text, "AND('Org1MSP.peer', 'Org2MSP.peer')");
  EXPECT_EQ(config.FindPolicy("/Channel/Application/Admins")->text, "ANY Admins");
  // Channel and orderer levels keep Fabric's defaults.
  EXPECT_EQ(config.FindPolicy("/Channel/Admins")->text, "MAJORITY Admins");
}

TEST_F(QuickstartGenesisTest, BatchSettingsComeFromTheScenario) {
  config::Scenario scenario = *scenario_;
  scenario.orderer.batch_timeout = std::chrono::milliseconds(1500);
  scenario.orderer.batch_size = {500, 2 * config::kMiB, 1 * config::kMiB};
  ChannelConfig config = BuildAndRead(scenario);
  EXPECT_EQ(config.orderer->batch_timeout, "1.5s");
  EXPECT_EQ(config.orderer->batch_timeout_duration, std::chrono::milliseconds(1500));
  EXPECT_EQ(config.orderer->max_message_count, 500u);
  EXPECT_EQ(config.orderer->absolute_max_bytes, 2u * 1024 * 1024);
  EXPECT_EQ(config.orderer->preferred_max_bytes, 1u * 1024 * 1024);
}

TEST_F(QuickstartGenesisTest, ErrorsNameWhatAndWhere) {
  {
    auto block = BuildGenesisBlock(*scenario_, "nochannel", crypto_dir_);
    ASSERT_FALSE(block.ok());
    EXPECT_TRUE(block.status().IsNotFound());
    EXPECT_EQ(block.status().message(),
              "channel 'nochannel' is not defined in the scenario (channels: mychannel)");
  }
  {
    TempDir empty;
    auto block = BuildGenesisBlock(*scenario_, "mychannel", empty.Path("crypto"));
    ASSERT_FALSE(block.ok());
    EXPECT_TRUE(block.status().IsNotFound());
    EXPECT_NE(block.status().message().find(empty.Path("crypto") + "/example.com/msp"), std::string::npos)
        << block.status().message();
  }
  {
    config::Scenario scenario = *scenario_;
    scenario.channels[0].policies.readers = "ANY";
    auto block = Build(scenario);
    ASSERT_FALSE(block.ok());
    EXPECT_EQ(block.status().message().rfind("channel mychannel: policies.readers: policy \"ANY\": ", 0), 0u)
        << block.status().message();
  }
  {
    config::Scenario scenario = *scenario_;
    scenario.orderer.batch_size.absolute_max_bytes = 5 * config::kGiB;
    auto block = Build(scenario);
    ASSERT_FALSE(block.ok());
    EXPECT_TRUE(block.status().IsInvalidArgument());
    EXPECT_NE(block.status().message().find("orderer.batch_size.absolute_max_bytes: 5368709120"),
              std::string::npos)
        << block.status().message();
  }
  {
    config::Scenario scenario = *scenario_;
    scenario.orgs[0].orderers.push_back("orderer2");
    auto block = Build(scenario);
    ASSERT_FALSE(block.ok());
    EXPECT_NE(block.status().message().find("solo runs exactly one orderer node"), std::string::npos)
        << block.status().message();
  }
  {
    config::Scenario scenario = *scenario_;
    scenario.channels[0].orgs.push_back("Org9");
    auto block = Build(scenario);
    ASSERT_FALSE(block.ok());
    EXPECT_EQ(block.status().message(),
              "channel mychannel: member org 'Org9' is not defined in the scenario");
  }
}

// Raft: three orderers; the consenters carry their TLS certificates.
TEST(RaftGenesisTest, ConsentersAndOptions) {
  config::Scenario scenario = LoadQuickstart();
  scenario.orderer.type = config::OrdererType::kRaft;
  scenario.orgs[0].orderers = {"orderer0", "orderer1", "orderer2"};
  ASSERT_EQ(scenario.orgs[0].name, "OrdererOrg");
  TempDir temp;
  const std::string crypto_dir = temp.Path("crypto");
  auto generated = cryptogen::GenerateCrypto(scenario, crypto_dir);
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();

  GenesisOptions options;
  options.node_addresses["orderer1.example.com"] = {"127.0.0.1", 7150};
  options.node_addresses["orderer2.example.com"] = {"127.0.0.1", 7250};
  options.cluster_addresses["orderer2.example.com"] = {"127.0.0.1", 7251};  // its own cluster port
  auto block = BuildGenesisBlock(scenario, "mychannel", crypto_dir, options);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  auto config = ReadChannelConfig(*block);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const OrdererConfig& orderer = *config->orderer;
  EXPECT_EQ(orderer.consensus_type, "etcdraft");
  EXPECT_FALSE(orderer.maintenance_mode);
  ASSERT_EQ(orderer.raft_consenters.size(), 3u);
  const config::Org& org = scenario.orgs[0];
  const std::vector<std::pair<std::string, uint32_t>> addresses = {
      {"orderer0.example.com", 7050}, {"127.0.0.1", 7150}, {"127.0.0.1", 7251}};
  for (size_t i = 0; i < 3; ++i) {
    const EtcdRaftConsenter& consenter = orderer.raft_consenters[i];
    EXPECT_EQ(consenter.host, addresses[i].first);
    EXPECT_EQ(consenter.port, addresses[i].second);
    auto cert = ReadFile(ConsenterTlsCertPath(crypto_dir, org, org.orderers[i]));
    ASSERT_TRUE(cert.ok());
    EXPECT_EQ(consenter.server_tls_cert, *cert);
    EXPECT_EQ(consenter.client_tls_cert, *cert);
    auto parsed = crypto::Certificate::FromPem(consenter.server_tls_cert);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->CommonName(), config::NodeFqdn(org.orderers[i], org.domain));
  }
  ASSERT_TRUE(orderer.raft_options.has_value());
  EXPECT_EQ(orderer.raft_options->tick_interval, "500ms");
  EXPECT_EQ(orderer.raft_options->tick_interval_duration, scenario.orderer.raft.tick_interval);
  EXPECT_EQ(orderer.raft_options->election_tick, scenario.orderer.raft.election_tick);
  EXPECT_EQ(orderer.raft_options->heartbeat_tick, scenario.orderer.raft.heartbeat_tick);
  EXPECT_EQ(orderer.raft_options->max_inflight_blocks, scenario.orderer.raft.max_inflight_blocks);
  EXPECT_EQ(orderer.raft_options->snapshot_interval_size, scenario.orderer.raft.snapshot_interval_size);
  EXPECT_EQ(orderer.raft_options->snapshot_interval_size, 16u * 1024 * 1024);
  EXPECT_EQ(orderer.orgs.at("OrdererOrg").endpoints,
            (std::vector<std::string>{"orderer0.example.com:7050", "127.0.0.1:7150", "127.0.0.1:7250"}));
  EXPECT_EQ(config->orderer_addresses, orderer.orgs.at("OrdererOrg").endpoints);

  // A missing TLS certificate is named.
  fs::remove(ConsenterTlsCertPath(crypto_dir, org, "orderer2"));
  auto broken = BuildGenesisBlock(scenario, "mychannel", crypto_dir);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("raft consenter orderer2.example.com: TLS certificate"),
            std::string::npos)
      << broken.status().message();
  EXPECT_NE(broken.status().message().find(ConsenterTlsCertPath(crypto_dir, org, "orderer2")),
            std::string::npos)
      << broken.status().message();
}

TEST(GenesisBlockFromConfigTest, RejectsANonZeroSequence) {
  common::Config config;
  config.set_sequence(3);
  auto block = BuildGenesisBlockFromConfig(config, "ch");
  ASSERT_FALSE(block.ok());
  EXPECT_NE(block.status().message().find("sequence must be 0"), std::string::npos);
  EXPECT_FALSE(BuildGenesisBlockFromConfig(common::Config(), "").ok());
}

}  // namespace
}  // namespace loom::channelconfig
