#include "core/policy/policy_text.h"

#include "core/policy/implicit_meta.h"
#include "core/policy/signature_policy_parser.h"

namespace loom::policy {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

PolicyTextKind ClassifyPolicyText(std::string_view text) {
  const std::string_view first_word = text.substr(0, text.find_first_of(" ("));
  for (std::string_view rule : {"any", "all", "majority"}) {
    if (EqualsIgnoringCase(first_word, rule)) return PolicyTextKind::kImplicitMeta;
  }
  return PolicyTextKind::kSignature;
}

Result<common::Policy> ParsePolicy(std::string_view text) {
  common::Policy policy;
  if (ClassifyPolicyText(text) == PolicyTextKind::kImplicitMeta) {
    LOOM_ASSIGN_OR_RETURN(common::ImplicitMetaPolicy implicit_meta, ParseImplicitMetaPolicy(text));
    policy.set_type(common::Policy::IMPLICIT_META);
    policy.set_value(implicit_meta.SerializeAsString());
    return policy;
  }
  LOOM_ASSIGN_OR_RETURN(common::SignaturePolicyEnvelope envelope, ParseSignaturePolicy(text));
  policy.set_type(common::Policy::SIGNATURE);
  policy.set_value(envelope.SerializeAsString());
  return policy;
}

}  // namespace loom::policy
