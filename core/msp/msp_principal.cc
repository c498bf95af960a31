// Msp::SatisfiesPrincipal: Fabric 2.x's satisfiesPrincipalInternalV142 for
// X.509 identities.
#include <string>

#include "core/msp/identity.h"
#include "core/msp/msp.h"
#include "core/msp/msp_state.h"
#include "core/msp/serialized_identity.h"
#include "msp/msp_principal.pb.h"

namespace loom::msp {
namespace {

// COMBINED principals nest; bound the recursion on untrusted bytes.
constexpr int kMaxPrincipalDepth = 16;

std::string RoleText(common::MSPRole::MSPRoleType role) {
  switch (role) {
    case common::MSPRole::MEMBER: return "member";
    case common::MSPRole::ADMIN: return "admin";
    case common::MSPRole::CLIENT: return "client";
    case common::MSPRole::PEER: return "peer";
    case common::MSPRole::ORDERER: return "orderer";
    default: return "role " + std::to_string(static_cast<int>(role));
  }
}

Status OtherMsp(const Identity& identity, const std::string& principal_mspid) {
  return Status::PermissionDenied("the principal names MSP '" + principal_mspid + "', but " +
                                  identity.Describe() + " belongs to MSP '" + identity.mspid() + "'");
}

}  // namespace

Status Msp::SatisfiesPrincipal(const Identity& identity, const common::MSPPrincipal& principal,
                               Clock::time_point at) const {
  struct Checker {
    const Msp& msp;
    const Identity& identity;
    Clock::time_point at;

    Status Check(const common::MSPPrincipal& principal, int depth) const {
      switch (principal.principal_classification()) {
        case common::MSPPrincipal::ROLE: return CheckRole(principal.principal());
        case common::MSPPrincipal::ORGANIZATION_UNIT: return CheckOrganizationUnit(principal.principal());
        case common::MSPPrincipal::IDENTITY: return CheckIdentity(principal.principal());
        case common::MSPPrincipal::ANONYMITY: return CheckAnonymity(principal.principal());
        case common::MSPPrincipal::COMBINED: return CheckCombined(principal.principal(), depth);
        default:
          return Status::InvalidArgument(
              "principal classification " +
              std::to_string(static_cast<int>(principal.principal_classification())) + " is unknown");
      }
    }

    Status CheckRole(const std::string& bytes) const {
      common::MSPRole role;
      if (!role.ParseFromString(bytes))
        return Status::InvalidArgument("ROLE principal: not a common.MSPRole");
      if (role.msp_identifier() != msp.id() || identity.mspid() != msp.id()) {
        return OtherMsp(identity, role.msp_identifier());
      }
      std::string wanted = RoleText(role.role());
      LOOM_RETURN_IF_ERROR(msp.Validate(identity, at));
      switch (role.role()) {
        case common::MSPRole::MEMBER: return Status::Ok();
        case common::MSPRole::ADMIN:
          if (msp.IsAdmin(identity)) return Status::Ok();
          return Status::PermissionDenied(identity.Describe() + " is not an admin of MSP '" + msp.id() + "'");
        case common::MSPRole::CLIENT:
        case common::MSPRole::PEER:
        case common::MSPRole::ORDERER: {
          auto actual = msp.Role(identity);
          if (!actual.ok()) {
            return Status::PermissionDenied(identity.Describe() + " cannot be classified as " + wanted +
                                            ": " + actual.status().message());
          }
          if (RoleText(role.role()) == NodeRoleName(*actual)) return Status::Ok();
          return Status::PermissionDenied(identity.Describe() + " is a " +
                                          std::string(NodeRoleName(*actual)) + ", not a " + wanted);
        }
        default: return Status::InvalidArgument("ROLE principal: " + wanted + " is unknown");
      }
    }

    Status CheckOrganizationUnit(const std::string& bytes) const {
      common::OrganizationUnit unit;
      if (!unit.ParseFromString(bytes)) {
        return Status::InvalidArgument("ORGANIZATION_UNIT principal: not a common.OrganizationUnit");
      }
      if (unit.msp_identifier() != msp.id() || identity.mspid() != msp.id()) {
        return OtherMsp(identity, unit.msp_identifier());
      }
      LOOM_RETURN_IF_ERROR(msp.Validate(identity, at));
      auto validation = internal::ValidateChainOnce(*msp.state_, identity.data_);
      for (const auto& ou : identity.certificate().OrganizationalUnits()) {
        if (ou == unit.organizational_unit_identifier() &&
            validation->chain_id == unit.certifiers_identifier()) {
          return Status::Ok();
        }
      }
      return Status::PermissionDenied(identity.Describe() + " does not carry the OU '" +
                                      unit.organizational_unit_identifier() +
                                      "' certified by the CA chain the principal names");
    }

    Status CheckIdentity(const std::string& bytes) const {
      auto parts = DecodeSerializedIdentity(bytes);
      if (!parts.ok()) return Status::InvalidArgument("IDENTITY principal: " + parts.status().message());
      if (parts->mspid != msp.id() || identity.mspid() != msp.id()) return OtherMsp(identity, parts->mspid);
      auto cert = crypto::Certificate::FromPem(parts->id_bytes);
      if (!cert.ok()) {
        return Status::InvalidArgument("IDENTITY principal: id_bytes is not a PEM certificate: " +
                                       cert.status().message());
      }
      if (!(*cert == identity.certificate())) {
        return Status::PermissionDenied(identity.Describe() + " is not the identity '" +
                                        cert->SubjectString() + "' the principal names");
      }
      return msp.Validate(identity, at);
    }

    Status CheckAnonymity(const std::string& bytes) const {
      common::MSPIdentityAnonymity anonymity;
      if (!anonymity.ParseFromString(bytes)) {
        return Status::InvalidArgument("ANONYMITY principal: not a common.MSPIdentityAnonymity");
      }
      switch (anonymity.anonymity_type()) {
        case common::MSPIdentityAnonymity::NOMINAL: return Status::Ok();
        case common::MSPIdentityAnonymity::ANONYMOUS:
          return Status::PermissionDenied(
              "the principal requires an anonymous identity; X.509 identities are not");
        default: return Status::InvalidArgument("ANONYMITY principal: unknown anonymity type");
      }
    }

    Status CheckCombined(const std::string& bytes, int depth) const {
      if (depth >= kMaxPrincipalDepth) {
        return Status::InvalidArgument("COMBINED principal: nested more than " +
                                       std::to_string(kMaxPrincipalDepth) + " levels");
      }
      common::CombinedPrincipal combined;
      if (!combined.ParseFromString(bytes)) {
        return Status::InvalidArgument("COMBINED principal: not a common.CombinedPrincipal");
      }
      if (combined.principals_size() == 0) {
        return Status::InvalidArgument("COMBINED principal: it combines no principals");
      }
      for (const auto& sub : combined.principals()) LOOM_RETURN_IF_ERROR(Check(sub, depth + 1));
      return Status::Ok();
    }
  };

  if (!identity.valid()) return Status::InvalidArgument("empty identity");
  return Checker{*this, identity, at}.Check(principal, 0);
}

}  // namespace loom::msp
