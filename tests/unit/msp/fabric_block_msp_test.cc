// The MSPs of a real Fabric channel (sample_prod block 0) validate the creator
// of the channel's first transaction (block 1), as Fabric did.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/common.pb.h"
#include "common/configtx.pb.h"
#include "core/crypto/hash.h"
#include "core/msp/identity.h"
#include "core/msp/msp.h"
#include "core/msp/msp_manager.h"
#include "core/util/file_util.h"
#include "msp/msp_config.pb.h"

namespace loom::msp {
namespace {

namespace fs = std::filesystem;

const fs::path kBlocks = fs::path(LOOM_FABRIC_BLOCKS_DIR) / "sample_prod";

common::Block ReadBlock(int number) {
  common::Block block;
  auto bytes = ReadFile((kBlocks / ("block" + std::to_string(number) + ".block")).string());
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_TRUE(block.ParseFromString(*bytes));
  return block;
}

common::Payload EnvelopePayload(const common::Block& block, int index, common::Envelope* envelope) {
  EXPECT_TRUE(envelope->ParseFromString(block.data().data(index)));
  common::Payload payload;
  EXPECT_TRUE(payload.ParseFromString(envelope->payload()));
  return payload;
}

// Every org group's MSP value under Channel/<group>.
std::vector<Msp> ChannelMsps(const common::ConfigGroup& channel, const std::string& group_name) {
  std::vector<Msp> msps;
  for (const auto& [org_name, org] : channel.groups().at(group_name).groups()) {
    ::msp::MSPConfig msp_config;
    EXPECT_TRUE(msp_config.ParseFromString(org.values().at("MSP").value()));
    auto msp = Msp::FromMspConfig(msp_config);
    EXPECT_TRUE(msp.ok()) << org_name << ": " << msp.status().ToString();
    if (msp.ok()) msps.push_back(*msp);
  }
  return msps;
}

common::MSPPrincipal Role(const std::string& mspid, common::MSPRole::MSPRoleType role) {
  common::MSPRole msp_role;
  msp_role.set_msp_identifier(mspid);
  msp_role.set_role(role);
  common::MSPPrincipal principal;
  principal.set_principal(msp_role.SerializeAsString());
  return principal;
}

TEST(FabricBlockMspTest, GenesisMspsValidateTheFirstTransactionsCreator) {
  if (!fs::exists(kBlocks / "block0.block")) GTEST_SKIP() << "no Fabric blocks at " << kBlocks;

  common::Envelope config_envelope_bytes;
  common::Payload config_payload = EnvelopePayload(ReadBlock(0), 0, &config_envelope_bytes);
  common::ConfigEnvelope config_envelope;
  ASSERT_TRUE(config_envelope.ParseFromString(config_payload.data()));
  const common::ConfigGroup& channel = config_envelope.config().channel_group();

  std::vector<Msp> application = ChannelMsps(channel, "Application");
  std::vector<Msp> orderer = ChannelMsps(channel, "Orderer");
  ASSERT_EQ(application.size(), 1u);
  ASSERT_EQ(orderer.size(), 1u);
  EXPECT_EQ(application[0].id(), "SampleOrg");
  EXPECT_FALSE(application[0].node_ous_enabled());
  EXPECT_EQ(application[0].admin_certs().size(), 1u);
  EXPECT_EQ(application[0].tls_intermediate_certs().size(), 1u);
  auto manager = MspManager::Create(application);
  ASSERT_TRUE(manager.ok());

  common::Envelope envelope;
  common::Payload payload = EnvelopePayload(ReadBlock(1), 0, &envelope);
  common::ChannelHeader channel_header;
  ASSERT_TRUE(channel_header.ParseFromString(payload.header().channel_header()));
  common::SignatureHeader signature_header;
  ASSERT_TRUE(signature_header.ParseFromString(payload.header().signature_header()));

  auto creator = manager->DeserializeIdentity(signature_header.creator());
  ASSERT_TRUE(creator.ok()) << creator.status().ToString();
  EXPECT_EQ(creator->certificate().CommonName(), "peer0.org1.example.com");

  // The certificates may have expired by now: judge at the transaction's time.
  Clock::time_point tx_time = Clock::from_time_t(channel_header.timestamp().seconds());
  Status valid = creator->Validate(tx_time);
  EXPECT_TRUE(valid.ok()) << valid.ToString();
  EXPECT_TRUE(creator->Verify(envelope.payload(), envelope.signature()).ok());
  std::string tampered = envelope.payload();
  tampered[tampered.size() / 2] ^= 0x01;
  EXPECT_FALSE(creator->Verify(tampered, envelope.signature()).ok());

  // Fabric's sample org lists the creator as admin and requires the OU "COP".
  EXPECT_TRUE(creator->SatisfiesPrincipal(Role("SampleOrg", common::MSPRole::MEMBER), tx_time).ok());
  EXPECT_TRUE(creator->SatisfiesPrincipal(Role("SampleOrg", common::MSPRole::ADMIN), tx_time).ok());
  EXPECT_FALSE(creator->SatisfiesPrincipal(Role("SampleOrg", common::MSPRole::PEER), tx_time).ok());
  EXPECT_FALSE(creator->Validate(creator->certificate().NotAfter() + std::chrono::hours(1)).ok());
  EXPECT_EQ(creator->Role().status().code(), Status::Code::kFailedPrecondition);

  common::OrganizationUnit unit;
  unit.set_msp_identifier("SampleOrg");
  unit.set_organizational_unit_identifier("COP");
  unit.set_certifiers_identifier(crypto::Sha256(application[0].root_certs()[0].ToDer()));
  common::MSPPrincipal ou_principal;
  ou_principal.set_principal_classification(common::MSPPrincipal::ORGANIZATION_UNIT);
  ou_principal.set_principal(unit.SerializeAsString());
  EXPECT_TRUE(creator->SatisfiesPrincipal(ou_principal, tx_time).ok());
}

}  // namespace
}  // namespace loom::msp
