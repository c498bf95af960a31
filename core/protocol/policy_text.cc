#include "core/protocol/policy_text.h"

#include <algorithm>
#include <cctype>

#include "core/protocol/serialized_identity.h"

namespace loom::protocol {
namespace {

// Combined principals nest through bytes fields, which protobuf's own
// recursion limit does not see; hostile input could nest them deeply.
constexpr int kMaxPrincipalDepth = 8;

std::string PrincipalToTextAtDepth(const common::MSPPrincipal& principal, int depth);

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string RuleToText(const common::SignaturePolicy& rule, const common::SignaturePolicyEnvelope& envelope) {
  switch (rule.Type_case()) {
    case common::SignaturePolicy::kSignedBy: {
      int index = rule.signed_by();
      if (index < 0 || index >= envelope.identities_size()) {
        return "<undecodable: signed_by " + std::to_string(index) + " names no identity>";
      }
      return PrincipalToText(envelope.identities(index));
    }
    case common::SignaturePolicy::kNOutOf: {
      const auto& n_out_of = rule.n_out_of();
      std::string operands;
      for (const auto& sub_rule : n_out_of.rules()) {
        if (!operands.empty()) operands += ", ";
        operands += RuleToText(sub_rule, envelope);
      }
      int count = n_out_of.rules_size();
      // One of one prints as OR, the way configtxgen's org policies are written.
      if (n_out_of.n() == 1) return "OR(" + operands + ")";
      if (n_out_of.n() == count && count > 0) return "AND(" + operands + ")";
      return "OutOf(" + std::to_string(n_out_of.n()) + (operands.empty() ? "" : ", ") + operands + ")";
    }
    case common::SignaturePolicy::TYPE_NOT_SET: break;
  }
  return "<undecodable: empty signature policy rule>";
}

}  // namespace

std::string PrincipalToText(const common::MSPPrincipal& principal) {
  return PrincipalToTextAtDepth(principal, 0);
}

namespace {

std::string PrincipalToTextAtDepth(const common::MSPPrincipal& principal, int depth) {
  switch (principal.principal_classification()) {
    case common::MSPPrincipal::ROLE: {
      common::MSPRole role;
      if (!role.ParseFromString(principal.principal())) return "<undecodable: MSPRole>";
      std::string role_name = common::MSPRole_MSPRoleType_IsValid(role.role())
                                  ? Lowercase(common::MSPRole_MSPRoleType_Name(role.role()))
                                  : "role" + std::to_string(role.role());
      return "'" + role.msp_identifier() + "." + role_name + "'";
    }
    case common::MSPPrincipal::ORGANIZATION_UNIT: {
      common::OrganizationUnit unit;
      if (!unit.ParseFromString(principal.principal())) return "<undecodable: OrganizationUnit>";
      return "OU('" + unit.msp_identifier() + "', '" + unit.organizational_unit_identifier() + "')";
    }
    case common::MSPPrincipal::IDENTITY: return "Identity(" + DescribeIdentity(principal.principal()) + ")";
    case common::MSPPrincipal::ANONYMITY: {
      common::MSPIdentityAnonymity anonymity;
      if (!anonymity.ParseFromString(principal.principal())) return "<undecodable: MSPIdentityAnonymity>";
      return anonymity.anonymity_type() == common::MSPIdentityAnonymity::ANONYMOUS ? "Anonymous" : "Nominal";
    }
    case common::MSPPrincipal::COMBINED: {
      if (depth >= kMaxPrincipalDepth) return "<undecodable: combined principals nested too deeply>";
      common::CombinedPrincipal combined;
      if (!combined.ParseFromString(principal.principal())) return "<undecodable: CombinedPrincipal>";
      std::string parts;
      for (const auto& part : combined.principals()) {
        if (!parts.empty()) parts += ", ";
        parts += PrincipalToTextAtDepth(part, depth + 1);
      }
      return "Combined(" + parts + ")";
    }
    default: break;
  }
  return "<undecodable: principal classification " + std::to_string(principal.principal_classification()) +
         ">";
}

}  // namespace

std::string SignaturePolicyToText(const common::SignaturePolicyEnvelope& envelope) {
  if (!envelope.has_rule()) return "<undecodable: signature policy has no rule>";
  return RuleToText(envelope.rule(), envelope);
}

std::string ImplicitMetaPolicyToText(const common::ImplicitMetaPolicy& policy) {
  std::string rule = common::ImplicitMetaPolicy_Rule_IsValid(policy.rule())
                         ? common::ImplicitMetaPolicy_Rule_Name(policy.rule())
                         : "RULE" + std::to_string(policy.rule());
  return rule + " " + policy.sub_policy();
}

}  // namespace loom::protocol
