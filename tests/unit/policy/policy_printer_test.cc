#include "core/policy/policy_printer.h"

#include <gtest/gtest.h>

#include <string>

#include "core/policy/policy_text.h"
#include "core/policy/principal.h"
#include "core/policy/signature_policy_parser.h"

namespace loom::policy {
namespace {

common::SignaturePolicyEnvelope ParseOrDie(const std::string& text) {
  Result<common::SignaturePolicyEnvelope> parsed = ParseSignaturePolicy(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? parsed.value() : common::SignaturePolicyEnvelope();
}

std::string PrintOrDie(const common::SignaturePolicyEnvelope& envelope) {
  Result<std::string> text = ToString(envelope);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? text.value() : "";
}

class RoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTripTest, PrintThenParseGivesTheSameEnvelope) {
  const common::SignaturePolicyEnvelope original = ParseOrDie(GetParam());
  const std::string printed = PrintOrDie(original);
  const common::SignaturePolicyEnvelope reparsed = ParseOrDie(printed);
  EXPECT_EQ(reparsed.SerializeAsString(), original.SerializeAsString())
      << GetParam() << " printed as " << printed;
  EXPECT_EQ(PrintOrDie(reparsed), printed);
}

INSTANTIATE_TEST_SUITE_P(
    Policies, RoundTripTest,
    ::testing::Values(
        "AND('Org1MSP.peer', 'Org2MSP.member')", "OR('A.admin', 'B.client', 'C.orderer')",
        "OutOf(2, 'A.peer', 'B.peer', 'C.peer')", "OutOf(0, 'A.peer', 'B.peer')",
        "OutOf(3, 'A.peer', 'B.peer')", "AND('A.peer')", "OR('A.member', AND('B.member', 'C.member'))",
        "OR(AND('A.member','B.member'), OutOf(2,'C.peer','D.peer','E.peer'))",
        "and(or('A.member', OUTOF(1, \"B.peer\")), 'C.admin', AND('D.peer', 'E.peer', 'F.peer'))",
        "OR('MSP.WITH.DOTS.member', 'MSP-WITH-DASHES.peer', 'A.member', 'A.member')"));

TEST(PolicyPrinterTest, NormalisesSpellingQuotesAndSpacing) {
  EXPECT_EQ(PrintOrDie(ParseOrDie("and ( \"A.peer\",'B.member' )")), "AND('A.peer', 'B.member')");
  EXPECT_EQ(PrintOrDie(ParseOrDie("outof('1', 'A.peer', 'B.peer')")), "OR('A.peer', 'B.peer')");
  EXPECT_EQ(PrintOrDie(ParseOrDie("OutOf(2, 'A.peer', 'B.peer')")), "AND('A.peer', 'B.peer')");
  // One of one is written as OR, as configtxgen writes org policies.
  EXPECT_EQ(PrintOrDie(ParseOrDie("AND('A.admin')")), "OR('A.admin')");
  EXPECT_EQ(PrintOrDie(ParseOrDie("OutOf(2, 'A.peer', 'B.peer', 'C.peer')")),
            "OutOf(2, 'A.peer', 'B.peer', 'C.peer')");
  EXPECT_EQ(PrintOrDie(ParseOrDie("OR('A.member', AND('B.member', 'C.member'))")),
            "OR('A.member', AND('B.member', 'C.member'))");
}

TEST(PolicyPrinterTest, PrintsSharedIdentitiesOfHandBuiltEnvelopes) {
  // Fabric's cauthdsl builders reuse one identity in several rules.
  common::SignaturePolicyEnvelope envelope;
  *envelope.add_identities() = MakeRolePrincipal({"A", common::MSPRole::PEER});
  auto* gate = envelope.mutable_rule()->mutable_n_out_of();
  gate->set_n(1);
  gate->add_rules()->set_signed_by(0);
  gate->add_rules()->set_signed_by(0);
  EXPECT_EQ(PrintOrDie(envelope), "OR('A.peer', 'A.peer')");
}

TEST(PolicyPrinterTest, RejectsEnvelopesTheLanguageCannotExpress) {
  const common::SignaturePolicyEnvelope good = ParseOrDie("AND('A.peer', 'B.peer')");

  common::SignaturePolicyEnvelope out_of_range = good;
  out_of_range.mutable_rule()->mutable_n_out_of()->mutable_rules(1)->set_signed_by(7);
  EXPECT_EQ(ToString(out_of_range).status().message(),
            "rule.n_out_of.rules[1]: signed_by 7 is out of range (2 identities)");

  common::SignaturePolicyEnvelope not_role = good;
  not_role.mutable_identities(0)->set_principal_classification(common::MSPPrincipal::IDENTITY);
  EXPECT_EQ(
      ToString(not_role).status().message(),
      "identities[0] cannot be written in the policy language: expected a ROLE principal but found IDENTITY");

  common::SignaturePolicyEnvelope garbage = good;
  garbage.mutable_identities(1)->set_principal("\xff\xff\xff");
  EXPECT_TRUE(ToString(garbage).status().IsInvalidArgument());

  common::SignaturePolicyEnvelope negative = good;
  negative.mutable_rule()->mutable_n_out_of()->set_n(-1);
  EXPECT_EQ(ToString(negative).status().message(),
            "rule.n_out_of: n = -1 with 2 rules cannot be written (allowed 0..3)");

  common::SignaturePolicyEnvelope empty_gate = good;
  empty_gate.mutable_rule()->mutable_n_out_of()->clear_rules();
  EXPECT_EQ(ToString(empty_gate).status().message(), "rule.n_out_of: no rules");

  common::SignaturePolicyEnvelope no_type = good;
  no_type.mutable_rule()->mutable_n_out_of()->mutable_rules(0)->Clear();
  EXPECT_EQ(ToString(no_type).status().message(),
            "rule.n_out_of.rules[0]: rule has neither signed_by nor n_out_of");

  common::SignaturePolicyEnvelope versioned = good;
  versioned.set_version(1);
  EXPECT_FALSE(ToString(versioned).ok());

  common::SignaturePolicyEnvelope bad_msp = good;
  *bad_msp.mutable_identities(0) = MakeRolePrincipal({"Org 1", common::MSPRole::PEER});
  EXPECT_EQ(ToString(bad_msp).status().message(),
            "identities[0]: MSP id 'Org 1' cannot be written in the policy language");

  EXPECT_FALSE(ToString(common::SignaturePolicyEnvelope()).ok());
}

TEST(PolicyPrinterTest, PrintsPoliciesOfBothKinds) {
  for (const std::string text :
       {"ANY Readers", "ALL Writers", "MAJORITY Admins", "AND('A.peer', 'B.member')"}) {
    Result<common::Policy> policy = ParsePolicy(text);
    ASSERT_TRUE(policy.ok()) << policy.status().ToString();
    Result<std::string> printed = ToString(*policy);
    ASSERT_TRUE(printed.ok()) << printed.status().ToString();
    EXPECT_EQ(*printed, text);
  }
  common::Policy unknown;
  unknown.set_type(common::Policy::MSP);
  EXPECT_FALSE(ToString(unknown).ok());
}

}  // namespace
}  // namespace loom::policy
