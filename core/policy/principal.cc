#include "core/policy/principal.h"

#include <array>
#include <utility>

#include "msp/identities.pb.h"

namespace loom::policy {
namespace {

constexpr std::array<std::pair<common::MSPRole::MSPRoleType, std::string_view>, 5> kRoleNames = {{
    {common::MSPRole::MEMBER, "member"},
    {common::MSPRole::ADMIN, "admin"},
    {common::MSPRole::CLIENT, "client"},
    {common::MSPRole::PEER, "peer"},
    {common::MSPRole::ORDERER, "orderer"},
}};

// Fabric places no limit on COMBINED nesting; each level is a separate
// unmarshal of a bytes field, so protobuf's recursion limit does not bound
// it. A bound keeps a hostile principal from exhausting the stack.
constexpr int kMaxCombinedDepth = 32;

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Status CheckPrincipal(const common::MSPPrincipal& principal, int depth, std::vector<std::string>* msp_ids) {
  const std::string& bytes = principal.principal();
  const int classification = principal.principal_classification();
  switch (classification) {
    case common::MSPPrincipal::ROLE: {
      LOOM_ASSIGN_OR_RETURN(RolePrincipal role, DecodeRolePrincipal(principal));
      if (msp_ids) msp_ids->push_back(std::move(role.msp_id));
      return Status::Ok();
    }
    case common::MSPPrincipal::ORGANIZATION_UNIT: {
      common::OrganizationUnit unit;
      if (!unit.ParseFromString(bytes)) {
        return Status::InvalidArgument(
            "ORGANIZATION_UNIT principal: bytes are not a common.OrganizationUnit");
      }
      if (msp_ids) msp_ids->push_back(unit.msp_identifier());
      return Status::Ok();
    }
    case common::MSPPrincipal::IDENTITY: {
      msp::SerializedIdentity identity;
      if (!identity.ParseFromString(bytes)) {
        return Status::InvalidArgument("IDENTITY principal: bytes are not a msp.SerializedIdentity");
      }
      if (msp_ids) msp_ids->push_back(identity.mspid());
      return Status::Ok();
    }
    case common::MSPPrincipal::ANONYMITY: {
      common::MSPIdentityAnonymity anonymity;
      if (!anonymity.ParseFromString(bytes)) {
        return Status::InvalidArgument("ANONYMITY principal: bytes are not a common.MSPIdentityAnonymity");
      }
      if (!common::MSPIdentityAnonymity::MSPIdentityAnonymityType_IsValid(anonymity.anonymity_type())) {
        return Status::InvalidArgument("ANONYMITY principal: unknown anonymity type " +
                                       std::to_string(anonymity.anonymity_type()));
      }
      return Status::Ok();
    }
    case common::MSPPrincipal::COMBINED: {
      if (depth >= kMaxCombinedDepth) {
        return Status::InvalidArgument("COMBINED principal nested deeper than " +
                                       std::to_string(kMaxCombinedDepth) + " levels");
      }
      common::CombinedPrincipal combined;
      if (!combined.ParseFromString(bytes)) {
        return Status::InvalidArgument("COMBINED principal: bytes are not a common.CombinedPrincipal");
      }
      // Fabric's MSP rejects a combination of nothing.
      if (combined.principals_size() == 0) {
        return Status::InvalidArgument("COMBINED principal: no principals in CombinedPrincipal");
      }
      for (int i = 0; i < combined.principals_size(); ++i) {
        Status status = CheckPrincipal(combined.principals(i), depth + 1, msp_ids);
        if (!status.ok()) return status.WithContext("COMBINED principal, part " + std::to_string(i));
      }
      return Status::Ok();
    }
    default:
      return Status::InvalidArgument("unsupported principal classification " +
                                     std::to_string(classification));
  }
}

}  // namespace

std::optional<std::string_view> RoleName(common::MSPRole::MSPRoleType role) {
  for (const auto& [type, name] : kRoleNames) {
    if (type == role) return name;
  }
  return std::nullopt;
}

std::optional<common::MSPRole::MSPRoleType> RoleFromName(std::string_view name) {
  for (const auto& [type, role_name] : kRoleNames) {
    if (role_name == name) return type;
  }
  return std::nullopt;
}

bool IsValidPolicyMspId(std::string_view msp_id) {
  if (msp_id.empty()) return false;
  for (char c : msp_id) {
    if (!IsAsciiAlnum(c) && c != '.' && c != '-') return false;
  }
  return true;
}

Result<RolePrincipal> ParseRolePrincipalText(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) {
    return Status::InvalidArgument("invalid principal " + quoted +
                                   ": expected MSPID.ROLE, e.g. 'Org1MSP.member'");
  }
  const std::string_view msp_id = text.substr(0, dot);
  const std::string_view role_name = text.substr(dot + 1);
  const std::optional<common::MSPRole::MSPRoleType> role = RoleFromName(role_name);
  if (!role) {
    return Status::InvalidArgument("invalid principal " + quoted + ": unknown role '" +
                                   std::string(role_name) +
                                   "' (expected member, admin, client, peer or orderer, in lower case)");
  }
  if (msp_id.empty()) {
    return Status::InvalidArgument("invalid principal " + quoted + ": the MSP id before '.' is empty");
  }
  if (!IsValidPolicyMspId(msp_id)) {
    return Status::InvalidArgument("invalid principal " + quoted + ": MSP id '" + std::string(msp_id) +
                                   "' may contain only ASCII letters, digits, '.' and '-'");
  }
  return RolePrincipal{std::string(msp_id), *role};
}

std::string RolePrincipalText(const RolePrincipal& principal) {
  const std::optional<std::string_view> name = RoleName(principal.role);
  if (!name) return principal.msp_id + ".role" + std::to_string(principal.role);
  return principal.msp_id + "." + std::string(*name);
}

common::MSPPrincipal MakeRolePrincipal(const RolePrincipal& principal) {
  common::MSPRole role;
  role.set_msp_identifier(principal.msp_id);
  role.set_role(principal.role);
  common::MSPPrincipal result;
  result.set_principal_classification(common::MSPPrincipal::ROLE);
  result.set_principal(role.SerializeAsString());
  return result;
}

Result<RolePrincipal> DecodeRolePrincipal(const common::MSPPrincipal& principal) {
  if (principal.principal_classification() != common::MSPPrincipal::ROLE) {
    return Status::InvalidArgument("expected a ROLE principal but found " +
                                   ClassificationName(principal.principal_classification()));
  }
  common::MSPRole role;
  if (!role.ParseFromString(principal.principal())) {
    return Status::InvalidArgument("ROLE principal: bytes are not a common.MSPRole");
  }
  if (!common::MSPRole::MSPRoleType_IsValid(role.role())) {
    return Status::InvalidArgument("ROLE principal for MSP '" + role.msp_identifier() + "': unknown role " +
                                   std::to_string(role.role()));
  }
  return RolePrincipal{role.msp_identifier(), role.role()};
}

Status ValidatePrincipal(const common::MSPPrincipal& principal) {
  return CheckPrincipal(principal, 0, nullptr);
}

Result<std::vector<std::string>> PrincipalMspIds(const common::MSPPrincipal& principal) {
  std::vector<std::string> msp_ids;
  LOOM_RETURN_IF_ERROR(CheckPrincipal(principal, 0, &msp_ids));
  return msp_ids;
}

std::string DescribePrincipal(const common::MSPPrincipal& principal) {
  const std::string malformed =
      "malformed " + ClassificationName(principal.principal_classification()) + " principal";
  if (!ValidatePrincipal(principal).ok()) return malformed;
  switch (principal.principal_classification()) {
    case common::MSPPrincipal::ROLE: {
      Result<RolePrincipal> role = DecodeRolePrincipal(principal);
      return role.ok() ? "'" + RolePrincipalText(*role) + "'" : malformed;
    }
    case common::MSPPrincipal::ORGANIZATION_UNIT: {
      common::OrganizationUnit unit;
      unit.ParseFromString(principal.principal());
      return "OU '" + unit.organizational_unit_identifier() + "' of " + unit.msp_identifier();
    }
    case common::MSPPrincipal::IDENTITY: {
      msp::SerializedIdentity identity;
      identity.ParseFromString(principal.principal());
      return "a specific identity of " + identity.mspid();
    }
    case common::MSPPrincipal::ANONYMITY: {
      common::MSPIdentityAnonymity anonymity;
      anonymity.ParseFromString(principal.principal());
      return anonymity.anonymity_type() == common::MSPIdentityAnonymity::ANONYMOUS ? "an anonymous identity"
                                                                                   : "a nominal identity";
    }
    case common::MSPPrincipal::COMBINED: {
      common::CombinedPrincipal combined;
      combined.ParseFromString(principal.principal());
      std::string text = "all of (";
      for (int i = 0; i < combined.principals_size(); ++i) {
        if (i > 0) text += ", ";
        text += DescribePrincipal(combined.principals(i));
      }
      return text + ")";
    }
    default: return malformed;
  }
}

std::string ClassificationName(int classification) {
  if (common::MSPPrincipal::Classification_IsValid(classification)) {
    return common::MSPPrincipal::Classification_Name(
        static_cast<common::MSPPrincipal::Classification>(classification));
  }
  return "classification " + std::to_string(classification);
}

}  // namespace loom::policy
