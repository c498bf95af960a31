// Policy parse and evaluation cost. Identities here answer SatisfiesPrincipal
// by comparing principal bytes, so the figures are the evaluator's own
// overhead; a real MSP identity adds its principal check on top.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/policy/compiled_signature_policy.h"
#include "core/policy/principal.h"
#include "core/policy/signature_policy_parser.h"

namespace loom::policy {
namespace {

class BenchIdentity : public Identity {
 public:
  BenchIdentity(const std::string& msp_id, common::MSPRole::MSPRoleType role)
      : key_(msp_id + "/" + std::to_string(role)),
        member_(MakeRolePrincipal({msp_id, common::MSPRole::MEMBER}).principal()),
        role_(MakeRolePrincipal({msp_id, role}).principal()) {}

  std::string_view Key() const override { return key_; }
  bool SatisfiesPrincipal(const common::MSPPrincipal& principal) const override {
    return principal.principal_classification() == common::MSPPrincipal::ROLE &&
           (principal.principal() == member_ || principal.principal() == role_);
  }

 private:
  std::string key_, member_, role_;
};

std::string OrgPeers(int count) {
  std::string args;
  for (int i = 1; i <= count; ++i) args += (i > 1 ? ", 'Org" : "'Org") + std::to_string(i) + "MSP.peer'";
  return args;
}

CompiledSignaturePolicy Compile(const std::string& text) {
  return CompiledSignaturePolicy::Compile(ParseSignaturePolicy(text).value()).value();
}

void RunEvaluation(benchmark::State& state, const std::string& text, int identity_count) {
  const CompiledSignaturePolicy policy = Compile(text);
  std::vector<BenchIdentity> identities;
  identities.reserve(identity_count);
  for (int i = 1; i <= identity_count; ++i) {
    identities.emplace_back("Org" + std::to_string(i) + "MSP", common::MSPRole::PEER);
  }
  std::vector<const Identity*> pointers;
  for (const auto& identity : identities) pointers.push_back(&identity);
  if (!policy.IsSatisfiedBy(pointers)) state.SkipWithError("benchmark policy is not satisfied");
  for (auto _ : state) benchmark::DoNotOptimize(policy.IsSatisfiedBy(pointers));
}

void BM_ParseAndOfTwoOrgs(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ParseSignaturePolicy("AND('Org1MSP.peer', 'Org2MSP.peer')"));
}
BENCHMARK(BM_ParseAndOfTwoOrgs);

void BM_ParseNested(benchmark::State& state) {
  const std::string text = "OR(AND('Org1MSP.member','Org2MSP.member'), OutOf(2," + OrgPeers(5) + "))";
  for (auto _ : state) benchmark::DoNotOptimize(ParseSignaturePolicy(text));
}
BENCHMARK(BM_ParseNested);

void BM_CompileAndOfTwoOrgs(benchmark::State& state) {
  const common::SignaturePolicyEnvelope envelope = ParseSignaturePolicy("AND(" + OrgPeers(2) + ")").value();
  for (auto _ : state) benchmark::DoNotOptimize(CompiledSignaturePolicy::Compile(envelope));
}
BENCHMARK(BM_CompileAndOfTwoOrgs);

void BM_EvaluateAndOfTwoOrgs(benchmark::State& state) {
  RunEvaluation(state, "AND(" + OrgPeers(2) + ")", 2);
}
BENCHMARK(BM_EvaluateAndOfTwoOrgs);

void BM_EvaluateThreeOutOfFive(benchmark::State& state) {
  RunEvaluation(state, "OutOf(3, " + OrgPeers(5) + ")", 5);
}
BENCHMARK(BM_EvaluateThreeOutOfFive);

// Majority of 8 orgs (5 of 8), all 8 endorsing.
void BM_EvaluateMajorityOfEight(benchmark::State& state) {
  RunEvaluation(state, "OutOf(5, " + OrgPeers(8) + ")", 8);
}
BENCHMARK(BM_EvaluateMajorityOfEight);

void BM_ExplainMajorityOfEight(benchmark::State& state) {
  const CompiledSignaturePolicy policy = Compile("OutOf(5, " + OrgPeers(8) + ")");
  std::vector<BenchIdentity> identities;
  for (int i = 1; i <= 8; ++i)
    identities.emplace_back("Org" + std::to_string(i) + "MSP", common::MSPRole::PEER);
  std::vector<const Identity*> pointers;
  for (const auto& identity : identities) pointers.push_back(&identity);
  for (auto _ : state) benchmark::DoNotOptimize(policy.Evaluate(pointers));
}
BENCHMARK(BM_ExplainMajorityOfEight);

}  // namespace
}  // namespace loom::policy
