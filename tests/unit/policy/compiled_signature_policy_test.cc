#include "core/policy/compiled_signature_policy.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/policy/principal.h"
#include "core/policy/signature_policy_parser.h"
#include "tests/unit/policy/fake_identity.h"

namespace loom::policy {
namespace {

using testing::FakeIdentity;

CompiledSignaturePolicy CompileOrDie(const std::string& text) {
  Result<common::SignaturePolicyEnvelope> envelope = ParseSignaturePolicy(text);
  EXPECT_TRUE(envelope.ok()) << envelope.status().ToString();
  Result<CompiledSignaturePolicy> compiled = CompiledSignaturePolicy::Compile(envelope.value());
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  return std::move(compiled).value();
}

// Evaluates both ways and checks they agree.
bool Satisfied(const CompiledSignaturePolicy& policy, std::vector<const Identity*> identities) {
  const bool fast = policy.IsSatisfiedBy(identities);
  EXPECT_EQ(policy.Evaluate(identities).satisfied(), fast);
  return fast;
}

TEST(CompiledSignaturePolicyTest, AndOfTwoOrgs) {
  const CompiledSignaturePolicy policy = CompileOrDie("AND('Org1MSP.peer', 'Org2MSP.peer')");
  auto org1 = FakeIdentity::Peer("Org1MSP");
  auto org2 = FakeIdentity::Peer("Org2MSP");
  auto org2_client = FakeIdentity::Client("Org2MSP");
  EXPECT_TRUE(Satisfied(policy, {&org1, &org2}));
  EXPECT_TRUE(Satisfied(policy, {&org2, &org1}));
  EXPECT_FALSE(Satisfied(policy, {&org1}));
  EXPECT_FALSE(Satisfied(policy, {&org1, &org2_client}));
  EXPECT_FALSE(Satisfied(policy, {}));

  const SignaturePolicyResult result = policy.Evaluate(std::vector<const Identity*>{&org1, &org2_client});
  EXPECT_EQ(result.UnsatisfiedPrincipals(), std::vector<int>{1});
}

TEST(CompiledSignaturePolicyTest, OrNeedsAnyOne) {
  const CompiledSignaturePolicy policy = CompileOrDie("OR('Org1MSP.admin', 'Org2MSP.admin')");
  auto admin1 = FakeIdentity::Admin("Org1MSP");
  auto admin2 = FakeIdentity::Admin("Org2MSP");
  auto peer1 = FakeIdentity::Peer("Org1MSP");
  EXPECT_TRUE(Satisfied(policy, {&admin1}));
  EXPECT_TRUE(Satisfied(policy, {&admin2}));
  EXPECT_TRUE(Satisfied(policy, {&peer1, &admin2}));
  EXPECT_FALSE(Satisfied(policy, {&peer1}));
}

TEST(CompiledSignaturePolicyTest, OutOfCountsDistinctSatisfiedRules) {
  const CompiledSignaturePolicy policy = CompileOrDie("OutOf(2, 'A.peer', 'B.peer', 'C.peer')");
  auto a = FakeIdentity::Peer("A");
  auto b = FakeIdentity::Peer("B");
  auto c = FakeIdentity::Peer("C");
  EXPECT_FALSE(Satisfied(policy, {&a}));
  EXPECT_TRUE(Satisfied(policy, {&a, &b}));
  EXPECT_TRUE(Satisfied(policy, {&c, &a}));
  EXPECT_TRUE(Satisfied(policy, {&a, &b, &c}));
}

TEST(CompiledSignaturePolicyTest, EveryRoleIsMatchedByItsOwnIdentities) {
  auto peer = FakeIdentity::Peer("Org1MSP");
  auto admin = FakeIdentity::Admin("Org1MSP");
  auto client = FakeIdentity::Client("Org1MSP");
  auto orderer = FakeIdentity::Orderer("Org1MSP");
  auto member = FakeIdentity::Member("Org1MSP");
  auto other_org_peer = FakeIdentity::Peer("Org2MSP");
  const std::vector<const FakeIdentity*> all = {&peer, &admin, &client, &orderer, &member, &other_org_peer};
  const std::vector<std::pair<std::string, std::vector<const FakeIdentity*>>> expectations = {
      {"peer", {&peer}},
      {"admin", {&admin}},
      {"client", {&client}},
      {"orderer", {&orderer}},
      {"member", {&peer, &admin, &client, &orderer, &member}},
  };
  for (const auto& [role, satisfying] : expectations) {
    const CompiledSignaturePolicy policy = CompileOrDie("OR('Org1MSP." + role + "')");
    for (const FakeIdentity* identity : all) {
      const bool expected = std::find(satisfying.begin(), satisfying.end(), identity) != satisfying.end();
      EXPECT_EQ(Satisfied(policy, {identity}), expected) << role << " vs " << identity->DisplayName();
    }
  }
}

TEST(CompiledSignaturePolicyTest, NestedPolicy) {
  const CompiledSignaturePolicy policy =
      CompileOrDie("OR(AND('A.member','B.member'), OutOf(2,'C.peer','D.peer','E.peer'))");
  auto a = FakeIdentity::Member("A");
  auto b = FakeIdentity::Member("B");
  auto c = FakeIdentity::Peer("C");
  auto d = FakeIdentity::Peer("D");
  auto e = FakeIdentity::Peer("E");
  auto c_client = FakeIdentity::Client("C");
  EXPECT_TRUE(Satisfied(policy, {&a, &b}));
  EXPECT_TRUE(Satisfied(policy, {&c, &e}));
  EXPECT_TRUE(Satisfied(policy, {&d, &a, &e}));
  EXPECT_FALSE(Satisfied(policy, {&a, &c}));
  EXPECT_FALSE(Satisfied(policy, {&c, &c_client}));
  EXPECT_FALSE(Satisfied(policy, {&b, &d}));
}

TEST(CompiledSignaturePolicyTest, DuplicateSignerCountsOnce) {
  const CompiledSignaturePolicy policy = CompileOrDie("AND('Org1MSP.member', 'Org1MSP.member')");
  auto peer = FakeIdentity::Peer("Org1MSP", "peer0");
  auto same_peer_again = FakeIdentity::Peer("Org1MSP", "peer0");  // equal Key()
  auto other_peer = FakeIdentity::Peer("Org1MSP", "peer1");
  EXPECT_FALSE(Satisfied(policy, {&peer, &peer}));
  EXPECT_FALSE(Satisfied(policy, {&peer, &same_peer_again}));
  EXPECT_TRUE(Satisfied(policy, {&peer, &other_peer}));
  EXPECT_EQ(
      policy.Evaluate(std::vector<const Identity*>{&peer, &same_peer_again, &peer}).distinct_identities(), 1);
}

TEST(CompiledSignaturePolicyTest, OneIdentitySatisfiesOnlyOnePrincipal) {
  const CompiledSignaturePolicy policy = CompileOrDie("AND('Org1MSP.member', 'Org1MSP.peer')");
  auto peer = FakeIdentity::Peer("Org1MSP");  // satisfies both principals
  auto admin = FakeIdentity::Admin("Org1MSP");
  EXPECT_FALSE(Satisfied(policy, {&peer}));
  EXPECT_TRUE(Satisfied(policy, {&admin, &peer}));
}

// Fabric binds each identity to the first principal it fits and never
// reconsiders: with the peer listed first, 'member' takes the peer and 'peer'
// finds nothing, although member->admin, peer->peer would work.
TEST(CompiledSignaturePolicyTest, GreedyAssignmentFailsAsFabricDoes) {
  const CompiledSignaturePolicy policy = CompileOrDie("AND('Org1MSP.member', 'Org1MSP.peer')");
  auto peer = FakeIdentity::Peer("Org1MSP");
  auto admin = FakeIdentity::Admin("Org1MSP");
  EXPECT_FALSE(Satisfied(policy, {&peer, &admin}));
  EXPECT_TRUE(Satisfied(policy, {&admin, &peer}));

  const SignaturePolicyResult result = policy.Evaluate(std::vector<const Identity*>{&peer, &admin});
  ASSERT_EQ(result.outcomes().size(), 3u);
  EXPECT_EQ(result.outcomes()[1].identity, 0);  // 'member' took the peer
  EXPECT_EQ(result.outcomes()[2].identity, -1);
  EXPECT_TRUE(result.outcomes()[2].blocked_by_used_identities);
  EXPECT_EQ(result.UnsatisfiedPrincipals(), std::vector<int>{1});
}

// A gate evaluates every child even after reaching n, and satisfied children
// keep the identities they took.
TEST(CompiledSignaturePolicyTest, SatisfiedChildrenBeyondThresholdStillConsumeIdentities) {
  const CompiledSignaturePolicy policy = CompileOrDie("AND(OR('A.member', 'A.member'), 'A.member')");
  auto first = FakeIdentity::Member("A", "one");
  auto second = FakeIdentity::Member("A", "two");
  auto third = FakeIdentity::Member("A", "three");
  EXPECT_FALSE(Satisfied(policy, {&first, &second}));
  EXPECT_TRUE(Satisfied(policy, {&first, &second, &third}));
}

// A failed child gives back what it took: the inner AND takes A then fails
// on B, so the later 'A.member' can still use A.
TEST(CompiledSignaturePolicyTest, FailedBranchRestoresUsedIdentities) {
  const CompiledSignaturePolicy policy = CompileOrDie("OR(AND('A.member', 'B.member'), 'A.member')");
  auto a = FakeIdentity::Member("A");
  EXPECT_TRUE(Satisfied(policy, {&a}));
  const SignaturePolicyResult result = policy.Evaluate(std::vector<const Identity*>{&a});
  EXPECT_NE(result.Explain().find("(given back: an enclosing rule failed)"), std::string::npos)
      << result.Explain();
}

TEST(CompiledSignaturePolicyTest, ThresholdsZeroAndCountPlusOne) {
  auto a = FakeIdentity::Peer("A");
  auto b = FakeIdentity::Peer("B");
  EXPECT_TRUE(Satisfied(CompileOrDie("OutOf(0, 'A.peer', 'B.peer')"), {}));
  EXPECT_FALSE(Satisfied(CompileOrDie("OutOf(3, 'A.peer', 'B.peer')"), {&a, &b}));
}

TEST(CompiledSignaturePolicyTest, WireThresholdsOutsideTheLanguageFollowFabric) {
  common::SignaturePolicyEnvelope envelope = ParseSignaturePolicy("AND('A.peer', 'B.peer')").value();
  auto a = FakeIdentity::Peer("A");
  envelope.mutable_rule()->mutable_n_out_of()->set_n(-5);  // verified >= n always holds
  EXPECT_TRUE(Satisfied(CompiledSignaturePolicy::Compile(envelope).value(), {}));
  envelope.mutable_rule()->mutable_n_out_of()->set_n(9);
  EXPECT_FALSE(Satisfied(CompiledSignaturePolicy::Compile(envelope).value(), {&a}));
}

TEST(CompiledSignaturePolicyTest, NullIdentitiesAreIgnored) {
  const CompiledSignaturePolicy policy = CompileOrDie("OR('A.peer')");
  auto a = FakeIdentity::Peer("A");
  EXPECT_TRUE(Satisfied(policy, {nullptr, &a, nullptr}));
  EXPECT_EQ(policy.Evaluate(std::vector<const Identity*>{nullptr, &a}).outcomes()[1].identity, 1);
}

TEST(CompiledSignaturePolicyTest, ManySignersUseSeveralMaskWords) {
  // 99 members of A and one peer of Z: the peer sits past the first 64-bit word.
  std::vector<std::unique_ptr<FakeIdentity>> owned;
  std::vector<const Identity*> identities;
  for (int i = 0; i < 99; ++i) {
    owned.push_back(std::make_unique<FakeIdentity>("A", std::set<common::MSPRole::MSPRoleType>{},
                                                   "m" + std::to_string(i)));
    identities.push_back(owned.back().get());
  }
  identities.push_back(identities[5]);  // a duplicate, found through the hash set
  owned.push_back(std::make_unique<FakeIdentity>("Z", std::set{common::MSPRole::PEER}, "z"));
  identities.push_back(owned.back().get());

  const CompiledSignaturePolicy policy = CompileOrDie("AND('Z.peer', OutOf(70, " + [] {
    std::string args;
    for (int i = 0; i < 70; ++i) args += std::string(i ? ", " : "") + "'A.member'";
    return args;
  }() + "))");
  const SignaturePolicyResult result = policy.Evaluate(identities);
  EXPECT_TRUE(result.satisfied());
  EXPECT_EQ(result.distinct_identities(), 100);
  EXPECT_EQ(result.outcomes()[0].satisfied_children, 2);

  identities.resize(60);  // too few A members left for 70
  identities.push_back(owned.back().get());
  EXPECT_FALSE(Satisfied(policy, identities));
}

TEST(CompiledSignaturePolicyTest, AsksEachIdentityAboutEachPrincipalAtMostOnce) {
  // The same principal in three rules: its answer is remembered per evaluation.
  const CompiledSignaturePolicy policy = CompileOrDie("OR('A.peer', 'A.peer', 'A.peer')");
  auto client = FakeIdentity::Client("A");
  EXPECT_FALSE(policy.IsSatisfiedBy(std::vector<const Identity*>{&client}));
  EXPECT_LE(client.calls(), 3);

  common::SignaturePolicyEnvelope shared = ParseSignaturePolicy("OR('A.peer', 'A.peer', 'A.peer')").value();
  for (int i = 0; i < 3; ++i) shared.mutable_rule()->mutable_n_out_of()->mutable_rules(i)->set_signed_by(0);
  auto other = FakeIdentity::Client("A", "other");
  EXPECT_FALSE(
      CompiledSignaturePolicy::Compile(shared).value().IsSatisfiedBy(std::vector<const Identity*>{&other}));
  EXPECT_EQ(other.calls(), 1);
}

TEST(CompiledSignaturePolicyTest, ExplainsWhatWasMissing) {
  const CompiledSignaturePolicy policy = CompileOrDie("AND('Org1MSP.peer', 'Org2MSP.peer')");
  auto org1 = FakeIdentity::Peer("Org1MSP");
  const SignaturePolicyResult result = policy.Evaluate(std::vector<const Identity*>{&org1});
  EXPECT_FALSE(result.satisfied());
  EXPECT_EQ(result.Explain(),
            "policy NOT satisfied (1 distinct identities presented)\n"
            "FAILED  AND: 1 of 2 held, 2 required\n"
            "  ok      'Org1MSP.peer' <- identity 0 (Org1MSP peer0)\n"
            "  FAILED  'Org2MSP.peer': no presented identity satisfies it\n");
}

TEST(CompiledSignaturePolicyTest, ConcurrentEvaluationsAgree) {
  const CompiledSignaturePolicy policy =
      CompileOrDie("OR(AND('A.member','B.member'), OutOf(2,'C.peer','D.peer','E.peer'))");
  auto a = FakeIdentity::Member("A");
  auto c = FakeIdentity::Peer("C");
  auto e = FakeIdentity::Peer("E");
  const std::vector<const Identity*> good = {&c, &e};
  const std::vector<const Identity*> bad = {&a, &c};
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const CompiledSignaturePolicy copy = policy;  // copies share the compiled form
      for (int i = 0; i < 2000; ++i) {
        if (!copy.IsSatisfiedBy(good) || copy.IsSatisfiedBy(bad)) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(CompiledSignaturePolicyTest, CompileRejectsMalformedEnvelopes) {
  const common::SignaturePolicyEnvelope good = ParseSignaturePolicy("AND('A.peer', 'B.peer')").value();

  common::SignaturePolicyEnvelope versioned = good;
  versioned.set_version(1);
  EXPECT_EQ(CompiledSignaturePolicy::Compile(versioned).status().message(),
            "SignaturePolicyEnvelope version 1 is not supported (only version 0)");

  common::SignaturePolicyEnvelope no_rule = good;
  no_rule.clear_rule();
  EXPECT_EQ(CompiledSignaturePolicy::Compile(no_rule).status().message(),
            "SignaturePolicyEnvelope: rule is missing");

  common::SignaturePolicyEnvelope out_of_range = good;
  out_of_range.mutable_rule()->mutable_n_out_of()->mutable_rules(1)->set_signed_by(2);
  EXPECT_EQ(CompiledSignaturePolicy::Compile(out_of_range).status().message(),
            "rule.n_out_of.rules[1]: signed_by 2 is out of range (2 identities)");

  common::SignaturePolicyEnvelope no_type = good;
  no_type.mutable_rule()->mutable_n_out_of()->mutable_rules(0)->Clear();
  EXPECT_EQ(CompiledSignaturePolicy::Compile(no_type).status().message(),
            "rule.n_out_of.rules[0]: rule has neither signed_by nor n_out_of");

  common::SignaturePolicyEnvelope unsupported = good;
  unsupported.mutable_identities(0)->set_principal_classification(
      static_cast<common::MSPPrincipal::Classification>(9));
  EXPECT_EQ(CompiledSignaturePolicy::Compile(unsupported).status().message(),
            "identities[0]: unsupported principal classification 9");

  common::SignaturePolicyEnvelope garbage = good;
  garbage.mutable_identities(1)->set_principal("\xff\xff\xff");
  EXPECT_EQ(CompiledSignaturePolicy::Compile(garbage).status().message(),
            "identities[1]: ROLE principal: bytes are not a common.MSPRole");

  common::SignaturePolicyEnvelope bad_role = good;
  common::MSPRole role;
  role.set_msp_identifier("A");
  role.set_role(static_cast<common::MSPRole::MSPRoleType>(42));
  bad_role.mutable_identities(0)->set_principal(role.SerializeAsString());
  EXPECT_EQ(CompiledSignaturePolicy::Compile(bad_role).status().message(),
            "identities[0]: ROLE principal for MSP 'A': unknown role 42");

  common::SignaturePolicyEnvelope empty_combined = good;
  empty_combined.mutable_identities(0)->set_principal_classification(common::MSPPrincipal::COMBINED);
  empty_combined.mutable_identities(0)->set_principal("");
  EXPECT_EQ(CompiledSignaturePolicy::Compile(empty_combined).status().message(),
            "identities[0]: COMBINED principal: no principals in CombinedPrincipal");

  EXPECT_EQ(CompiledSignaturePolicy::CompileBytes("\x12\xff").status().message(),
            "bytes are not a common.SignaturePolicyEnvelope");

  common::SignaturePolicyEnvelope deep;
  *deep.add_identities() = MakeRolePrincipal({"A", common::MSPRole::PEER});
  common::SignaturePolicy* rule = deep.mutable_rule();
  for (int i = 0; i <= kMaxCompiledNesting; ++i) {
    rule->mutable_n_out_of()->set_n(1);
    rule = rule->mutable_n_out_of()->add_rules();
  }
  rule->set_signed_by(0);
  EXPECT_FALSE(CompiledSignaturePolicy::Compile(deep).ok());
}

TEST(CompiledSignaturePolicyTest, AcceptsWellFormedPrincipalsOfOtherClassifications) {
  common::SignaturePolicyEnvelope envelope = ParseSignaturePolicy("OR('A.peer', 'B.peer')").value();
  common::OrganizationUnit unit;
  unit.set_msp_identifier("A");
  unit.set_organizational_unit_identifier("sales");
  common::CombinedPrincipal combined;
  *combined.add_principals() = MakeRolePrincipal({"A", common::MSPRole::ADMIN});
  common::MSPPrincipal* ou = combined.add_principals();
  ou->set_principal_classification(common::MSPPrincipal::ORGANIZATION_UNIT);
  ou->set_principal(unit.SerializeAsString());
  envelope.mutable_identities(1)->set_principal_classification(common::MSPPrincipal::COMBINED);
  envelope.mutable_identities(1)->set_principal(combined.SerializeAsString());

  Result<CompiledSignaturePolicy> compiled = CompiledSignaturePolicy::Compile(envelope);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  auto b = FakeIdentity::Peer("B");  // the fake satisfies only ROLE principals
  const SignaturePolicyResult result = compiled->Evaluate(std::vector<const Identity*>{&b});
  EXPECT_FALSE(result.satisfied());
  EXPECT_NE(result.Explain().find("all of ('A.admin', OU 'sales' of A)"), std::string::npos)
      << result.Explain();
}

}  // namespace
}  // namespace loom::policy
