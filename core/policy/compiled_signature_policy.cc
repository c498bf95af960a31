#include "core/policy/compiled_signature_policy.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_set>

#include "core/policy/compiled_program.h"
#include "core/policy/principal.h"

namespace loom::policy {

namespace {

// Past this many (identity, principal) pairs the per-evaluation memo of
// SatisfiesPrincipal answers is skipped rather than allocated.
constexpr size_t kMaxMemoEntries = size_t{1} << 20;

class Compiler {
 public:
  explicit Compiler(CompiledProgram* program) : program_(program) {}

  Result<uint32_t> Compile(const common::SignaturePolicy& rule, int depth, const std::string& path) {
    if (depth > kMaxCompiledNesting) {
      return Status::InvalidArgument(path + ": rules nested deeper than " +
                                     std::to_string(kMaxCompiledNesting) + " levels");
    }
    const uint32_t index = static_cast<uint32_t>(program_->rules.size());
    program_->rules.push_back(CompiledRule{});
    program_->rules[index].depth = depth;
    program_->max_depth = std::max(program_->max_depth, depth);
    switch (rule.Type_case()) {
      case common::SignaturePolicy::kSignedBy: {
        const int32_t principal = rule.signed_by();
        const auto& identities = program_->envelope.identities();
        if (principal < 0 || principal >= identities.size()) {
          return Status::InvalidArgument(path + ": signed_by " + std::to_string(principal) +
                                         " is out of range (" + std::to_string(identities.size()) +
                                         " identities)");
        }
        Status valid = ValidatePrincipal(identities[principal]);
        if (!valid.ok()) return valid.WithContext("identities[" + std::to_string(principal) + "]");
        program_->rules[index].principal = principal;
        return index;
      }
      case common::SignaturePolicy::kNOutOf: {
        const common::SignaturePolicy::NOutOf& gate = rule.n_out_of();
        std::vector<uint32_t> children;
        children.reserve(gate.rules_size());
        for (int i = 0; i < gate.rules_size(); ++i) {
          LOOM_ASSIGN_OR_RETURN(uint32_t child, Compile(gate.rules(i), depth + 1,
                                                        path + ".n_out_of.rules[" + std::to_string(i) + "]"));
          children.push_back(child);
        }
        CompiledRule& compiled = program_->rules[index];
        compiled.n = gate.n();
        compiled.first_child = static_cast<uint32_t>(program_->child_rules.size());
        compiled.child_count = static_cast<uint32_t>(children.size());
        program_->child_rules.insert(program_->child_rules.end(), children.begin(), children.end());
        return index;
      }
      default: return Status::InvalidArgument(path + ": rule has neither signed_by nor n_out_of");
    }
  }

 private:
  CompiledProgram* program_;
};

// The state of one evaluation: the deduplicated signers, the `used` masks
// (one per tree depth, so a gate can roll back a failed child), and a memo of
// SatisfiesPrincipal answers.
class Evaluation {
 public:
  Evaluation(const CompiledProgram& program, IdentitySpan identities, RuleOutcome* outcomes)
      : program_(program), identities_(identities), outcomes_(outcomes) {
    Deduplicate();
    words_ = (signers_.size() + 63) / 64;
    masks_.assign(static_cast<size_t>(program.max_depth + 1) * words_, 0);
    const size_t memo_entries = signers_.size() * static_cast<size_t>(program.envelope.identities_size());
    if (memo_entries <= kMaxMemoEntries) memo_.assign(memo_entries, kUnknown);
  }

  bool Run() { return Eval(0); }
  int distinct_identities() const { return static_cast<int>(signers_.size()); }

 private:
  static constexpr int8_t kUnknown = -1;

  // Keeps the first identity of each Key(), in the order given (Fabric's
  // SignatureSetToValidIdentities).
  void Deduplicate() {
    signers_.reserve(identities_.size());
    std::vector<std::string_view> keys;
    keys.reserve(identities_.size());
    std::unordered_set<std::string_view> seen;
    const bool use_set = identities_.size() > 16;
    for (size_t i = 0; i < identities_.size(); ++i) {
      if (identities_[i] == nullptr) continue;
      const std::string_view key = identities_[i]->Key();
      const bool duplicate =
          use_set ? !seen.insert(key).second : std::find(keys.begin(), keys.end(), key) != keys.end();
      if (duplicate) continue;
      keys.push_back(key);
      signers_.push_back(static_cast<uint32_t>(i));
    }
  }

  bool Satisfies(size_t signer, int32_t principal) {
    const common::MSPPrincipal& wanted = program_.envelope.identities(principal);
    if (memo_.empty()) return identities_[signers_[signer]]->SatisfiesPrincipal(wanted);
    int8_t& entry = memo_[signer * static_cast<size_t>(program_.envelope.identities_size()) + principal];
    if (entry == kUnknown) entry = identities_[signers_[signer]]->SatisfiesPrincipal(wanted) ? 1 : 0;
    return entry == 1;
  }

  uint64_t* MaskAt(int depth) { return masks_.data() + static_cast<size_t>(depth) * words_; }

  bool Eval(uint32_t rule_index) {
    const CompiledRule& rule = program_.rules[rule_index];
    uint64_t* used = MaskAt(rule.depth);
    bool satisfied = false;
    if (rule.principal >= 0) {
      satisfied = EvalPrincipal(rule, rule_index, used);
    } else {
      uint64_t* child_used = MaskAt(rule.depth + 1);
      const size_t bytes = words_ * sizeof(uint64_t);
      int held = 0;
      for (uint32_t i = 0; i < rule.child_count; ++i) {
        if (bytes > 0) std::memcpy(child_used, used, bytes);
        if (Eval(program_.child_rules[rule.first_child + i])) {
          ++held;
          if (bytes > 0) std::memcpy(used, child_used, bytes);
        }
      }
      satisfied = held >= rule.n;
      if (outcomes_) outcomes_[rule_index].satisfied_children = held;
    }
    if (outcomes_) outcomes_[rule_index].satisfied = satisfied;
    return satisfied;
  }

  bool EvalPrincipal(const CompiledRule& rule, uint32_t rule_index, uint64_t* used) {
    for (size_t signer = 0; signer < signers_.size(); ++signer) {
      const uint64_t bit = uint64_t{1} << (signer % 64);
      if (used[signer / 64] & bit) continue;
      if (!Satisfies(signer, rule.principal)) continue;
      used[signer / 64] |= bit;
      if (outcomes_) outcomes_[rule_index].identity = static_cast<int>(signers_[signer]);
      return true;
    }
    if (outcomes_) {
      // Only for explanations: would an already consumed identity have fit?
      for (size_t signer = 0; signer < signers_.size(); ++signer) {
        const uint64_t bit = uint64_t{1} << (signer % 64);
        if ((used[signer / 64] & bit) && Satisfies(signer, rule.principal)) {
          outcomes_[rule_index].blocked_by_used_identities = true;
          break;
        }
      }
    }
    return false;
  }

  const CompiledProgram& program_;
  IdentitySpan identities_;
  RuleOutcome* outcomes_;
  std::vector<uint32_t> signers_;  // caller indexes of the distinct identities
  size_t words_ = 0;
  std::vector<uint64_t> masks_;
  std::vector<int8_t> memo_;
};

}  // namespace

Result<CompiledSignaturePolicy> CompiledSignaturePolicy::Compile(
    const common::SignaturePolicyEnvelope& envelope) {
  // Fabric: "This evaluator only understands messages of version 0".
  if (envelope.version() != 0) {
    return Status::InvalidArgument("SignaturePolicyEnvelope version " + std::to_string(envelope.version()) +
                                   " is not supported (only version 0)");
  }
  if (!envelope.has_rule()) return Status::InvalidArgument("SignaturePolicyEnvelope: rule is missing");
  auto program = std::make_shared<CompiledProgram>();
  program->envelope = envelope;
  Compiler compiler(program.get());
  LOOM_RETURN_IF_ERROR(compiler.Compile(program->envelope.rule(), 0, "rule").status());
  return CompiledSignaturePolicy(std::move(program));
}

Result<CompiledSignaturePolicy> CompiledSignaturePolicy::CompileBytes(std::string_view envelope_bytes) {
  common::SignaturePolicyEnvelope envelope;
  if (!envelope.ParseFromArray(envelope_bytes.data(), static_cast<int>(envelope_bytes.size()))) {
    return Status::InvalidArgument("bytes are not a common.SignaturePolicyEnvelope");
  }
  return Compile(envelope);
}

bool CompiledSignaturePolicy::IsSatisfiedBy(IdentitySpan identities) const {
  Evaluation evaluation(*program_, identities, nullptr);
  return evaluation.Run();
}

SignaturePolicyResult CompiledSignaturePolicy::Evaluate(IdentitySpan identities) const {
  SignaturePolicyResult result;
  result.program_ = program_;
  result.outcomes_.resize(program_->rules.size());
  Evaluation evaluation(*program_, identities, result.outcomes_.data());
  result.satisfied_ = evaluation.Run();
  result.distinct_identities_ = evaluation.distinct_identities();
  result.identity_names_.resize(identities.size());
  for (const RuleOutcome& outcome : result.outcomes_) {
    if (outcome.identity >= 0 && result.identity_names_[outcome.identity].empty()) {
      result.identity_names_[outcome.identity] = identities[outcome.identity]->DisplayName();
    }
  }
  return result;
}

const common::SignaturePolicyEnvelope& CompiledSignaturePolicy::envelope() const {
  return program_->envelope;
}

}  // namespace loom::policy
