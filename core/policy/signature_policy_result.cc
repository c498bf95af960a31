// SignaturePolicyResult: the explanation half of compiled_signature_policy.h.
#include "core/policy/compiled_program.h"
#include "core/policy/compiled_signature_policy.h"
#include "core/policy/principal.h"

namespace loom::policy {
namespace {

std::string GateName(int32_t n, uint32_t count) {
  if (static_cast<int64_t>(n) == count) return "AND";
  if (n == 1) return "OR";
  return "OutOf(" + std::to_string(n) + ")";
}

class Explainer {
 public:
  Explainer(const CompiledProgram& program, const std::vector<RuleOutcome>& outcomes,
            const std::vector<std::string>& identity_names)
      : program_(program), outcomes_(outcomes), identity_names_(identity_names) {}

  // `released`: an enclosing gate (below the root) failed, so identities
  // consumed inside it were given back for later rules.
  void Write(uint32_t rule_index, bool released, std::string* out) const {
    const CompiledRule& rule = program_.rules[rule_index];
    const RuleOutcome& outcome = outcomes_[rule_index];
    out->append(static_cast<size_t>(rule.depth) * 2, ' ');
    *out += outcome.satisfied ? "ok      " : "FAILED  ";
    if (rule.principal < 0) {
      *out += GateName(rule.n, rule.child_count) + ": " + std::to_string(outcome.satisfied_children) +
              " of " + std::to_string(rule.child_count) + " held, " + std::to_string(rule.n) + " required\n";
      const bool children_released = released || (!outcome.satisfied && rule.depth > 0);
      for (uint32_t i = 0; i < rule.child_count; ++i) {
        Write(program_.child_rules[rule.first_child + i], children_released, out);
      }
      return;
    }
    *out += DescribePrincipal(program_.envelope.identities(rule.principal));
    if (outcome.identity >= 0) {
      *out += " <- identity " + std::to_string(outcome.identity);
      const std::string& name = identity_names_[outcome.identity];
      if (!name.empty()) *out += " (" + name + ")";
      if (released) *out += " (given back: an enclosing rule failed)";
    } else if (outcome.blocked_by_used_identities) {
      *out += ": every identity that satisfies it was already used by an earlier principal";
    } else {
      *out += ": no presented identity satisfies it";
    }
    *out += "\n";
  }

 private:
  const CompiledProgram& program_;
  const std::vector<RuleOutcome>& outcomes_;
  const std::vector<std::string>& identity_names_;
};

}  // namespace

std::vector<int> SignaturePolicyResult::UnsatisfiedPrincipals() const {
  std::vector<int> unsatisfied;
  if (!program_) return unsatisfied;
  for (size_t i = 0; i < outcomes_.size(); ++i) {
    const CompiledRule& rule = program_->rules[i];
    if (rule.principal >= 0 && outcomes_[i].identity < 0) unsatisfied.push_back(rule.principal);
  }
  return unsatisfied;
}

std::string SignaturePolicyResult::Explain() const {
  if (!program_) return "no evaluation\n";
  std::string text = satisfied_ ? "policy satisfied" : "policy NOT satisfied";
  text += " (" + std::to_string(distinct_identities_) + " distinct identities presented)\n";
  Explainer(*program_, outcomes_, identity_names_).Write(0, false, &text);
  return text;
}

}  // namespace loom::policy
