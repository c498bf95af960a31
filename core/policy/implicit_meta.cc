#include "core/policy/implicit_meta.h"

#include <utility>

namespace loom::policy {
namespace {

Status ErrorAt(size_t offset, const std::string& message) {
  return Status::InvalidArgument("column " + std::to_string(offset + 1) + ": " + message);
}

// Config keys are plain ASCII; anything else could never name a policy (and
// non-UTF-8 bytes would make the proto string field unserializable).
bool IsPrintableAscii(char c) {
  const unsigned char byte = static_cast<unsigned char>(c);
  return byte > 0x20 && byte < 0x7f;
}

}  // namespace

Result<common::ImplicitMetaPolicy> ParseImplicitMetaPolicy(std::string_view text) {
  if (text.empty()) return ErrorAt(0, "empty policy: expected ANY, ALL or MAJORITY and a sub-policy name");
  const size_t space = text.find(' ');
  const std::string_view rule_text = text.substr(0, space);
  common::ImplicitMetaPolicy policy;
  if (rule_text == "ANY") {
    policy.set_rule(common::ImplicitMetaPolicy::ANY);
  } else if (rule_text == "ALL") {
    policy.set_rule(common::ImplicitMetaPolicy::ALL);
  } else if (rule_text == "MAJORITY") {
    policy.set_rule(common::ImplicitMetaPolicy::MAJORITY);
  } else if (rule_text.empty()) {
    return ErrorAt(0, "expected ANY, ALL or MAJORITY but found ' '");
  } else {
    return ErrorAt(
        0, "unknown rule '" + std::string(rule_text) + "': expected ANY, ALL or MAJORITY (upper case)");
  }
  if (space == std::string_view::npos) {
    return ErrorAt(text.size(), "expected ' ' and a sub-policy name after " + std::string(rule_text) +
                                    " but found end of input");
  }
  const std::string_view name = text.substr(space + 1);
  if (name.empty()) {
    return ErrorAt(text.size(), "expected a sub-policy name after '" + std::string(rule_text) +
                                    " ' but found end of input");
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (IsPrintableAscii(name[i])) continue;
    const size_t offset = space + 1 + i;
    if (name[i] == ' ') {
      return ErrorAt(offset,
                     "expected end of input after the sub-policy name but found ' ' (an ImplicitMeta "
                     "policy is exactly two words, separated by one space)");
    }
    return ErrorAt(offset, "sub-policy name '" + std::string(name.substr(0, i)) +
                               "...' may contain only printable ASCII characters");
  }
  policy.set_sub_policy(std::string(name));
  return policy;
}

int ImplicitMetaThreshold(common::ImplicitMetaPolicy::Rule rule, int child_count) {
  // Fabric: "In the special case that there are no policies, consider 0 to be
  // a majority or any".
  if (child_count == 0) return 0;
  switch (rule) {
    case common::ImplicitMetaPolicy::ANY: return 1;
    case common::ImplicitMetaPolicy::ALL: return child_count;
    case common::ImplicitMetaPolicy::MAJORITY: return child_count / 2 + 1;
    default: return child_count + 1;  // unreachable for validated rules: never holds
  }
}

std::string ImplicitMetaResult::Explain(std::string_view sub_policy) const {
  const std::string counts =
      std::to_string(satisfied_count) + " sub-policies were satisfied, but this policy " + "requires " +
      std::to_string(threshold) + " of the '" + std::string(sub_policy) + "' sub-policies to be satisfied";
  if (satisfied) {
    return "implicit policy satisfied - " + std::to_string(satisfied_count) + " of " +
           std::to_string(child_count) + " '" + std::string(sub_policy) + "' sub-policies were satisfied, " +
           std::to_string(threshold) + " required";
  }
  return "implicit policy evaluation failed - " + counts;
}

ImplicitMetaResult EvaluateImplicitMeta(const common::ImplicitMetaPolicy& policy,
                                        const std::vector<bool>& child_results) {
  ImplicitMetaResult result;
  result.child_count = static_cast<int>(child_results.size());
  result.threshold = ImplicitMetaThreshold(policy.rule(), result.child_count);
  for (bool held : child_results) result.satisfied_count += held ? 1 : 0;
  result.satisfied = result.satisfied_count >= result.threshold;
  return result;
}

Result<ImplicitMetaPolicyEvaluator> ImplicitMetaPolicyEvaluator::Create(
    common::ImplicitMetaPolicy policy, std::vector<ImplicitMetaChild> children) {
  if (!common::ImplicitMetaPolicy::Rule_IsValid(policy.rule())) {
    return Status::InvalidArgument("ImplicitMetaPolicy '" + policy.sub_policy() + "': unknown rule " +
                                   std::to_string(policy.rule()));
  }
  return ImplicitMetaPolicyEvaluator(std::move(policy), std::move(children));
}

ImplicitMetaPolicyEvaluator::ImplicitMetaPolicyEvaluator(common::ImplicitMetaPolicy policy,
                                                         std::vector<ImplicitMetaChild> children)
    : policy_(std::move(policy)), children_(std::move(children)) {
  threshold_ = ImplicitMetaThreshold(policy_.rule(), static_cast<int>(children_.size()));
}

bool ImplicitMetaPolicyEvaluator::IsSatisfiedBy(IdentitySpan identities) const {
  int remaining = threshold_;
  if (remaining == 0) return true;
  for (const ImplicitMetaChild& child : children_) {
    if (child.policy && child.policy->IsSatisfiedBy(identities) && --remaining == 0) return true;
  }
  return false;
}

ImplicitMetaResult ImplicitMetaPolicyEvaluator::Evaluate(IdentitySpan identities,
                                                         std::vector<bool>* child_results) const {
  std::vector<bool> held(children_.size(), false);
  for (size_t i = 0; i < children_.size(); ++i) {
    held[i] = children_[i].policy && children_[i].policy->IsSatisfiedBy(identities);
  }
  ImplicitMetaResult result = EvaluateImplicitMeta(policy_, held);
  if (child_results) *child_results = std::move(held);
  return result;
}

}  // namespace loom::policy
