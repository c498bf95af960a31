// PolicyIdentity: MSP identities evaluated by core/policy's signature policies.
#include "core/msp/policy_identity.h"

#include <gtest/gtest.h>

#include "core/policy/compiled_signature_policy.h"
#include "core/policy/signature_policy_parser.h"
#include "tests/unit/msp/msp_test_util.h"

namespace loom::msp {
namespace {

using testing::IssueOptions;
using testing::TestOrg;

policy::CompiledSignaturePolicy Compile(const std::string& text) {
  auto envelope = policy::ParseSignaturePolicy(text);
  EXPECT_TRUE(envelope.ok()) << envelope.status().ToString();
  auto compiled = policy::CompiledSignaturePolicy::Compile(*envelope);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  return std::move(compiled).value();
}

Identity Make(const Msp& msp, const TestOrg& org, const std::string& cn, const std::string& ou,
              IssueOptions options = {}) {
  options.ous = {ou};
  auto identity = msp.IdentityFromCertificate(org.Issue(cn, options).certificate);
  EXPECT_TRUE(identity.ok());
  return std::move(identity).value();
}

TEST(PolicyIdentityTest, EndorsementPolicyOverTwoOrgs) {
  TestOrg org1("org1.example.com");
  TestOrg org2("org2.example.com");
  auto msp1 = Msp::FromFabricMspConfig(org1.Config("Org1MSP", true));
  auto msp2 = Msp::FromFabricMspConfig(org2.Config("Org2MSP", true));
  ASSERT_TRUE(msp1.ok() && msp2.ok());

  PolicyIdentity peer1(Make(*msp1, org1, "peer0.org1.example.com", "peer"));
  PolicyIdentity client1(Make(*msp1, org1, "User1@org1.example.com", "client"));
  PolicyIdentity peer2(Make(*msp2, org2, "peer0.org2.example.com", "peer"));
  EXPECT_EQ(peer1.Key(), peer1.identity().serialized());
  EXPECT_EQ(peer1.DisplayName(), "Org1MSP peer0.org1.example.com");

  policy::CompiledSignaturePolicy both = Compile("AND('Org1MSP.peer','Org2MSP.peer')");
  const policy::Identity* good[] = {&peer1, &peer2};
  const policy::Identity* wrong_role[] = {&client1, &peer2};
  const policy::Identity* one_org[] = {&peer1, &peer1};
  EXPECT_TRUE(both.IsSatisfiedBy(good));
  EXPECT_FALSE(both.IsSatisfiedBy(wrong_role));
  EXPECT_FALSE(both.IsSatisfiedBy(one_org));
  EXPECT_TRUE(Compile("OR('Org1MSP.member')").IsSatisfiedBy(wrong_role));

  // Judged at the adapter's time: an identity outside its validity window
  // satisfies nothing.
  auto now = Clock::now();
  IssueOptions expired;
  expired.not_before = now - std::chrono::hours(48);
  expired.not_after = now - std::chrono::hours(24);
  Identity old_peer = Make(*msp2, org2, "peer1.org2.example.com", "peer", expired);
  PolicyIdentity old_now(old_peer, now);
  PolicyIdentity old_then(old_peer, now - std::chrono::hours(36));
  const policy::Identity* late[] = {&peer1, &old_now};
  const policy::Identity* in_time[] = {&peer1, &old_then};
  EXPECT_FALSE(both.IsSatisfiedBy(late));
  EXPECT_TRUE(both.IsSatisfiedBy(in_time));
}

}  // namespace
}  // namespace loom::msp
