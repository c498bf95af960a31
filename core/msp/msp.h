// A verifying MSP: Fabric's X.509 membership service provider for one
// organization (its root and intermediate CAs, admins, NodeOU rules).
//
// An Msp is built from a msp.FabricMSPConfig (how a channel config carries an
// org's MSP) or from an MSP folder (msp_folder.h). It deserializes identities
// of its own MSP id, validates them (the certificate chains to one of its
// roots through its intermediates, is not a CA, is inside its validity window
// at the given time, and carries the OUs the MSP requires) and classifies them
// (NodeOU roles, admins, MSP principals) with Fabric 2.x semantics.
//
// Msp is a cheap handle to immutable shared state plus a bounded cache of
// deserialized identities and their chain validations, keyed by the
// serialized identity bytes: every method is thread-safe, copies share the
// cache, and an identity's chain is verified once.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/x509.h"
#include "core/util/status.h"
#include "msp/msp_config.pb.h"
#include "msp/msp_principal.pb.h"

namespace loom::msp {

using Clock = crypto::Clock;

// The NodeOU classification of an identity.
enum class NodeRole { kClient, kPeer, kAdmin, kOrderer };

// "client", "peer", "admin", "orderer" (the OU values cryptogen writes).
std::string_view NodeRoleName(NodeRole role);

class Identity;

namespace internal {
struct MspState;
}  // namespace internal

class Msp {
 public:
  // An empty handle (valid() is false); only assignment and valid() may be used.
  Msp() = default;

  // Sets an MSP up as Fabric's bccspmsp does: at least one root CA; every
  // intermediate chains to a root; OU identifiers name one of the MSP's CAs;
  // admins (legacy admincerts) are valid members, and, with NodeOUs, carry the
  // client or admin OU; an MSP without NodeOU admin role must list admins.
  // InvalidArgument naming the field and the certificate otherwise.
  static Result<Msp> FromFabricMspConfig(const ::msp::FabricMSPConfig& config);
  // MSPConfig{type = 0 (FABRIC), config = marshalled FabricMSPConfig}, the
  // value of an org group's "MSP" entry in a channel config. Other types
  // (IDEMIX) are rejected.
  static Result<Msp> FromMspConfig(const ::msp::MSPConfig& config);

  bool valid() const { return state_ != nullptr; }
  const std::string& id() const;
  bool node_ous_enabled() const;
  // The configuration this MSP was set up from.
  const ::msp::FabricMSPConfig& config() const;
  const std::vector<crypto::Certificate>& root_certs() const;
  const std::vector<crypto::Certificate>& intermediate_certs() const;
  const std::vector<crypto::Certificate>& admin_certs() const;
  const std::vector<crypto::Certificate>& tls_root_certs() const;
  const std::vector<crypto::Certificate>& tls_intermediate_certs() const;

  // Decodes a serialized identity of this MSP. InvalidArgument when the bytes
  // are malformed or id_bytes is not a PEM certificate with a P-256 key;
  // PermissionDenied naming both ids when the mspid is another MSP's. Does
  // not validate the identity.
  Result<Identity> DeserializeIdentity(std::string_view serialized) const;
  // The identity of this MSP whose id_bytes is `certificate` in PEM.
  Result<Identity> IdentityFromCertificate(const crypto::Certificate& certificate) const;

  // OK when `identity` is a valid member of this MSP at time `at`. The chain
  // and OU checks are done once per identity and cached; the validity windows
  // of the chain's certificates are checked against `at` on every call.
  // PermissionDenied says why not (another MSP, not issued by this MSP's
  // CAs, expired or not yet valid, a CA certificate, missing or ambiguous
  // NodeOU, ...).
  Status Validate(const Identity& identity, Clock::time_point at = Clock::now()) const;

  // The identity's NodeOU role. FailedPrecondition when this MSP does not
  // enable NodeOUs; the error of Validate's time-independent checks when the
  // identity is not a member.
  Result<NodeRole> Role(const Identity& identity) const;

  // True when the identity is listed in admincerts or, with NodeOUs enabled,
  // carries the admin OU. Does not check validity.
  bool IsAdmin(const Identity& identity) const;

  // OK when `identity` satisfies `principal` at `at` (Fabric 2.x semantics):
  //   ROLE MEMBER: a valid member; ADMIN: listed in admincerts, or a valid
  //   member carrying the admin OU; CLIENT/PEER/ORDERER: a valid member with
  //   that NodeOU; IDENTITY: the same certificate (and MSP id) as the
  //   principal's serialized identity, and valid; ORGANIZATION_UNIT: a valid
  //   member with that OU certified by the same CA chain; ANONYMITY: NOMINAL
  //   (X.509 identities are never anonymous); COMBINED: every sub-principal.
  // A principal naming another MSP id is never satisfied. PermissionDenied
  // says why not; InvalidArgument for a malformed principal.
  Status SatisfiesPrincipal(const Identity& identity, const common::MSPPrincipal& principal,
                            Clock::time_point at = Clock::now()) const;

 private:
  friend class Identity;
  explicit Msp(std::shared_ptr<const internal::MspState> state) : state_(std::move(state)) {}

  std::shared_ptr<const internal::MspState> state_;
};

}  // namespace loom::msp
