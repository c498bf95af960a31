// ImplicitMeta policies: "ANY Readers", "ALL Writers", "MAJORITY Admins".
//
// Facts from Fabric (internal/configtxgen/encoder ImplicitMetaFromString and
// common/policies/implicitmeta.go) that this follows:
// - The text is split on single spaces into exactly two parts; the rule must
//   be ANY, ALL or MAJORITY in upper case; the second part is the sub-policy
//   name. Loom additionally rejects an empty name and names with anything but
//   printable ASCII (no config key can hold them).
// - An ImplicitMeta policy of a config group evaluates the named sub-policy of
//   every child group. A child without that sub-policy still counts and never
//   holds (Fabric substitutes a policy that rejects everything).
// - Threshold: ANY = 1, ALL = number of children, MAJORITY = children / 2 + 1;
//   with zero children the threshold is 0, so the policy holds for any rule.
// - Evaluation stops as soon as the threshold is reached.
// All functions are pure; ImplicitMetaPolicyEvaluator is immutable and
// thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/policies.pb.h"
#include "core/policy/identity.h"
#include "core/util/status.h"

namespace loom::policy {

// Errors are InvalidArgument starting with "column N: ".
Result<common::ImplicitMetaPolicy> ParseImplicitMetaPolicy(std::string_view text);

// How many children must hold (Fabric's formula, see above).
int ImplicitMetaThreshold(common::ImplicitMetaPolicy::Rule rule, int child_count);

struct ImplicitMetaResult {
  bool satisfied = false;
  int satisfied_count = 0;
  int threshold = 0;
  int child_count = 0;

  // "implicit policy evaluation failed - 1 sub-policies were satisfied, but
  // this policy requires 2 of the 'Admins' sub-policies to be satisfied"
  // (Fabric's wording), or "... satisfied: ...".
  std::string Explain(std::string_view sub_policy) const;
};

// Decides from the children's results (already evaluated), counting all.
ImplicitMetaResult EvaluateImplicitMeta(const common::ImplicitMetaPolicy& policy,
                                        const std::vector<bool>& child_results);

// One child group of the group that holds the ImplicitMeta policy.
struct ImplicitMetaChild {
  std::string group_name;                         // e.g. "Org1MSP", for explanations
  std::shared_ptr<const PolicyEvaluator> policy;  // the child's sub-policy; null if it has none
};

class ImplicitMetaPolicyEvaluator final : public PolicyEvaluator {
 public:
  // InvalidArgument for a rule outside ANY/ALL/MAJORITY.
  static Result<ImplicitMetaPolicyEvaluator> Create(common::ImplicitMetaPolicy policy,
                                                    std::vector<ImplicitMetaChild> children);

  // Stops at the threshold, as Fabric does.
  bool IsSatisfiedBy(IdentitySpan identities) const override;

  // Evaluates every child, for explanations; child_results[i] is children[i]'s.
  ImplicitMetaResult Evaluate(IdentitySpan identities, std::vector<bool>* child_results = nullptr) const;

  const common::ImplicitMetaPolicy& policy() const { return policy_; }
  const std::vector<ImplicitMetaChild>& children() const { return children_; }
  int threshold() const { return threshold_; }

 private:
  ImplicitMetaPolicyEvaluator(common::ImplicitMetaPolicy policy, std::vector<ImplicitMetaChild> children);

  common::ImplicitMetaPolicy policy_;
  std::vector<ImplicitMetaChild> children_;
  int threshold_ = 0;
};

}  // namespace loom::policy
