// Endorser choice: the smallest set of orgs whose peers satisfy a policy.
#include "app/lab/gateway_endorsers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/policy/signature_policy_parser.h"

namespace loom::lab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Choose(const std::string& policy, const std::vector<std::string>& orgs) {
  Result<common::SignaturePolicyEnvelope> parsed = policy::ParseSignaturePolicy(policy);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  Result<std::vector<std::string>> chosen = SmallestSatisfyingOrgs(*parsed, orgs);
  EXPECT_TRUE(chosen.ok()) << chosen.status().ToString();
  return chosen.ok() ? *chosen : std::vector<std::string>{"<error>"};
}

TEST(GatewayEndorsersTest, AndNeedsEveryOrg) {
  EXPECT_THAT(Choose("AND('Org1MSP.peer', 'Org2MSP.peer')", {"Org1MSP", "Org2MSP", "Org3MSP"}),
              ElementsAre("Org1MSP", "Org2MSP"));
}

TEST(GatewayEndorsersTest, OrTakesTheFirstOrgThatFits) {
  EXPECT_THAT(Choose("OR('Org2MSP.member', 'Org3MSP.peer')", {"Org1MSP", "Org2MSP", "Org3MSP"}),
              ElementsAre("Org2MSP"));
}

TEST(GatewayEndorsersTest, OutOfTakesTheSmallestSet) {
  EXPECT_THAT(
      Choose("OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')", {"Org3MSP", "Org1MSP", "Org2MSP"}),
      ElementsAre("Org3MSP", "Org1MSP"));
}

TEST(GatewayEndorsersTest, AdminOrUnknownOrgCannotBeSatisfied) {
  auto admin = policy::ParseSignaturePolicy("AND('Org1MSP.admin')");
  ASSERT_TRUE(admin.ok());
  Result<std::vector<std::string>> chosen = SmallestSatisfyingOrgs(*admin, {"Org1MSP"});
  EXPECT_TRUE(chosen.status().code() == Status::Code::kFailedPrecondition);
  EXPECT_THAT(chosen.status().message(), HasSubstr("Org1MSP.admin"));
  auto other = policy::ParseSignaturePolicy("AND('Org9MSP.peer')");
  EXPECT_FALSE(SmallestSatisfyingOrgs(*other, {"Org1MSP", "Org2MSP"}).ok());
}

}  // namespace
}  // namespace loom::lab
