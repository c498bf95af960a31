#include "core/policy/policy_printer.h"

#include "core/policy/principal.h"
#include "core/policy/signature_policy_parser.h"

namespace loom::policy {
namespace {

class Printer {
 public:
  explicit Printer(const common::SignaturePolicyEnvelope& envelope) : envelope_(envelope) {}

  Status Print(const common::SignaturePolicy& rule, const std::string& path, int depth, std::string* out) {
    switch (rule.Type_case()) {
      case common::SignaturePolicy::kSignedBy: return PrintPrincipal(rule.signed_by(), path, out);
      case common::SignaturePolicy::kNOutOf: break;
      default: return Status::InvalidArgument(path + ": rule has neither signed_by nor n_out_of");
    }
    if (depth > kMaxPolicyNesting) {
      return Status::InvalidArgument(path + ": nested deeper than " + std::to_string(kMaxPolicyNesting) +
                                     " operators");
    }
    const common::SignaturePolicy::NOutOf& gate = rule.n_out_of();
    const int count = gate.rules_size();
    const int n = gate.n();
    if (count == 0) return Status::InvalidArgument(path + ".n_out_of: no rules");
    if (n < 0 || static_cast<int64_t>(n) > static_cast<int64_t>(count) + 1) {
      return Status::InvalidArgument(path + ".n_out_of: n = " + std::to_string(n) + " with " +
                                     std::to_string(count) + " rules cannot be written (allowed 0.." +
                                     std::to_string(count + 1) + ")");
    }
    // One of one prints as OR, the way configtxgen's org policies are written.
    if (n == 1) {
      *out += "OR(";
    } else if (n == count) {
      *out += "AND(";
    } else {
      *out += "OutOf(" + std::to_string(n) + ", ";
    }
    for (int i = 0; i < count; ++i) {
      if (i > 0) *out += ", ";
      LOOM_RETURN_IF_ERROR(
          Print(gate.rules(i), path + ".n_out_of.rules[" + std::to_string(i) + "]", depth + 1, out));
    }
    *out += ")";
    return Status::Ok();
  }

 private:
  Status PrintPrincipal(int index, const std::string& path, std::string* out) {
    if (index < 0 || index >= envelope_.identities_size()) {
      return Status::InvalidArgument(path + ": signed_by " + std::to_string(index) + " is out of range (" +
                                     std::to_string(envelope_.identities_size()) + " identities)");
    }
    Result<RolePrincipal> principal = DecodeRolePrincipal(envelope_.identities(index));
    if (!principal.ok()) {
      return principal.status().WithContext("identities[" + std::to_string(index) +
                                            "] cannot be written in the policy language");
    }
    if (!IsValidPolicyMspId(principal->msp_id)) {
      return Status::InvalidArgument("identities[" + std::to_string(index) + "]: MSP id '" +
                                     principal->msp_id + "' cannot be written in the policy language");
    }
    *out += "'" + RolePrincipalText(*principal) + "'";
    return Status::Ok();
  }

  const common::SignaturePolicyEnvelope& envelope_;
};

}  // namespace

Result<std::string> ToString(const common::SignaturePolicyEnvelope& envelope) {
  if (envelope.version() != 0) {
    return Status::InvalidArgument("version " + std::to_string(envelope.version()) +
                                   ": only version 0 envelopes have a text form");
  }
  if (!envelope.has_rule()) return Status::InvalidArgument("rule: missing");
  // A bare principal is not a policy in the language; Fabric never produces one.
  if (envelope.rule().Type_case() != common::SignaturePolicy::kNOutOf) {
    return Status::InvalidArgument("rule: the top-level rule must be n_out_of to be written as text");
  }
  std::string text;
  Printer printer(envelope);
  LOOM_RETURN_IF_ERROR(printer.Print(envelope.rule(), "rule", 1, &text));
  return text;
}

Result<std::string> ToString(const common::ImplicitMetaPolicy& policy) {
  if (!common::ImplicitMetaPolicy::Rule_IsValid(policy.rule())) {
    return Status::InvalidArgument("ImplicitMetaPolicy: unknown rule " + std::to_string(policy.rule()));
  }
  return common::ImplicitMetaPolicy::Rule_Name(policy.rule()) + " " + policy.sub_policy();
}

Result<std::string> ToString(const common::Policy& policy) {
  switch (policy.type()) {
    case common::Policy::SIGNATURE: {
      common::SignaturePolicyEnvelope envelope;
      if (!envelope.ParseFromString(policy.value())) {
        return Status::InvalidArgument("SIGNATURE policy: value is not a common.SignaturePolicyEnvelope");
      }
      return ToString(envelope);
    }
    case common::Policy::IMPLICIT_META: {
      common::ImplicitMetaPolicy implicit_meta;
      if (!implicit_meta.ParseFromString(policy.value())) {
        return Status::InvalidArgument("IMPLICIT_META policy: value is not a common.ImplicitMetaPolicy");
      }
      return ToString(implicit_meta);
    }
    default:
      return Status::InvalidArgument("policy type " + std::to_string(policy.type()) + " has no text form");
  }
}

}  // namespace loom::policy
