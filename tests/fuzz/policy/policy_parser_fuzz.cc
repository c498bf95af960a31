// Fuzzes the policy text parsers. Invariants checked on every input:
// - a rejected signature policy names a column ("column N: ...");
// - an accepted one prints, re-parses to the identical envelope and prints
//   identically again, compiles, and its fast and explained evaluations agree;
// - ParsePolicy never crashes, and an accepted ImplicitMeta policy prints back
//   to the same text.
// Any violation aborts, which libFuzzer (or the corpus runner) reports.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/compiled_signature_policy.h"
#include "core/policy/policy_printer.h"
#include "core/policy/policy_text.h"
#include "core/policy/principal.h"
#include "core/policy/signature_policy_parser.h"

namespace {

void Fail(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "policy_parser_fuzz: %s\ninput: %.*s\n%s\n", what, static_cast<int>(input.size()),
               input.data(), detail.c_str());
  std::abort();
}

// Satisfies ROLE principals of one MSP for the roles it holds (MEMBER always).
class RoleIdentity : public loom::policy::Identity {
 public:
  RoleIdentity(std::string msp_id, int role) : msp_id_(std::move(msp_id)), role_(role) {
    key_ = msp_id_ + "/" + std::to_string(role_);
  }
  std::string_view Key() const override { return key_; }
  bool SatisfiesPrincipal(const common::MSPPrincipal& principal) const override {
    auto decoded = loom::policy::DecodeRolePrincipal(principal);
    return decoded.ok() && decoded->msp_id == msp_id_ &&
           (decoded->role == common::MSPRole::MEMBER || decoded->role == role_);
  }

 private:
  std::string msp_id_;
  int role_;
  std::string key_;
};

void CheckEvaluation(const common::SignaturePolicyEnvelope& envelope, std::string_view input) {
  auto compiled = loom::policy::CompiledSignaturePolicy::Compile(envelope);
  if (!compiled.ok()) Fail("parsed policy does not compile", input, compiled.status().ToString());
  // One identity per (MSP, role) named in the policy, plus a duplicate.
  std::set<std::pair<std::string, int>> wanted;
  for (const auto& principal : envelope.identities()) {
    auto decoded = loom::policy::DecodeRolePrincipal(principal);
    if (decoded.ok()) wanted.insert({decoded->msp_id, decoded->role});
  }
  std::vector<RoleIdentity> identities;
  identities.reserve(wanted.size());
  for (const auto& [msp_id, role] : wanted) identities.emplace_back(msp_id, role);
  std::vector<const loom::policy::Identity*> pointers;
  for (const auto& identity : identities) pointers.push_back(&identity);
  if (!pointers.empty()) pointers.push_back(pointers.front());
  // Every prefix of the signer list: fast and explained paths must agree.
  for (size_t count = 0; count <= pointers.size(); ++count) {
    const std::span<const loom::policy::Identity* const> span(pointers.data(), count);
    const bool fast = compiled->IsSatisfiedBy(span);
    const auto explained = compiled->Evaluate(span);
    if (fast != explained.satisfied())
      Fail("fast and explained evaluation disagree", input, explained.Explain());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto parsed = loom::policy::ParseSignaturePolicy(input);
  if (!parsed.ok()) {
    if (parsed.status().message().rfind("column ", 0) != 0) {
      Fail("error does not name a column", input, parsed.status().ToString());
    }
  } else {
    auto printed = loom::policy::ToString(*parsed);
    if (!printed.ok()) Fail("parsed policy does not print", input, printed.status().ToString());
    auto reparsed = loom::policy::ParseSignaturePolicy(*printed);
    if (!reparsed.ok())
      Fail("printed policy does not parse", input, *printed + "\n" + reparsed.status().ToString());
    if (reparsed->SerializeAsString() != parsed->SerializeAsString()) {
      Fail("round trip changed the envelope", input, *printed);
    }
    auto printed_again = loom::policy::ToString(*reparsed);
    if (!printed_again.ok() || *printed_again != *printed) Fail("printing is not stable", input, *printed);
    CheckEvaluation(*parsed, input);
  }

  auto policy = loom::policy::ParsePolicy(input);
  if (policy.ok() && policy->type() == common::Policy::IMPLICIT_META) {
    auto printed = loom::policy::ToString(*policy);
    if (!printed.ok() || *printed != input) Fail("ImplicitMeta policy does not print back", input, "");
  }
  return 0;
}
