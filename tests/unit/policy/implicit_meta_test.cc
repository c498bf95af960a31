#include "core/policy/implicit_meta.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/policy/compiled_signature_policy.h"
#include "core/policy/policy_text.h"
#include "core/policy/signature_policy_parser.h"
#include "tests/unit/policy/fake_identity.h"

namespace loom::policy {
namespace {

using testing::FakeIdentity;

TEST(ImplicitMetaParseTest, ParsesFabricsThreeRules) {
  const std::vector<std::tuple<std::string, common::ImplicitMetaPolicy::Rule, std::string>> cases = {
      {"ANY Readers", common::ImplicitMetaPolicy::ANY, "Readers"},
      {"ALL Writers", common::ImplicitMetaPolicy::ALL, "Writers"},
      {"MAJORITY Admins", common::ImplicitMetaPolicy::MAJORITY, "Admins"},
      {"ANY Endorsement", common::ImplicitMetaPolicy::ANY, "Endorsement"},
  };
  for (const auto& [text, rule, sub_policy] : cases) {
    Result<common::ImplicitMetaPolicy> parsed = ParseImplicitMetaPolicy(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->rule(), rule) << text;
    EXPECT_EQ(parsed->sub_policy(), sub_policy) << text;
  }
}

TEST(ImplicitMetaParseTest, ErrorsNameTheColumn) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "column 1: empty policy: expected ANY, ALL or MAJORITY and a sub-policy name"},
      {"any Readers", "column 1: unknown rule 'any': expected ANY, ALL or MAJORITY (upper case)"},
      {"Majority Admins", "column 1: unknown rule 'Majority': expected ANY, ALL or MAJORITY (upper case)"},
      {" ANY Readers", "column 1: expected ANY, ALL or MAJORITY but found ' '"},
      {"ANY", "column 4: expected ' ' and a sub-policy name after ANY but found end of input"},
      {"ANY ", "column 5: expected a sub-policy name after 'ANY ' but found end of input"},
      {"ANY  Readers",
       "column 5: expected end of input after the sub-policy name but found ' ' (an ImplicitMeta policy is "
       "exactly two words, separated by one space)"},
      {"ALL Writers now",
       "column 12: expected end of input after the sub-policy name but found ' ' (an ImplicitMeta policy is "
       "exactly two words, separated by one space)"},
      {"ALL Wri\tters", "column 8: sub-policy name 'Wri...' may contain only printable ASCII characters"},
      {"ANY R\xe9"
       "aders",
       "column 6: sub-policy name 'R...' may contain only printable ASCII characters"},
  };
  for (const auto& [text, message] : cases) {
    Result<common::ImplicitMetaPolicy> parsed = ParseImplicitMetaPolicy(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_TRUE(parsed.status().IsInvalidArgument());
    EXPECT_EQ(parsed.status().message(), message) << text;
  }
}

TEST(ImplicitMetaThresholdTest, MatchesFabricsFormula) {
  // {children: ANY, ALL, MAJORITY}
  const std::vector<std::array<int, 4>> table = {
      {0, 0, 0, 0}, {1, 1, 1, 1}, {2, 1, 2, 2}, {3, 1, 3, 2}, {4, 1, 4, 3}, {5, 1, 5, 3},
  };
  for (const auto& [children, any, all, majority] : table) {
    EXPECT_EQ(ImplicitMetaThreshold(common::ImplicitMetaPolicy::ANY, children), any) << children;
    EXPECT_EQ(ImplicitMetaThreshold(common::ImplicitMetaPolicy::ALL, children), all) << children;
    EXPECT_EQ(ImplicitMetaThreshold(common::ImplicitMetaPolicy::MAJORITY, children), majority) << children;
  }
}

common::ImplicitMetaPolicy Rule(common::ImplicitMetaPolicy::Rule rule) {
  common::ImplicitMetaPolicy policy;
  policy.set_rule(rule);
  policy.set_sub_policy("Admins");
  return policy;
}

// Every combination of 1..4 child results, against the rules stated directly.
TEST(ImplicitMetaEvaluateTest, AnyAllMajorityOverOneToFourChildren) {
  for (int children = 1; children <= 4; ++children) {
    for (int bits = 0; bits < (1 << children); ++bits) {
      std::vector<bool> results(children);
      int held = 0;
      for (int i = 0; i < children; ++i) {
        results[i] = (bits >> i) & 1;
        held += results[i] ? 1 : 0;
      }
      const std::string label = std::to_string(held) + " of " + std::to_string(children);
      EXPECT_EQ(EvaluateImplicitMeta(Rule(common::ImplicitMetaPolicy::ANY), results).satisfied, held >= 1)
          << label;
      EXPECT_EQ(EvaluateImplicitMeta(Rule(common::ImplicitMetaPolicy::ALL), results).satisfied,
                held == children)
          << label;
      EXPECT_EQ(EvaluateImplicitMeta(Rule(common::ImplicitMetaPolicy::MAJORITY), results).satisfied,
                2 * held > children)
          << label;
    }
  }
}

TEST(ImplicitMetaEvaluateTest, ZeroChildrenAlwaysHold) {
  for (auto rule : {common::ImplicitMetaPolicy::ANY, common::ImplicitMetaPolicy::ALL,
                    common::ImplicitMetaPolicy::MAJORITY}) {
    EXPECT_TRUE(EvaluateImplicitMeta(Rule(rule), {}).satisfied) << rule;
    Result<ImplicitMetaPolicyEvaluator> evaluator = ImplicitMetaPolicyEvaluator::Create(Rule(rule), {});
    ASSERT_TRUE(evaluator.ok());
    EXPECT_TRUE(evaluator->IsSatisfiedBy({}));
  }
}

TEST(ImplicitMetaEvaluateTest, ExplainsInFabricsWords) {
  const ImplicitMetaResult result =
      EvaluateImplicitMeta(Rule(common::ImplicitMetaPolicy::MAJORITY), {true, false, false});
  EXPECT_FALSE(result.satisfied);
  EXPECT_EQ(
      result.Explain("Admins"),
      "implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the "
      "'Admins' sub-policies to be satisfied");
}

std::shared_ptr<const PolicyEvaluator> OrgAdmins(const std::string& msp) {
  return std::make_shared<CompiledSignaturePolicy>(
      CompiledSignaturePolicy::Compile(ParseSignaturePolicy("OR('" + msp + ".admin')").value()).value());
}

TEST(ImplicitMetaPolicyEvaluatorTest, MajorityOfOrgAdmins) {
  Result<ImplicitMetaPolicyEvaluator> majority = ImplicitMetaPolicyEvaluator::Create(
      Rule(common::ImplicitMetaPolicy::MAJORITY), {{"Org1MSP", OrgAdmins("Org1MSP")},
                                                   {"Org2MSP", OrgAdmins("Org2MSP")},
                                                   {"Org3MSP", OrgAdmins("Org3MSP")}});
  ASSERT_TRUE(majority.ok());
  EXPECT_EQ(majority->threshold(), 2);
  auto admin1 = FakeIdentity::Admin("Org1MSP");
  auto admin3 = FakeIdentity::Admin("Org3MSP");
  auto peer2 = FakeIdentity::Peer("Org2MSP");
  EXPECT_FALSE(majority->IsSatisfiedBy(std::vector<const Identity*>{&admin1, &peer2}));
  EXPECT_TRUE(majority->IsSatisfiedBy(std::vector<const Identity*>{&admin1, &admin3}));

  std::vector<bool> child_results;
  const ImplicitMetaResult result = majority->Evaluate(std::vector<const Identity*>{&admin3}, &child_results);
  EXPECT_FALSE(result.satisfied);
  EXPECT_EQ(result.satisfied_count, 1);
  EXPECT_EQ(child_results, (std::vector<bool>{false, false, true}));
}

TEST(ImplicitMetaPolicyEvaluatorTest, ChildWithoutTheSubPolicyCountsAndNeverHolds) {
  Result<ImplicitMetaPolicyEvaluator> all = ImplicitMetaPolicyEvaluator::Create(
      Rule(common::ImplicitMetaPolicy::ALL), {{"Org1MSP", OrgAdmins("Org1MSP")}, {"Org2MSP", nullptr}});
  ASSERT_TRUE(all.ok());
  auto admin1 = FakeIdentity::Admin("Org1MSP");
  auto admin2 = FakeIdentity::Admin("Org2MSP");
  EXPECT_EQ(all->threshold(), 2);
  EXPECT_FALSE(all->IsSatisfiedBy(std::vector<const Identity*>{&admin1, &admin2}));
}

class CountingEvaluator : public PolicyEvaluator {
 public:
  explicit CountingEvaluator(bool answer) : answer_(answer) {}
  bool IsSatisfiedBy(IdentitySpan) const override {
    ++calls_;
    return answer_;
  }
  int calls() const { return calls_.load(); }

 private:
  bool answer_;
  mutable std::atomic<int> calls_{0};
};

TEST(ImplicitMetaPolicyEvaluatorTest, StopsAtTheThresholdLikeFabric) {
  auto first = std::make_shared<CountingEvaluator>(true);
  auto second = std::make_shared<CountingEvaluator>(true);
  Result<ImplicitMetaPolicyEvaluator> any = ImplicitMetaPolicyEvaluator::Create(
      Rule(common::ImplicitMetaPolicy::ANY), {{"a", first}, {"b", second}});
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(any->IsSatisfiedBy({}));
  EXPECT_EQ(first->calls(), 1);
  EXPECT_EQ(second->calls(), 0);
  // Evaluate() asks every child, for the explanation.
  EXPECT_EQ(any->Evaluate({}).satisfied_count, 2);
  EXPECT_EQ(second->calls(), 1);
}

TEST(ImplicitMetaPolicyEvaluatorTest, NestsLikeChannelGroups) {
  // /Channel Admins = MAJORITY of /Channel/Application Admins = MAJORITY of org Admins.
  auto application = std::make_shared<ImplicitMetaPolicyEvaluator>(
      ImplicitMetaPolicyEvaluator::Create(
          Rule(common::ImplicitMetaPolicy::MAJORITY),
          {{"Org1MSP", OrgAdmins("Org1MSP")}, {"Org2MSP", OrgAdmins("Org2MSP")}})
          .value());
  Result<ImplicitMetaPolicyEvaluator> channel = ImplicitMetaPolicyEvaluator::Create(
      Rule(common::ImplicitMetaPolicy::MAJORITY), {{"Application", application}});
  ASSERT_TRUE(channel.ok());
  auto admin1 = FakeIdentity::Admin("Org1MSP");
  auto admin2 = FakeIdentity::Admin("Org2MSP");
  EXPECT_FALSE(channel->IsSatisfiedBy(std::vector<const Identity*>{&admin1}));
  EXPECT_TRUE(channel->IsSatisfiedBy(std::vector<const Identity*>{&admin1, &admin2}));
}

TEST(ImplicitMetaPolicyEvaluatorTest, RejectsUnknownRules) {
  Result<ImplicitMetaPolicyEvaluator> bad =
      ImplicitMetaPolicyEvaluator::Create(Rule(static_cast<common::ImplicitMetaPolicy::Rule>(7)), {});
  EXPECT_FALSE(bad.ok());
}

TEST(ParsePolicyTest, DecidesTheKindByShape) {
  Result<common::Policy> implicit_meta = ParsePolicy("MAJORITY Admins");
  ASSERT_TRUE(implicit_meta.ok());
  EXPECT_EQ(implicit_meta->type(), common::Policy::IMPLICIT_META);
  common::ImplicitMetaPolicy decoded_meta;
  ASSERT_TRUE(decoded_meta.ParseFromString(implicit_meta->value()));
  EXPECT_EQ(decoded_meta.rule(), common::ImplicitMetaPolicy::MAJORITY);
  EXPECT_EQ(decoded_meta.sub_policy(), "Admins");

  Result<common::Policy> signature = ParsePolicy("AND('Org1MSP.peer', 'Org2MSP.member')");
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(signature->type(), common::Policy::SIGNATURE);
  EXPECT_EQ(signature->value(),
            ParseSignaturePolicy("AND('Org1MSP.peer', 'Org2MSP.member')")->SerializeAsString());

  // "Any" is a misspelt ImplicitMeta rule, not a signature operator.
  EXPECT_EQ(ParsePolicy("Any Readers").status().message(),
            "column 1: unknown rule 'Any': expected ANY, ALL or MAJORITY (upper case)");
  EXPECT_EQ(ParsePolicy("OR('A.member' 'B.member')").status().message(),
            "column 15: expected ',' or ')' but found string 'B.member'");
  EXPECT_FALSE(ParsePolicy("").ok());
  EXPECT_EQ(ClassifyPolicyText("ALL(x)"), PolicyTextKind::kImplicitMeta);
  EXPECT_EQ(ClassifyPolicyText("AND('A.peer')"), PolicyTextKind::kSignature);
}

}  // namespace
}  // namespace loom::policy
