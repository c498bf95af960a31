// A SignaturePolicyEnvelope compiled once and evaluated many times with
// Fabric's semantics (common/cauthdsl/cauthdsl.go):
//
// - Signers are deduplicated first: identities with the same Key() count once
//   (the first occurrence is kept).
// - Each identity satisfies at most one principal. Evaluation walks the rule
//   tree depth-first, left to right, with a `used` mask:
//   * signed_by(i): the first identity, in the order given, that is not yet
//     used and satisfies identities[i] is marked used; the rule holds if one
//     was found.
//   * n_out_of(n, rules): every child is evaluated in turn (no early exit,
//     even after n are satisfied) on a copy of the mask; a child that holds
//     commits its copy, a child that fails is rolled back. The gate holds if
//     at least n children held (n may be negative or exceed the rule count,
//     as on the wire: then it always / never holds).
//   This is greedy: an identity is bound to the first principal it fits and
//   never reconsidered, so e.g. AND('A.member', 'A.peer') fails for signers
//   [peer-of-A, member-of-A] although another assignment would satisfy it —
//   exactly as Fabric decides. Satisfied children beyond n still consume
//   identities.
//
// Compile rejects (InvalidArgument, naming the rule path or identity index):
// version != 0, a missing rule, a rule with no type, signed_by out of range,
// gates nested deeper than kMaxCompiledNesting, and a referenced principal
// with an unsupported classification or malformed bytes.
//
// Thread safety: a CompiledSignaturePolicy is immutable; any number of
// threads may evaluate it (and copies of it, which share the compiled form)
// concurrently. Evaluation allocates only local scratch space.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/policies.pb.h"
#include "core/policy/identity.h"
#include "core/util/status.h"

namespace loom::policy {

// Deeper rule trees are rejected, bounding evaluation's recursion. (The C++
// protobuf parser cannot read envelopes nested beyond ~49 gates anyway.)
inline constexpr int kMaxCompiledNesting = 64;

struct CompiledProgram;  // defined in compiled_signature_policy.cc

// What happened at one rule of the tree during an evaluation.
struct RuleOutcome {
  bool satisfied = false;
  // Gates: how many children held.
  int satisfied_children = 0;
  // Principals: index (into the caller's identity span) of the identity that
  // was consumed for this principal, or -1. It may have been rolled back
  // later if an enclosing gate failed.
  int identity = -1;
  // Principals that found no identity: true when some identity satisfies the
  // principal but all such identities were already consumed by earlier rules
  // (Fabric's greedy assignment), false when no presented identity fits.
  bool blocked_by_used_identities = false;
};

// The explained result of one evaluation.
class SignaturePolicyResult {
 public:
  bool satisfied() const { return satisfied_; }

  // One entry per rule, in depth-first pre-order (the root is outcomes()[0]).
  const std::vector<RuleOutcome>& outcomes() const { return outcomes_; }

  // Indexes into envelope.identities() of the principals whose rules found
  // no identity, in rule order (a principal referenced by several failing
  // rules is listed once per rule).
  std::vector<int> UnsatisfiedPrincipals() const;

  // Number of distinct identities after deduplication by Key().
  int distinct_identities() const { return distinct_identities_; }

  // A readable tree, one rule per line, e.g.
  //   NOT SATISFIED: AND needs 2 of 2, got 1
  //     ok       'Org1MSP.peer' <- identity 0 (Org1MSP peer0)
  //     missing  'Org2MSP.peer': no presented identity satisfies it
  std::string Explain() const;

 private:
  friend class CompiledSignaturePolicy;
  std::shared_ptr<const CompiledProgram> program_;
  std::vector<RuleOutcome> outcomes_;
  std::vector<std::string> identity_names_;  // by caller index, for Explain
  bool satisfied_ = false;
  int distinct_identities_ = 0;
};

class CompiledSignaturePolicy final : public PolicyEvaluator {
 public:
  static Result<CompiledSignaturePolicy> Compile(const common::SignaturePolicyEnvelope& envelope);

  // From the marshalled envelope (common.Policy.value of a SIGNATURE policy).
  static Result<CompiledSignaturePolicy> CompileBytes(std::string_view envelope_bytes);

  // Fast path: no explanation is recorded.
  bool IsSatisfiedBy(IdentitySpan identities) const override;

  // Same decision, with every rule's outcome recorded for explanation.
  SignaturePolicyResult Evaluate(IdentitySpan identities) const;

  const common::SignaturePolicyEnvelope& envelope() const;

 private:
  explicit CompiledSignaturePolicy(std::shared_ptr<const CompiledProgram> program)
      : program_(std::move(program)) {}

  std::shared_ptr<const CompiledProgram> program_;
};

}  // namespace loom::policy
