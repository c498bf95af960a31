// MSP principals as Fabric's signature policies use them.
//
// A policy names principals such as 'Org1MSP.peer'; on the wire each is a
// common.MSPPrincipal{principal_classification = ROLE, principal = marshalled
// common.MSPRole{msp_identifier, role}}. This file converts between the text
// form, the decoded form and the wire form, and checks principals that arrive
// from the wire (config blocks, chaincode definitions) before they are used.
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"
#include "msp/msp_principal.pb.h"

namespace loom::policy {

// A ROLE principal decoded from its bytes.
struct RolePrincipal {
  std::string msp_id;
  common::MSPRole::MSPRoleType role = common::MSPRole::MEMBER;

  friend bool operator==(const RolePrincipal&, const RolePrincipal&) = default;
};

// "member", "admin", "client", "peer", "orderer" (the policy language's
// spelling); nullopt for a value outside MSPRoleType.
std::optional<std::string_view> RoleName(common::MSPRole::MSPRoleType role);

// The inverse of RoleName. Case-sensitive, as Fabric's parser is.
std::optional<common::MSPRole::MSPRoleType> RoleFromName(std::string_view name);

// Whether `msp_id` can appear in the policy language: one or more ASCII
// letters, digits, '.' or '-' (Fabric's `[[:alnum:].-]+`).
bool IsValidPolicyMspId(std::string_view msp_id);

// Parses 'MSPID.ROLE' (without quotes), the way Fabric's regex
// `^([[:alnum:].-]+)[.](admin|member|client|peer|orderer)$` does: the role is
// the text after the last '.', the MSP id everything before it. The error
// says which part is wrong.
Result<RolePrincipal> ParseRolePrincipalText(std::string_view text);

// "Org1MSP.peer".
std::string RolePrincipalText(const RolePrincipal& principal);

// MSPPrincipal{ROLE, marshalled MSPRole}, byte-identical to what Fabric's
// policydsl produces (proto3 omits role MEMBER = 0, as Go does).
common::MSPPrincipal MakeRolePrincipal(const RolePrincipal& principal);

// Decodes a ROLE principal. InvalidArgument if the classification is not ROLE,
// the bytes do not parse as MSPRole, or the role is outside MSPRoleType.
Result<RolePrincipal> DecodeRolePrincipal(const common::MSPPrincipal& principal);

// Checks that a principal of any classification Fabric's MSP understands
// (ROLE, ORGANIZATION_UNIT, IDENTITY, ANONYMITY, COMBINED) is well formed:
// its bytes parse as the message its classification names and enum values are
// in range. COMBINED principals are checked recursively.
Status ValidatePrincipal(const common::MSPPrincipal& principal);

// The MSP ids a principal refers to (empty for ANONYMITY; several for
// COMBINED). InvalidArgument for a principal ValidatePrincipal rejects.
Result<std::vector<std::string>> PrincipalMspIds(const common::MSPPrincipal& principal);

// For explanations: "'Org1MSP.peer'", "OU 'sales' of Org1MSP", "an identity of
// Org1MSP", ... or "malformed ROLE principal".
std::string DescribePrincipal(const common::MSPPrincipal& principal);

// "ROLE", "ORGANIZATION_UNIT", ... or "classification 7" for unknown values.
std::string ClassificationName(int classification);

}  // namespace loom::policy
