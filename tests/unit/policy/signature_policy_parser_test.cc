#include "core/policy/signature_policy_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/policy/known_msps.h"
#include "core/policy/principal.h"

namespace loom::policy {
namespace {

common::SignaturePolicy SignedBy(int index) {
  common::SignaturePolicy rule;
  rule.set_signed_by(index);
  return rule;
}

common::SignaturePolicy NOutOf(int n, std::vector<common::SignaturePolicy> rules) {
  common::SignaturePolicy rule;
  rule.mutable_n_out_of()->set_n(n);
  for (auto& child : rules) *rule.mutable_n_out_of()->add_rules() = child;
  return rule;
}

common::SignaturePolicyEnvelope Envelope(common::SignaturePolicy rule,
                                         std::vector<RolePrincipal> identities) {
  common::SignaturePolicyEnvelope envelope;
  *envelope.mutable_rule() = rule;
  for (const auto& identity : identities) *envelope.add_identities() = MakeRolePrincipal(identity);
  return envelope;
}

void ExpectSameEnvelope(const common::SignaturePolicyEnvelope& actual,
                        const common::SignaturePolicyEnvelope& expected) {
  EXPECT_EQ(actual.SerializeAsString(), expected.SerializeAsString()) << "actual:\n"
                                                                      << actual.DebugString() << "expected:\n"
                                                                      << expected.DebugString();
}

common::SignaturePolicyEnvelope ParseOrDie(const std::string& text) {
  Result<common::SignaturePolicyEnvelope> parsed = ParseSignaturePolicy(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? parsed.value() : common::SignaturePolicyEnvelope();
}

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  return hex;
}

TEST(SignaturePolicyParserTest, AndOfTwoOrgsHasFabricsExactBytes) {
  const common::SignaturePolicyEnvelope envelope = ParseOrDie("AND('Org1MSP.peer','Org2MSP.member')");
  // Written out by hand from the proto definitions:
  //   rule (field 2) = SignaturePolicy{n_out_of (2) = {n (1) = 2,
  //                    rules (2) = [{signed_by (1) = 0}, {signed_by = 1}]}}
  //   identities (3) = [MSPPrincipal{principal (2) = MSPRole{"Org1MSP", PEER = 3}},
  //                     MSPPrincipal{principal = MSPRole{"Org2MSP"}}]   (ROLE = 0 and
  //   MEMBER = 0 are proto3 defaults and omitted; a oneof's 0 is still written).
  const std::string expected =
      "120c"      // rule, 12 bytes
      "120a"      // n_out_of, 10 bytes
      "0802"      // n = 2
      "12020800"  // rules[0] = signed_by 0
      "12020801"  // rules[1] = signed_by 1
      "1a0d"
      "120b"
      "0a074f7267314d5350"
      "1003"  // identities[0]: Org1MSP, role 3
      "1a0b"
      "1209"
      "0a074f7267324d5350";  // identities[1]: Org2MSP, member
  EXPECT_EQ(Hex(envelope.SerializeAsString()), expected);

  // The same facts, structurally.
  EXPECT_EQ(envelope.version(), 0);
  ASSERT_EQ(envelope.identities_size(), 2);
  EXPECT_EQ(envelope.identities(0).principal_classification(), common::MSPPrincipal::ROLE);
  EXPECT_EQ(DecodeRolePrincipal(envelope.identities(0)).value(),
            (RolePrincipal{"Org1MSP", common::MSPRole::PEER}));
  EXPECT_EQ(DecodeRolePrincipal(envelope.identities(1)).value(),
            (RolePrincipal{"Org2MSP", common::MSPRole::MEMBER}));
  ASSERT_TRUE(envelope.rule().has_n_out_of());
  EXPECT_EQ(envelope.rule().n_out_of().n(), 2);
  ASSERT_EQ(envelope.rule().n_out_of().rules_size(), 2);
  EXPECT_EQ(envelope.rule().n_out_of().rules(0).signed_by(), 0);
  EXPECT_EQ(envelope.rule().n_out_of().rules(1).signed_by(), 1);
}

TEST(SignaturePolicyParserTest, OrIsOneOutOfAll) {
  ExpectSameEnvelope(ParseOrDie("OR('A.member', 'B.member')"),
                     Envelope(NOutOf(1, {SignedBy(0), SignedBy(1)}),
                              {{"A", common::MSPRole::MEMBER}, {"B", common::MSPRole::MEMBER}}));
}

TEST(SignaturePolicyParserTest, OutOfKeepsItsThreshold) {
  ExpectSameEnvelope(
      ParseOrDie("OutOf(2, 'A.member', 'B.member', 'C.member')"),
      Envelope(
          NOutOf(2, {SignedBy(0), SignedBy(1), SignedBy(2)}),
          {{"A", common::MSPRole::MEMBER}, {"B", common::MSPRole::MEMBER}, {"C", common::MSPRole::MEMBER}}));
}

TEST(SignaturePolicyParserTest, AcceptsExactlyFabricsOperatorSpellings) {
  const common::SignaturePolicyEnvelope expected_and = ParseOrDie("AND('A.member', 'B.member')");
  for (const char* text : {"And('A.member', 'B.member')", "and('A.member', 'B.member')"}) {
    ExpectSameEnvelope(ParseOrDie(text), expected_and);
  }
  const common::SignaturePolicyEnvelope expected_or = ParseOrDie("OR('A.member', 'B.member')");
  for (const char* text : {"Or('A.member', 'B.member')", "or('A.member', 'B.member')"}) {
    ExpectSameEnvelope(ParseOrDie(text), expected_or);
  }
  const common::SignaturePolicyEnvelope expected_out_of = ParseOrDie("OutOf(1, 'A.member', 'B.member')");
  for (const char* text : {"outof(1, 'A.member', 'B.member')", "OUTOF(1, 'A.member', 'B.member')"}) {
    ExpectSameEnvelope(ParseOrDie(text), expected_out_of);
  }
  ExpectSameEnvelope(expected_out_of, expected_or);
  for (const char* text :
       {"aNd('A.member')", "oR('A.member')", "Outof(1, 'A.member')", "OUTof(1, 'A.member')"}) {
    EXPECT_FALSE(ParseSignaturePolicy(text).ok()) << text;
  }
}

TEST(SignaturePolicyParserTest, EveryRoleMapsToItsMspRoleType) {
  const std::vector<std::pair<std::string, common::MSPRole::MSPRoleType>> roles = {
      {"member", common::MSPRole::MEMBER},
      {"admin", common::MSPRole::ADMIN},
      {"client", common::MSPRole::CLIENT},
      {"peer", common::MSPRole::PEER},
      {"orderer", common::MSPRole::ORDERER}};
  for (const auto& [name, type] : roles) {
    const common::SignaturePolicyEnvelope envelope = ParseOrDie("OR('Org1MSP." + name + "')");
    ASSERT_EQ(envelope.identities_size(), 1) << name;
    EXPECT_EQ(DecodeRolePrincipal(envelope.identities(0)).value(), (RolePrincipal{"Org1MSP", type})) << name;
  }
}

TEST(SignaturePolicyParserTest, DoubleQuotesAndWhitespaceAreAccepted) {
  ExpectSameEnvelope(ParseOrDie(" AND (\n\t\"Org1MSP.peer\" ,'Org2MSP.member'\r\n) "),
                     ParseOrDie("AND('Org1MSP.peer', 'Org2MSP.member')"));
}

// Fabric's TestComplex1: nested gates number their principals before the
// enclosing gate numbers its own.
TEST(SignaturePolicyParserTest, NumbersIdentitiesInFabricsEvaluationOrder) {
  ExpectSameEnvelope(
      ParseOrDie("OR('A.member', AND('B.member', 'C.member'))"),
      Envelope(
          NOutOf(1, {SignedBy(2), NOutOf(2, {SignedBy(0), SignedBy(1)})}),
          {{"B", common::MSPRole::MEMBER}, {"C", common::MSPRole::MEMBER}, {"A", common::MSPRole::MEMBER}}));
  // Fabric's TestComplex2.
  ExpectSameEnvelope(
      ParseOrDie("OR(AND('A.member', 'B.member'), OR('C.admin', 'D.member'))"),
      Envelope(NOutOf(1, {NOutOf(2, {SignedBy(0), SignedBy(1)}), NOutOf(1, {SignedBy(2), SignedBy(3)})}),
               {{"A", common::MSPRole::MEMBER},
                {"B", common::MSPRole::MEMBER},
                {"C", common::MSPRole::ADMIN},
                {"D", common::MSPRole::MEMBER}}));
}

TEST(SignaturePolicyParserTest, NestsOrAndOutOf) {
  ExpectSameEnvelope(ParseOrDie("OR(AND('A.member','B.member'), OutOf(2,'C.peer','D.peer','E.peer'))"),
                     Envelope(NOutOf(1, {NOutOf(2, {SignedBy(0), SignedBy(1)}),
                                         NOutOf(2, {SignedBy(2), SignedBy(3), SignedBy(4)})}),
                              {{"A", common::MSPRole::MEMBER},
                               {"B", common::MSPRole::MEMBER},
                               {"C", common::MSPRole::PEER},
                               {"D", common::MSPRole::PEER},
                               {"E", common::MSPRole::PEER}}));
}

TEST(SignaturePolicyParserTest, DoesNotDeduplicatePrincipals) {
  ExpectSameEnvelope(ParseOrDie("AND('A.member', 'A.member')"),
                     Envelope(NOutOf(2, {SignedBy(0), SignedBy(1)}),
                              {{"A", common::MSPRole::MEMBER}, {"A", common::MSPRole::MEMBER}}));
}

// Fabric's TestMSPIDWIthSpecialChars.
TEST(SignaturePolicyParserTest, MspIdsMayContainDotsAndDashes) {
  ExpectSameEnvelope(ParseOrDie("OR('MSP.member', 'MSP.WITH.DOTS.member', 'MSP-WITH-DASHES.member')"),
                     Envelope(NOutOf(1, {SignedBy(0), SignedBy(1), SignedBy(2)}),
                              {{"MSP", common::MSPRole::MEMBER},
                               {"MSP.WITH.DOTS", common::MSPRole::MEMBER},
                               {"MSP-WITH-DASHES", common::MSPRole::MEMBER}}));
}

// Fabric's TestSecondPassBoundaryCheck and TestOutOfNumIsString.
TEST(SignaturePolicyParserTest, OutOfThresholdBounds) {
  EXPECT_EQ(ParseOrDie("OutOf(0, 'A.member', 'B.member')").rule().n_out_of().n(), 0);
  EXPECT_EQ(ParseOrDie("OutOf(3, 'A.member', 'B.member')").rule().n_out_of().n(), 3);
  EXPECT_EQ(ParseOrDie("OutOf('1', 'A.member', 'B.member')").rule().n_out_of().n(), 1);
  EXPECT_FALSE(ParseSignaturePolicy("OutOf(4, 'A.member', 'B.member')").ok());
  EXPECT_FALSE(ParseSignaturePolicy("OutOf(-1, 'A.member', 'B.member')").ok());
  EXPECT_FALSE(ParseSignaturePolicy("OutOf(99999999999, 'A.member')").ok());
}

TEST(SignaturePolicyParserTest, SingleArgumentGatesAreAccepted) {
  ExpectSameEnvelope(ParseOrDie("AND('A.peer')"),
                     Envelope(NOutOf(1, {SignedBy(0)}), {{"A", common::MSPRole::PEER}}));
}

TEST(SignaturePolicyParserTest, RejectsNestingBeyondTheLimit) {
  auto nested = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "OR(";
    text += "'A.member'";
    for (int i = 0; i < depth; ++i) text += ")";
    return text;
  };
  EXPECT_TRUE(ParseSignaturePolicy(nested(kMaxPolicyNesting)).ok());
  Result<common::SignaturePolicyEnvelope> too_deep = ParseSignaturePolicy(nested(kMaxPolicyNesting + 1));
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.status().message(), "column " + std::to_string(3 * kMaxPolicyNesting + 1) +
                                             ": policy nested deeper than " +
                                             std::to_string(kMaxPolicyNesting) + " operators");
  // Far deeper input fails the same way instead of exhausting the stack.
  EXPECT_FALSE(ParseSignaturePolicy(nested(100000)).ok());
}

struct SyntaxErrorCase {
  std::string input;
  std::string message;
};

class SyntaxErrorTest : public ::testing::TestWithParam<SyntaxErrorCase> {};

TEST_P(SyntaxErrorTest, NamesColumnAndExpectation) {
  Result<common::SignaturePolicyEnvelope> parsed = ParseSignaturePolicy(GetParam().input);
  ASSERT_FALSE(parsed.ok()) << GetParam().input;
  EXPECT_TRUE(parsed.status().IsInvalidArgument());
  EXPECT_EQ(parsed.status().message(), GetParam().message) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, SyntaxErrorTest,
    ::testing::Values(
        SyntaxErrorCase{"", "column 1: empty policy: expected AND(...), OR(...) or OutOf(...)"},
        SyntaxErrorCase{"   ", "column 4: empty policy: expected AND(...), OR(...) or OutOf(...)"},
        SyntaxErrorCase{"AND('A.member' x)", "column 16: expected ',' or ')' but found 'x'"},
        SyntaxErrorCase{"AND('A.member'", "column 15: expected ',' or ')' but found end of input"},
        SyntaxErrorCase{"OR('A.member', 'B.peer' ; )", "column 25: expected ',' or ')' but found ';'"},
        SyntaxErrorCase{"OR('A.member',\x01)",
                        "column 15: expected a quoted principal such as 'Org1MSP.member' or "
                        "a nested AND, OR or OutOf but found byte 0x01"},
        SyntaxErrorCase{"XOR('A.member')", "column 1: unknown operator 'XOR': expected AND, OR or OutOf"},
        SyntaxErrorCase{
            "aNd('A.member')",
            "column 1: operator 'aNd' is not spelled as Fabric accepts it: write AND, And or and"},
        SyntaxErrorCase{
            "OR('A.member', oUtOf(1, 'B.peer'))",
            "column 16: operator 'oUtOf' is not spelled as Fabric accepts it: write OutOf, outof or "
            "OUTOF"},
        SyntaxErrorCase{
            "OR(A.member)",
            "column 4: expected a principal but found 'A.member': principals must be quoted, e.g. "
            "'A.member'"},
        SyntaxErrorCase{
            "OR('A.member', Bmember)",
            "column 16: expected a quoted principal such as 'Org1MSP.member' or a nested AND, OR or "
            "OutOf but found 'Bmember'"},
        SyntaxErrorCase{"OR('A.member)", "column 4: unterminated string: no closing '"},
        SyntaxErrorCase{
            "OR('A.Member')",
            "column 4: invalid principal 'A.Member': unknown role 'Member' (expected member, admin, "
            "client, peer or orderer, in lower case)"},
        SyntaxErrorCase{"OR('Bmember')",
                        "column 4: invalid principal 'Bmember': expected MSPID.ROLE, e.g. 'Org1MSP.member'"},
        SyntaxErrorCase{"OR('.member')",
                        "column 4: invalid principal '.member': the MSP id before '.' is empty"},
        SyntaxErrorCase{"OR('Org 1.member')",
                        "column 4: invalid principal 'Org 1.member': MSP id 'Org 1' may contain only ASCII "
                        "letters, digits, '.' and '-'"},
        SyntaxErrorCase{"OutOf(x, 'A.member')",
                        "column 7: expected the OutOf threshold (a whole number) but found 'x'"},
        SyntaxErrorCase{
            "OutOf('A.member', 'B.member')",
            "column 7: expected the OutOf threshold (a whole number) but found string 'A.member'"},
        SyntaxErrorCase{"OutOf(1.5, 'A.member')",
                        "column 7: OutOf threshold '1.5' is not a whole number in the int32 range"},
        SyntaxErrorCase{
            "OutOf(1)",
            "column 8: expected ',' and at least one sub-policy after the OutOf threshold but found "
            "')'"},
        SyntaxErrorCase{
            "OutOf(4, 'A.member', 'B.member')",
            "column 7: OutOf threshold 4 is larger than the number of sub-policies (2); at most 3 is "
            "allowed (count + 1: never satisfiable, as in Fabric)"},
        SyntaxErrorCase{"OutOf(-1, 'A.member')", "column 7: OutOf threshold must not be negative, got -1"},
        SyntaxErrorCase{"OutOf(- x, 'A.member')", "column 9: expected a number after '-' but found 'x'"},
        SyntaxErrorCase{
            "AND()",
            "column 5: expected a quoted principal such as 'Org1MSP.member' or a nested AND, OR or "
            "OutOf but found ')'"},
        SyntaxErrorCase{
            "OR('A.member',)",
            "column 15: expected a quoted principal such as 'Org1MSP.member' or a nested AND, OR or "
            "OutOf but found ')'"},
        SyntaxErrorCase{"AND('A.member'))", "column 16: expected end of input but found ')'"},
        SyntaxErrorCase{"AND 'A.member'", "column 5: expected '(' after AND but found string 'A.member'"},
        SyntaxErrorCase{
            "'A.member'",
            "column 1: expected AND, OR or OutOf but found string 'A.member' (a single principal must "
            "be wrapped, e.g. OR('A.member'))"},
        SyntaxErrorCase{"(", "column 1: expected AND, OR or OutOf but found '('"}));

TEST(KnownMspsTest, AcceptsPoliciesOverKnownMsps) {
  const std::vector<std::string> known = {"Org1MSP", "Org2MSP"};
  EXPECT_TRUE(ValidateKnownMsps(ParseOrDie("AND('Org1MSP.peer', 'Org2MSP.peer')"), known).ok());
}

TEST(KnownMspsTest, NamesTheUnknownMspAndItsColumn) {
  const std::vector<std::string> known = {"Org1MSP", "Org2MSP"};
  Result<ParsedSignaturePolicy> parsed =
      ParseSignaturePolicyWithColumns("OR(AND('Org1MSP.peer', 'Org2MSP.peer'), 'Org3MSP.admin')");
  ASSERT_TRUE(parsed.ok());
  Status status = ValidateKnownMsps(*parsed, known);
  EXPECT_TRUE(status.IsNotFound());
  EXPECT_EQ(status.message(), "column 41: unknown MSP id 'Org3MSP' (known: Org1MSP, Org2MSP)");
  // Without columns, the identity index is named (Org3MSP is identity 2 in Fabric's numbering).
  Status by_index = ValidateKnownMsps(parsed->envelope, known);
  EXPECT_EQ(by_index.message(), "identities[2]: unknown MSP id 'Org3MSP' (known: Org1MSP, Org2MSP)");
}

TEST(KnownMspsTest, ReportsTheLeftmostUnknownMsp) {
  // Fabric numbers the nested 'Y' before 'X'; the message still names the first in the text.
  Result<ParsedSignaturePolicy> parsed = ParseSignaturePolicyWithColumns("OR('X.peer', AND('Y.peer'))");
  ASSERT_TRUE(parsed.ok());
  const std::vector<std::string> known = {"Org1MSP"};
  EXPECT_EQ(ValidateKnownMsps(*parsed, known).message(), "column 4: unknown MSP id 'X' (known: Org1MSP)");
}

TEST(KnownMspsTest, ChecksMspIdsOfOtherPrincipalClassifications) {
  common::SignaturePolicyEnvelope envelope = ParseOrDie("OR('Org1MSP.peer')");
  common::OrganizationUnit unit;
  unit.set_msp_identifier("Org9MSP");
  unit.set_organizational_unit_identifier("sales");
  common::MSPPrincipal* principal = envelope.add_identities();
  principal->set_principal_classification(common::MSPPrincipal::ORGANIZATION_UNIT);
  principal->set_principal(unit.SerializeAsString());
  const std::vector<std::string> known = {"Org1MSP"};
  EXPECT_EQ(ValidateKnownMsps(envelope, known).message(),
            "identities[1]: unknown MSP id 'Org9MSP' (known: Org1MSP)");

  principal->set_principal("\xff\xff");
  EXPECT_TRUE(ValidateKnownMsps(envelope, known).IsInvalidArgument());
}

}  // namespace
}  // namespace loom::policy
