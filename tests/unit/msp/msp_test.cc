// Msp: validation, NodeOU roles, principals, expiry, signatures, serialization.
#include "core/msp/msp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/crypto/hash.h"
#include "core/msp/identity.h"
#include "core/msp/msp_manager.h"
#include "core/msp/serialized_identity.h"
#include "core/msp/signing_identity.h"
#include "tests/unit/msp/msp_test_util.h"

namespace loom::msp {
namespace {

using ::testing::HasSubstr;
using testing::IssuedIdentity;
using testing::IssueOptions;
using testing::TestOrg;

Msp MustMsp(const ::msp::FabricMSPConfig& config) {
  auto msp = Msp::FromFabricMspConfig(config);
  EXPECT_TRUE(msp.ok()) << msp.status().ToString();
  return std::move(msp).value();
}

Identity MustIdentity(const Msp& msp, const crypto::Certificate& cert) {
  auto identity = msp.IdentityFromCertificate(cert);
  EXPECT_TRUE(identity.ok()) << identity.status().ToString();
  return std::move(identity).value();
}

IssueOptions WithOus(std::vector<std::string> ous) {
  IssueOptions options;
  options.ous = std::move(ous);
  return options;
}

common::MSPPrincipal RolePrincipal(const std::string& mspid, common::MSPRole::MSPRoleType role) {
  common::MSPRole msp_role;
  msp_role.set_msp_identifier(mspid);
  msp_role.set_role(role);
  common::MSPPrincipal principal;
  principal.set_principal_classification(common::MSPPrincipal::ROLE);
  principal.set_principal(msp_role.SerializeAsString());
  return principal;
}

common::MSPPrincipal OuPrincipal(const std::string& mspid, const std::string& ou,
                                 const std::string& certifiers) {
  common::OrganizationUnit unit;
  unit.set_msp_identifier(mspid);
  unit.set_organizational_unit_identifier(ou);
  unit.set_certifiers_identifier(certifiers);
  common::MSPPrincipal principal;
  principal.set_principal_classification(common::MSPPrincipal::ORGANIZATION_UNIT);
  principal.set_principal(unit.SerializeAsString());
  return principal;
}

common::MSPPrincipal IdentityPrincipal(const std::string& serialized) {
  common::MSPPrincipal principal;
  principal.set_principal_classification(common::MSPPrincipal::IDENTITY);
  principal.set_principal(serialized);
  return principal;
}

// One org with NodeOUs and one identity per role.
class NodeOuMspTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    org_ = new TestOrg("org1.example.com");
    other_org_ = new TestOrg("org2.example.com");
  }
  static void TearDownTestSuite() {
    delete org_;
    delete other_org_;
  }

  void SetUp() override {
    msp_ = MustMsp(org_->Config("Org1MSP", /*node_ous=*/true));
    peer_ = org_->Issue("peer0.org1.example.com", WithOus({"peer"}));
    client_ = org_->Issue("User1@org1.example.com", WithOus({"client"}));
    admin_ = org_->Issue("Admin@org1.example.com", WithOus({"admin"}));
    orderer_ = org_->Issue("orderer.org1.example.com", WithOus({"orderer"}));
  }

  static TestOrg* org_;
  static TestOrg* other_org_;
  Msp msp_;
  IssuedIdentity peer_, client_, admin_, orderer_;
};

TestOrg* NodeOuMspTest::org_ = nullptr;
TestOrg* NodeOuMspTest::other_org_ = nullptr;

TEST_F(NodeOuMspTest, ValidatesAndClassifiesEveryRole) {
  EXPECT_TRUE(msp_.node_ous_enabled());
  struct Case {
    const IssuedIdentity* issued;
    NodeRole role;
  };
  for (const Case& c : {Case{&peer_, NodeRole::kPeer}, Case{&client_, NodeRole::kClient},
                        Case{&admin_, NodeRole::kAdmin}, Case{&orderer_, NodeRole::kOrderer}}) {
    Identity identity = MustIdentity(msp_, c.issued->certificate);
    EXPECT_TRUE(identity.Validate().ok()) << identity.Validate().ToString();
    auto role = identity.Role();
    ASSERT_TRUE(role.ok()) << role.status().ToString();
    EXPECT_EQ(*role, c.role) << identity.Describe();
    EXPECT_EQ(msp_.IsAdmin(identity), c.role == NodeRole::kAdmin);
  }
}

TEST_F(NodeOuMspTest, RolePrincipalsMatchTheNodeOu) {
  using Role = common::MSPRole;
  struct Case {
    const IssuedIdentity* issued;
    Role::MSPRoleType own_role;
  };
  const Role::MSPRoleType all_roles[] = {Role::MEMBER, Role::ADMIN, Role::CLIENT, Role::PEER, Role::ORDERER};
  for (const Case& c : {Case{&peer_, Role::PEER}, Case{&client_, Role::CLIENT}, Case{&admin_, Role::ADMIN},
                        Case{&orderer_, Role::ORDERER}}) {
    Identity identity = MustIdentity(msp_, c.issued->certificate);
    for (Role::MSPRoleType role : all_roles) {
      Status status = identity.SatisfiesPrincipal(RolePrincipal("Org1MSP", role));
      bool expected = role == Role::MEMBER || role == c.own_role;
      EXPECT_EQ(status.ok(), expected)
          << identity.Describe() << " role " << role << ": " << status.ToString();
      if (!expected) {
        EXPECT_TRUE(status.IsPermissionDenied()) << status.ToString();
      }
    }
  }
}

TEST_F(NodeOuMspTest, PrincipalOfAnotherMspIsNeverSatisfied) {
  Identity peer = MustIdentity(msp_, peer_.certificate);
  Status status = peer.SatisfiesPrincipal(RolePrincipal("Org2MSP", common::MSPRole::MEMBER));
  EXPECT_TRUE(status.IsPermissionDenied());
  EXPECT_THAT(status.message(), HasSubstr("Org2MSP"));
  EXPECT_FALSE(peer.SatisfiesPrincipal(OuPrincipal("Org2MSP", "peer", "")).ok());
}

TEST_F(NodeOuMspTest, IdentityPrincipalNeedsTheSameCertificate) {
  Identity peer = MustIdentity(msp_, peer_.certificate);
  Identity client = MustIdentity(msp_, client_.certificate);
  EXPECT_TRUE(peer.SatisfiesPrincipal(IdentityPrincipal(peer.serialized())).ok());
  Status status = client.SatisfiesPrincipal(IdentityPrincipal(peer.serialized()));
  EXPECT_TRUE(status.IsPermissionDenied()) << status.ToString();
  // Same certificate under another MSP id is another identity.
  Status other =
      peer.SatisfiesPrincipal(IdentityPrincipal(EncodeSerializedIdentity("Org2MSP", peer.id_bytes())));
  EXPECT_TRUE(other.IsPermissionDenied()) << other.ToString();
}

TEST_F(NodeOuMspTest, OrganizationUnitPrincipalChecksOuAndCertifiers) {
  Identity peer = MustIdentity(msp_, peer_.certificate);
  std::string root_chain = crypto::Sha256(org_->root().ToDer());
  EXPECT_TRUE(peer.SatisfiesPrincipal(OuPrincipal("Org1MSP", "peer", root_chain)).ok());
  EXPECT_FALSE(peer.SatisfiesPrincipal(OuPrincipal("Org1MSP", "client", root_chain)).ok());
  EXPECT_FALSE(peer.SatisfiesPrincipal(OuPrincipal("Org1MSP", "peer", crypto::Sha256("other chain"))).ok());
}

TEST_F(NodeOuMspTest, AnonymityAndCombinedPrincipals) {
  Identity peer = MustIdentity(msp_, peer_.certificate);
  common::MSPIdentityAnonymity anonymity;
  anonymity.set_anonymity_type(common::MSPIdentityAnonymity::NOMINAL);
  common::MSPPrincipal nominal;
  nominal.set_principal_classification(common::MSPPrincipal::ANONYMITY);
  nominal.set_principal(anonymity.SerializeAsString());
  EXPECT_TRUE(peer.SatisfiesPrincipal(nominal).ok());
  anonymity.set_anonymity_type(common::MSPIdentityAnonymity::ANONYMOUS);
  common::MSPPrincipal anonymous = nominal;
  anonymous.set_principal(anonymity.SerializeAsString());
  EXPECT_FALSE(peer.SatisfiesPrincipal(anonymous).ok());

  common::CombinedPrincipal both;
  *both.add_principals() = RolePrincipal("Org1MSP", common::MSPRole::PEER);
  *both.add_principals() = nominal;
  common::MSPPrincipal combined;
  combined.set_principal_classification(common::MSPPrincipal::COMBINED);
  combined.set_principal(both.SerializeAsString());
  EXPECT_TRUE(peer.SatisfiesPrincipal(combined).ok());
  *both.add_principals() = RolePrincipal("Org1MSP", common::MSPRole::CLIENT);
  combined.set_principal(both.SerializeAsString());
  EXPECT_FALSE(peer.SatisfiesPrincipal(combined).ok());
}

TEST_F(NodeOuMspTest, MalformedPrincipalIsInvalidArgument) {
  Identity peer = MustIdentity(msp_, peer_.certificate);
  common::MSPPrincipal principal;
  principal.set_principal_classification(common::MSPPrincipal::ROLE);
  principal.set_principal("\xff\xff\xff");
  EXPECT_TRUE(peer.SatisfiesPrincipal(principal).IsInvalidArgument());
}

TEST_F(NodeOuMspTest, IdentityFromAnotherOrgsCaFailsWithClearMessage) {
  IssuedIdentity stranger = other_org_->Issue("peer0.org2.example.com", WithOus({"peer"}));
  Identity identity = MustIdentity(msp_, stranger.certificate);  // claims Org1MSP
  Status status = identity.Validate();
  EXPECT_TRUE(status.IsPermissionDenied());
  EXPECT_THAT(status.message(), HasSubstr("not certified by a CA of MSP 'Org1MSP'"));
  EXPECT_THAT(status.message(), HasSubstr("ca.org2.example.com"));
  EXPECT_FALSE(identity.SatisfiesPrincipal(RolePrincipal("Org1MSP", common::MSPRole::MEMBER)).ok());
  EXPECT_FALSE(identity.Role().ok());
}

TEST_F(NodeOuMspTest, ExpiredAndNotYetValidCertificatesFail) {
  auto now = Clock::now();
  IssueOptions expired = WithOus({"peer"});
  expired.not_before = now - std::chrono::hours(24 * 400);
  expired.not_after = now - std::chrono::hours(24 * 30);
  Identity identity = MustIdentity(msp_, org_->Issue("old.org1.example.com", expired).certificate);
  Status status = identity.Validate(now);
  EXPECT_TRUE(status.IsPermissionDenied());
  EXPECT_THAT(status.message(), HasSubstr("expired at"));
  // Validation is against an explicit time: inside the window it passes
  // (and the cached chain check does not leak the earlier result).
  EXPECT_TRUE(identity.Validate(now - std::chrono::hours(24 * 100)).ok());
  EXPECT_FALSE(identity.Validate(now).ok());
  EXPECT_FALSE(identity.SatisfiesPrincipal(RolePrincipal("Org1MSP", common::MSPRole::MEMBER), now).ok());

  IssueOptions future = WithOus({"peer"});
  future.not_before = now + std::chrono::hours(24);
  future.not_after = now + std::chrono::hours(48);
  Identity early = MustIdentity(msp_, org_->Issue("new.org1.example.com", future).certificate);
  EXPECT_THAT(early.Validate(now).message(), HasSubstr("not valid before"));
}

TEST_F(NodeOuMspTest, TamperedSignatureFails) {
  auto signer = SigningIdentity::Create(MustIdentity(msp_, peer_.certificate), peer_.key);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  auto signature = signer->Sign("proposal bytes");
  ASSERT_TRUE(signature.ok());
  const Identity& identity = signer->identity();
  EXPECT_TRUE(identity.Verify("proposal bytes", *signature).ok());
  EXPECT_TRUE(identity.Verify("proposal bytez", *signature).IsPermissionDenied());
  std::string tampered = *signature;
  tampered[tampered.size() - 1] ^= 0x01;
  EXPECT_FALSE(identity.Verify("proposal bytes", tampered).ok());
  // Another identity's key does not verify it either.
  EXPECT_FALSE(MustIdentity(msp_, client_.certificate).Verify("proposal bytes", *signature).ok());
  // A key that is not the certificate's is refused.
  EXPECT_TRUE(SigningIdentity::Create(identity, client_.key).status().IsInvalidArgument());
}

TEST_F(NodeOuMspTest, SerializeDeserializeRoundTrip) {
  Identity peer = MustIdentity(msp_, peer_.certificate);
  auto parts = DecodeSerializedIdentity(peer.serialized());
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->mspid, "Org1MSP");
  EXPECT_EQ(parts->id_bytes, peer_.certificate.ToPem());
  EXPECT_EQ(EncodeSerializedIdentity(parts->mspid, parts->id_bytes), peer.serialized());

  auto again = msp_.DeserializeIdentity(peer.serialized());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->certificate(), peer_.certificate);
  EXPECT_EQ(again->public_key(), peer_.key.public_key());
  EXPECT_EQ(again->serialized(), peer.serialized());

  EXPECT_TRUE(msp_.DeserializeIdentity("garbage\xff").status().IsInvalidArgument());
  auto not_pem = msp_.DeserializeIdentity(EncodeSerializedIdentity("Org1MSP", "not a certificate"));
  EXPECT_TRUE(not_pem.status().IsInvalidArgument());
  EXPECT_THAT(not_pem.status().message(), HasSubstr("id_bytes is not a PEM certificate"));
  auto foreign = msp_.DeserializeIdentity(EncodeSerializedIdentity("Org2MSP", peer.id_bytes()));
  EXPECT_TRUE(foreign.status().IsPermissionDenied());
  EXPECT_THAT(foreign.status().message(), HasSubstr("Org2MSP"));
}

TEST_F(NodeOuMspTest, ManagerFindsTheMspOrNamesTheUnknownId) {
  Msp org2 = MustMsp(other_org_->Config("Org2MSP", true));
  auto manager = MspManager::Create({msp_, org2});
  ASSERT_TRUE(manager.ok());
  EXPECT_EQ(manager->MspIds(), (std::vector<std::string>{"Org1MSP", "Org2MSP"}));

  IssuedIdentity org2_peer = other_org_->Issue("peer0.org2.example.com", WithOus({"peer"}));
  auto identity =
      manager->DeserializeIdentity(EncodeSerializedIdentity("Org2MSP", org2_peer.certificate.ToPem()));
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->mspid(), "Org2MSP");
  EXPECT_TRUE(identity->Validate().ok());

  auto unknown =
      manager->DeserializeIdentity(EncodeSerializedIdentity("Org9MSP", org2_peer.certificate.ToPem()));
  EXPECT_TRUE(unknown.status().IsNotFound());
  EXPECT_THAT(unknown.status().message(), HasSubstr("'Org9MSP'"));

  auto bad_cert =
      manager->DeserializeIdentity(EncodeSerializedIdentity("Org2MSP", "-----BEGIN CERTIFICATE-----\n"));
  EXPECT_TRUE(bad_cert.status().IsInvalidArgument());
  EXPECT_THAT(bad_cert.status().message(), HasSubstr("Org2MSP"));

  EXPECT_FALSE(MspManager::Create({msp_, msp_}).ok());
}

TEST_F(NodeOuMspTest, NodeOuMustBeExactlyOne) {
  Identity none = MustIdentity(msp_, org_->Issue("x.org1.example.com", WithOus({"COP"})).certificate);
  EXPECT_THAT(none.Validate().message(), HasSubstr("none of the NodeOU roles"));
  Identity two =
      MustIdentity(msp_, org_->Issue("y.org1.example.com", WithOus({"peer", "client"})).certificate);
  EXPECT_THAT(two.Validate().message(), HasSubstr("exactly one of client, peer, admin or orderer"));
}

TEST_F(NodeOuMspTest, CaCertificateIsNotAnIdentity) {
  IssueOptions ca = WithOus({"peer"});
  ca.as_ca = true;
  Identity identity = MustIdentity(msp_, org_->Issue("sub.org1.example.com", ca).certificate);
  EXPECT_THAT(identity.Validate().message(), HasSubstr("CA certificate"));
}

TEST_F(NodeOuMspTest, ConcurrentValidationAgrees) {
  Identity peer = MustIdentity(msp_, peer_.certificate);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto identity = msp_.DeserializeIdentity(peer.serialized());
        if (!identity.ok() || !identity->Validate().ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(MspTest, IntermediateCaIdentitiesValidate) {
  TestOrg org("org3.example.com");
  Msp msp = MustMsp(org.Config("Org3MSP", true, {}, /*with_intermediate=*/true));
  IssueOptions options = WithOus({"peer"});
  options.from_intermediate = true;
  Identity peer = MustIdentity(msp, org.Issue("peer0.org3.example.com", options).certificate);
  EXPECT_TRUE(peer.Validate().ok()) << peer.Validate().ToString();
  std::string chain = crypto::Sha256(org.intermediate().ToDer() + org.root().ToDer());
  EXPECT_TRUE(peer.SatisfiesPrincipal(OuPrincipal("Org3MSP", "peer", chain)).ok());

  // The NodeOUs name the intermediate: a peer certified by the root directly
  // carries the OU under another chain.
  Identity root_peer = MustIdentity(msp, org.Issue("peer1.org3.example.com", WithOus({"peer"})).certificate);
  EXPECT_THAT(root_peer.Validate().message(), HasSubstr("certified by a different CA"));

  // Without the intermediate in the MSP the same identity is not a member.
  Msp roots_only = MustMsp(org.Config("Org3MSP", true));
  EXPECT_FALSE(MustIdentity(roots_only, peer.certificate()).Validate().ok());
}

TEST(MspTest, LegacyAdminsWithoutNodeOus) {
  TestOrg org("org4.example.com");
  IssuedIdentity admin = org.Issue("Admin@org4.example.com", WithOus({"COP"}));
  IssuedIdentity member = org.Issue("User1@org4.example.com", WithOus({"COP"}));
  Msp msp = MustMsp(org.Config("Org4MSP", /*node_ous=*/false, {admin.certificate}));
  EXPECT_FALSE(msp.node_ous_enabled());
  Identity admin_id = MustIdentity(msp, admin.certificate);
  Identity member_id = MustIdentity(msp, member.certificate);
  EXPECT_TRUE(admin_id.SatisfiesPrincipal(RolePrincipal("Org4MSP", common::MSPRole::ADMIN)).ok());
  EXPECT_FALSE(member_id.SatisfiesPrincipal(RolePrincipal("Org4MSP", common::MSPRole::ADMIN)).ok());
  EXPECT_TRUE(member_id.SatisfiesPrincipal(RolePrincipal("Org4MSP", common::MSPRole::MEMBER)).ok());
  EXPECT_FALSE(member_id.SatisfiesPrincipal(RolePrincipal("Org4MSP", common::MSPRole::PEER)).ok());
  EXPECT_EQ(member_id.Role().status().code(), Status::Code::kFailedPrecondition);
}

TEST(MspTest, SetupErrorsNameTheProblem) {
  TestOrg org("org5.example.com");
  ::msp::FabricMSPConfig config = org.Config("Org5MSP", true);

  ::msp::FabricMSPConfig no_name = config;
  no_name.clear_name();
  EXPECT_THAT(Msp::FromFabricMspConfig(no_name).status().message(), HasSubstr("name"));

  ::msp::FabricMSPConfig no_roots = config;
  no_roots.clear_root_certs();
  EXPECT_THAT(Msp::FromFabricMspConfig(no_roots).status().message(), HasSubstr("root_certs is empty"));

  ::msp::FabricMSPConfig garbage_root = config;
  garbage_root.set_root_certs(0, "garbage");
  EXPECT_THAT(Msp::FromFabricMspConfig(garbage_root).status().message(), HasSubstr("root_certs[0]"));

  ::msp::FabricMSPConfig leaf_root = config;
  leaf_root.set_root_certs(0, org.Issue("leaf", WithOus({"peer"})).certificate.ToPem());
  EXPECT_THAT(Msp::FromFabricMspConfig(leaf_root).status().message(), HasSubstr("not a CA certificate"));

  TestOrg stranger("org6.example.com");
  ::msp::FabricMSPConfig foreign_intermediate = config;
  foreign_intermediate.add_intermediate_certs(stranger.intermediate().ToPem());
  EXPECT_THAT(Msp::FromFabricMspConfig(foreign_intermediate).status().message(),
              HasSubstr("does not chain to a root CA"));

  ::msp::FabricMSPConfig foreign_ou = config;
  foreign_ou.mutable_fabric_node_ous()->mutable_peer_ou_identifier()->set_certificate(
      stranger.root().ToPem());
  EXPECT_THAT(Msp::FromFabricMspConfig(foreign_ou).status().message(),
              HasSubstr("not one of this MSP's root or intermediate CA certificates"));

  ::msp::FabricMSPConfig no_admins = org.Config("Org5MSP", false);
  EXPECT_THAT(Msp::FromFabricMspConfig(no_admins).status().message(), HasSubstr("no administrators"));

  ::msp::FabricMSPConfig peer_admin = config;
  peer_admin.add_admins(org.Issue("peer0", WithOus({"peer"})).certificate.ToPem());
  EXPECT_THAT(Msp::FromFabricMspConfig(peer_admin).status().message(),
              HasSubstr("must be a client or an admin"));

  ::msp::MSPConfig idemix;
  idemix.set_type(1);
  EXPECT_THAT(Msp::FromMspConfig(idemix).status().message(), HasSubstr("IDEMIX"));

  ::msp::MSPConfig wrapped;
  wrapped.set_config(config.SerializeAsString());
  EXPECT_TRUE(Msp::FromMspConfig(wrapped).ok());
}

}  // namespace
}  // namespace loom::msp
