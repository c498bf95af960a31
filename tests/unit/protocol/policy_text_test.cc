#include "core/protocol/policy_text.h"

#include <gtest/gtest.h>

#include "core/protocol/serialized_identity.h"

namespace loom::protocol {
namespace {

common::MSPPrincipal Role(const std::string& mspid, common::MSPRole::MSPRoleType type) {
  common::MSPRole role;
  role.set_msp_identifier(mspid);
  role.set_role(type);
  common::MSPPrincipal principal;
  principal.set_principal_classification(common::MSPPrincipal::ROLE);
  principal.set_principal(role.SerializeAsString());
  return principal;
}

common::SignaturePolicy SignedBy(int index) {
  common::SignaturePolicy policy;
  policy.set_signed_by(index);
  return policy;
}

common::SignaturePolicy OutOf(int n, std::vector<common::SignaturePolicy> rules) {
  common::SignaturePolicy policy;
  policy.mutable_n_out_of()->set_n(n);
  for (auto& rule : rules) *policy.mutable_n_out_of()->add_rules() = std::move(rule);
  return policy;
}

class PolicyTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    *envelope_.add_identities() = Role("Org1MSP", common::MSPRole::PEER);
    *envelope_.add_identities() = Role("Org2MSP", common::MSPRole::MEMBER);
    *envelope_.add_identities() = Role("Org3MSP", common::MSPRole::ADMIN);
  }
  common::SignaturePolicyEnvelope envelope_;
};

TEST_F(PolicyTextTest, AndOrAndOutOfAreRenderedByTheirThresholds) {
  *envelope_.mutable_rule() = OutOf(2, {SignedBy(0), OutOf(1, {SignedBy(1), SignedBy(2)})});
  EXPECT_EQ(SignaturePolicyToText(envelope_), "AND('Org1MSP.peer', OR('Org2MSP.member', 'Org3MSP.admin'))");
  *envelope_.mutable_rule() = OutOf(2, {SignedBy(0), SignedBy(1), SignedBy(2)});
  EXPECT_EQ(SignaturePolicyToText(envelope_), "OutOf(2, 'Org1MSP.peer', 'Org2MSP.member', 'Org3MSP.admin')");
  *envelope_.mutable_rule() = OutOf(1, {SignedBy(2)});
  EXPECT_EQ(SignaturePolicyToText(envelope_), "OR('Org3MSP.admin')");
  *envelope_.mutable_rule() = OutOf(0, {});
  EXPECT_EQ(SignaturePolicyToText(envelope_), "OutOf(0)");
}

TEST_F(PolicyTextTest, BadReferencesAreShownNotFollowed) {
  *envelope_.mutable_rule() = OutOf(1, {SignedBy(7), SignedBy(-1)});
  EXPECT_EQ(
      SignaturePolicyToText(envelope_),
      "OR(<undecodable: signed_by 7 names no identity>, <undecodable: signed_by -1 names no identity>)");
  envelope_.clear_rule();
  EXPECT_EQ(SignaturePolicyToText(envelope_), "<undecodable: signature policy has no rule>");
}

TEST(PrincipalTextTest, EveryClassification) {
  EXPECT_EQ(PrincipalToText(Role("Org1MSP", common::MSPRole::CLIENT)), "'Org1MSP.client'");
  EXPECT_EQ(PrincipalToText(Role("OrdererMSP", common::MSPRole::ORDERER)), "'OrdererMSP.orderer'");

  common::OrganizationUnit unit;
  unit.set_msp_identifier("Org1MSP");
  unit.set_organizational_unit_identifier("finance");
  common::MSPPrincipal ou;
  ou.set_principal_classification(common::MSPPrincipal::ORGANIZATION_UNIT);
  ou.set_principal(unit.SerializeAsString());
  EXPECT_EQ(PrincipalToText(ou), "OU('Org1MSP', 'finance')");

  common::MSPPrincipal anonymous;
  anonymous.set_principal_classification(common::MSPPrincipal::ANONYMITY);
  common::MSPIdentityAnonymity anonymity;
  anonymity.set_anonymity_type(common::MSPIdentityAnonymity::ANONYMOUS);
  anonymous.set_principal(anonymity.SerializeAsString());
  EXPECT_EQ(PrincipalToText(anonymous), "Anonymous");

  common::CombinedPrincipal combined;
  *combined.add_principals() = Role("A", common::MSPRole::PEER);
  *combined.add_principals() = ou;
  common::MSPPrincipal combined_principal;
  combined_principal.set_principal_classification(common::MSPPrincipal::COMBINED);
  combined_principal.set_principal(combined.SerializeAsString());
  EXPECT_EQ(PrincipalToText(combined_principal), "Combined('A.peer', OU('Org1MSP', 'finance'))");

  common::MSPPrincipal identity;
  identity.set_principal_classification(common::MSPPrincipal::IDENTITY);
  identity.set_principal("junk");
  EXPECT_EQ(PrincipalToText(identity).rfind("Identity(<", 0), 0u) << PrincipalToText(identity);

  common::MSPPrincipal broken = Role("A", common::MSPRole::PEER);
  broken.set_principal(
      "\x0a\x10"
      "x");
  EXPECT_EQ(PrincipalToText(broken), "<undecodable: MSPRole>");
}

TEST(PrincipalTextTest, DeeplyCombinedPrincipalsStopAtALimit) {
  common::MSPPrincipal principal = Role("A", common::MSPRole::PEER);
  for (int i = 0; i < 40; ++i) {
    common::CombinedPrincipal combined;
    *combined.add_principals() = principal;
    principal.set_principal_classification(common::MSPPrincipal::COMBINED);
    principal.set_principal(combined.SerializeAsString());
  }
  EXPECT_NE(PrincipalToText(principal).find("nested too deeply"), std::string::npos);
}

TEST(ImplicitMetaTextTest, RuleThenSubPolicy) {
  common::ImplicitMetaPolicy policy;
  policy.set_rule(common::ImplicitMetaPolicy::MAJORITY);
  policy.set_sub_policy("Admins");
  EXPECT_EQ(ImplicitMetaPolicyToText(policy), "MAJORITY Admins");
}

}  // namespace
}  // namespace loom::protocol
