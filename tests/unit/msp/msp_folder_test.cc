// MSP folders: loading, config.yaml, signing identities, FabricMSPConfig.
#include "core/msp/msp_folder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/msp/identity.h"
#include "core/msp/msp_config_yaml.h"
#include "core/msp/signing_identity.h"
#include "core/util/file_util.h"
#include "tests/unit/msp/msp_test_util.h"

namespace loom::msp {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::IssuedIdentity;
using testing::IssueOptions;
using testing::TempDir;
using testing::TestOrg;
using testing::WriteText;

IssueOptions WithOus(std::vector<std::string> ous) {
  IssueOptions options;
  options.ous = std::move(ous);
  return options;
}

class MspFolderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { org_ = new TestOrg("org1.example.com"); }
  static void TearDownTestSuite() { delete org_; }

  void SetUp() override {
    peer_ = org_->Issue("peer0.org1.example.com", WithOus({"peer"}));
    dir_ = temp_.path() / "msp";
    org_->WriteFolder(dir_, peer_);
  }

  static TestOrg* org_;
  TempDir temp_;
  fs::path dir_;
  IssuedIdentity peer_;
};

TestOrg* MspFolderTest::org_ = nullptr;

TEST_F(MspFolderTest, LoadsFolderAndSigningIdentity) {
  auto msp = LoadMspFolder(dir_.string(), "Org1MSP");
  ASSERT_TRUE(msp.ok()) << msp.status().ToString();
  EXPECT_EQ(msp->id(), "Org1MSP");
  EXPECT_TRUE(msp->node_ous_enabled());
  ASSERT_EQ(msp->root_certs().size(), 1u);
  EXPECT_EQ(msp->root_certs()[0], org_->root());
  EXPECT_EQ(msp->tls_root_certs().size(), 1u);

  auto signer = LoadSigningIdentity(dir_.string(), "Org1MSP");
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(signer->identity().certificate(), peer_.certificate);
  EXPECT_EQ(*signer->identity().Role(), NodeRole::kPeer);
  auto signature = signer->Sign("hello");
  ASSERT_TRUE(signature.ok());
  auto verifier = msp->DeserializeIdentity(signer->Serialize());
  ASSERT_TRUE(verifier.ok());
  EXPECT_TRUE(verifier->Verify("hello", *signature).ok());
}

TEST_F(MspFolderTest, MissingCacertsIsNamed) {
  fs::remove_all(dir_ / "cacerts");
  auto msp = LoadMspFolder(dir_.string(), "Org1MSP");
  EXPECT_FALSE(msp.ok());
  EXPECT_THAT(msp.status().message(), HasSubstr((dir_ / "cacerts").string()));
  EXPECT_THAT(msp.status().message(), HasSubstr("missing or empty"));
  EXPECT_TRUE(LoadMspFolder((temp_.path() / "nowhere").string(), "Org1MSP").status().IsNotFound());
}

TEST_F(MspFolderTest, GarbageCertificateNamesTheFile) {
  WriteText(dir_ / "cacerts" / "junk.pem", "this is not a certificate\n");
  auto msp = LoadMspFolder(dir_.string(), "Org1MSP");
  EXPECT_TRUE(msp.status().IsInvalidArgument());
  EXPECT_THAT(msp.status().message(), HasSubstr("junk.pem"));
}

TEST_F(MspFolderTest, MalformedConfigYamlGivesPosition) {
  WriteText(dir_ / "config.yaml", "NodeOUs:\n  Enable: [true\n");
  auto msp = LoadMspFolder(dir_.string(), "Org1MSP");
  EXPECT_TRUE(msp.status().IsInvalidArgument());
  EXPECT_THAT(msp.status().message(), HasSubstr("config.yaml:"));

  WriteText(dir_ / "config.yaml", "NodeOUs:\n  Enabled: true\n");
  msp = LoadMspFolder(dir_.string(), "Org1MSP");
  EXPECT_THAT(msp.status().message(), HasSubstr("config.yaml:2:3: NodeOUs: unknown key 'Enabled'"));

  WriteText(dir_ / "config.yaml", "NodeOUs:\n  Enable: maybe\n");
  msp = LoadMspFolder(dir_.string(), "Org1MSP");
  EXPECT_THAT(msp.status().message(), HasSubstr("NodeOUs.Enable: expected true or false"));

  WriteText(dir_ / "config.yaml",
            "NodeOUs:\n  Enable: true\n  PeerOUIdentifier:\n    Certificate: cacerts/missing.pem\n"
            "    OrganizationalUnitIdentifier: peer\n");
  msp = LoadMspFolder(dir_.string(), "Org1MSP");
  EXPECT_THAT(msp.status().message(), HasSubstr("NodeOUs.PeerOUIdentifier"));
  EXPECT_THAT(msp.status().message(), HasSubstr("missing.pem"));
}

TEST_F(MspFolderTest, KeyThatDoesNotMatchTheSigncertIsReported) {
  IssuedIdentity other = org_->Issue("peer1.org1.example.com", WithOus({"peer"}));
  WriteText(dir_ / "keystore" / "priv_sk", other.key.ToPem());
  auto msp = LoadMspFolder(dir_.string(), "Org1MSP");
  EXPECT_TRUE(msp.status().IsInvalidArgument());
  EXPECT_THAT(msp.status().message(), HasSubstr("no private key matches"));
  EXPECT_FALSE(LoadSigningIdentity(dir_.string(), "Org1MSP").ok());

  WriteText(dir_ / "keystore" / "priv_sk", "garbage");
  EXPECT_THAT(LoadMspFolder(dir_.string(), "Org1MSP").status().message(), HasSubstr("priv_sk"));
}

TEST_F(MspFolderTest, SigningIdentityNeedsAKeystore) {
  fs::remove_all(dir_ / "keystore");
  EXPECT_TRUE(LoadMspFolder(dir_.string(), "Org1MSP").ok());  // a verifying MSP needs no key
  auto signer = LoadSigningIdentity(dir_.string(), "Org1MSP");
  EXPECT_TRUE(signer.status().IsNotFound());
  EXPECT_THAT(signer.status().message(), HasSubstr("keystore"));
}

TEST_F(MspFolderTest, FabricMspConfigRoundTrip) {
  auto config = ToFabricMspConfig(dir_.string(), "Org1MSP");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->name(), "Org1MSP");
  ASSERT_EQ(config->root_certs_size(), 1);
  EXPECT_EQ(config->root_certs(0), *ReadFile((dir_ / "cacerts" / "ca.org1.example.com-cert.pem").string()));
  EXPECT_EQ(config->tls_root_certs_size(), 1);
  EXPECT_EQ(config->admins_size(), 0);
  EXPECT_FALSE(config->has_signing_identity());
  EXPECT_EQ(config->crypto_config().signature_hash_family(), "SHA2");
  EXPECT_EQ(config->crypto_config().identity_identifier_hash_function(), "SHA256");
  ASSERT_TRUE(config->fabric_node_ous().enable());
  EXPECT_EQ(config->fabric_node_ous().peer_ou_identifier().organizational_unit_identifier(), "peer");
  EXPECT_EQ(config->fabric_node_ous().admin_ou_identifier().certificate(), config->root_certs(0));

  // Through the wire and back: the proto-built MSP judges like the folder one.
  ::msp::MSPConfig wrapped;
  wrapped.set_config(config->SerializeAsString());
  ::msp::MSPConfig decoded;
  ASSERT_TRUE(decoded.ParseFromString(wrapped.SerializeAsString()));
  auto from_proto = Msp::FromMspConfig(decoded);
  ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
  auto from_folder = LoadMspFolder(dir_.string(), "Org1MSP");
  ASSERT_TRUE(from_folder.ok());

  TestOrg stranger("org2.example.com");
  std::vector<crypto::Certificate> certs = {
      peer_.certificate, org_->Issue("Admin@org1.example.com", WithOus({"admin"})).certificate,
      org_->Issue("nobody.org1.example.com", WithOus({"COP"})).certificate,
      stranger.Issue("peer0.org2.example.com", WithOus({"peer"})).certificate};
  for (const auto& cert : certs) {
    auto a = from_proto->IdentityFromCertificate(cert);
    auto b = from_folder->IdentityFromCertificate(cert);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->Validate().ok(), b->Validate().ok()) << cert.SubjectString();
    EXPECT_EQ(a->Role().ok(), b->Role().ok());
    if (a->Role().ok()) {
      EXPECT_EQ(*a->Role(), *b->Role());
    }
  }
  EXPECT_TRUE(from_proto->IdentityFromCertificate(certs[0])->Validate().ok());
  EXPECT_FALSE(from_proto->IdentityFromCertificate(certs[2])->Validate().ok());
  EXPECT_FALSE(from_proto->IdentityFromCertificate(certs[3])->Validate().ok());
}

TEST(MspConfigYamlTest, ParsesCryptogenOutputAndOuIdentifiers) {
  auto config = ParseMspConfigYaml(NodeOusConfigYaml("cacerts/ca.example.com-cert.pem"), "config.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->node_ous_enabled);
  ASSERT_TRUE(config->client_ou && config->peer_ou && config->admin_ou && config->orderer_ou);
  EXPECT_EQ(config->orderer_ou->organizational_unit_identifier, "orderer");
  EXPECT_EQ(config->admin_ou->certificate, "cacerts/ca.example.com-cert.pem");

  auto ous = ParseMspConfigYaml(
      "OrganizationalUnitIdentifiers:\n  - Certificate: cacerts/ca.pem\n    OrganizationalUnitIdentifier: "
      "COP\n",
      "c.yaml");
  ASSERT_TRUE(ous.ok());
  ASSERT_EQ(ous->organizational_unit_identifiers.size(), 1u);
  EXPECT_EQ(ous->organizational_unit_identifiers[0].organizational_unit_identifier, "COP");
  EXPECT_FALSE(ous->node_ous_enabled);

  EXPECT_TRUE(ParseMspConfigYaml("", "empty.yaml").ok());
  EXPECT_THAT(ParseMspConfigYaml("- a\n- b\n", "list.yaml").status().message(),
              HasSubstr("list.yaml:1:1: config: expected a mapping"));
  EXPECT_THAT(ParseMspConfigYaml("OrganizationalUnitIdentifiers: 3\n", "x.yaml").status().message(),
              HasSubstr("expected a list"));
}

}  // namespace
}  // namespace loom::msp
