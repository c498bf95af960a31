// Msp set-up from a FabricMSPConfig (Fabric's bccspmsp setupV142 order:
// crypto config, CAs, TLS CAs, OU identifiers, NodeOUs, admins).
#include "core/msp/msp.h"

#include <string>
#include <utility>

#include "core/crypto/hash.h"
#include "core/msp/identity.h"
#include "core/msp/msp_state.h"

namespace loom::msp {
namespace {

using internal::MspState;
using internal::OuIdentifier;

Status SetupError(const std::string& mspid, const std::string& message) {
  return Status::InvalidArgument("MSP '" + mspid + "': " + message);
}

std::string Quoted(const crypto::Certificate& cert) {
  return "'" + cert.SubjectString() + "'";
}

// Fabric verifies CA chains as of one second after the certificate's
// NotBefore, so set-up does not depend on the current time.
Clock::time_point IssuanceTime(const crypto::Certificate& cert) {
  Clock::time_point at = cert.NotBefore() + std::chrono::seconds(1);
  return at > cert.NotAfter() ? cert.NotBefore() : at;
}

Result<std::vector<crypto::Certificate>> ParseCertificates(
    const std::string& mspid, const google::protobuf::RepeatedPtrField<std::string>& pems, const char* field,
    bool must_be_ca) {
  std::vector<crypto::Certificate> certs;
  for (int i = 0; i < pems.size(); ++i) {
    std::string where = std::string(field) + "[" + std::to_string(i) + "]";
    auto cert = crypto::Certificate::FromPem(pems.Get(i));
    if (!cert.ok()) return SetupError(mspid, where + ": " + cert.status().message());
    if (must_be_ca && !cert->IsCa()) {
      return SetupError(
          mspid, where + " " + Quoted(*cert) + " is not a CA certificate (basicConstraints CA is not true)");
    }
    certs.push_back(std::move(cert).value());
  }
  return certs;
}

// Every intermediate must chain to a root (possibly through other intermediates).
Status CheckIntermediates(const std::string& mspid, const std::vector<crypto::Certificate>& intermediates,
                          const std::vector<crypto::Certificate>& roots, const char* field) {
  for (size_t i = 0; i < intermediates.size(); ++i) {
    const auto& cert = intermediates[i];
    auto chain = crypto::VerifyChain(cert, roots, intermediates, IssuanceTime(cert));
    if (!chain.ok()) {
      return SetupError(mspid, std::string(field) + "[" + std::to_string(i) + "] " + Quoted(cert) +
                                   " does not chain to a root CA of this MSP: " + chain.status().message());
    }
    if (chain->size() < 2) {
      return SetupError(mspid, std::string(field) + "[" + std::to_string(i) + "] " + Quoted(cert) +
                                   " is a root CA, not an intermediate");
    }
  }
  return Status::Ok();
}

// Fabric's getCertifiersIdentifier: the certificate must be one of the MSP's
// CAs; the identifier hashes its chain up to the root.
Result<std::string> CertifiersIdentifier(const MspState& state, const std::string& pem,
                                         const std::string& where) {
  auto cert = crypto::Certificate::FromPem(pem);
  if (!cert.ok()) return SetupError(state.id, where + ": " + cert.status().message());
  for (const auto& root : state.roots) {
    if (root == *cert) return internal::ChainIdentifier({root});
  }
  for (const auto& intermediate : state.intermediates) {
    if (intermediate == *cert) {
      auto chain =
          crypto::VerifyChain(intermediate, state.roots, state.intermediates, IssuanceTime(intermediate));
      if (!chain.ok()) return SetupError(state.id, where + ": " + chain.status().message());
      return internal::ChainIdentifier(*chain);
    }
  }
  return SetupError(state.id, where + ": certificate " + Quoted(*cert) +
                                  " is not one of this MSP's root or intermediate CA certificates");
}

Result<std::optional<OuIdentifier>> NodeOuIdentifier(const MspState& state, bool present,
                                                     const ::msp::FabricOUIdentifier& proto,
                                                     const char* field) {
  if (!present) return std::optional<OuIdentifier>();
  OuIdentifier identifier{proto.organizational_unit_identifier(), ""};
  if (identifier.ou.empty()) {
    return SetupError(state.id,
                      std::string("fabric_node_ous.") + field + ": organizational_unit_identifier is empty");
  }
  if (!proto.certificate().empty()) {
    LOOM_ASSIGN_OR_RETURN(
        identifier.certifiers_id,
        CertifiersIdentifier(state, proto.certificate(), std::string("fabric_node_ous.") + field));
  }
  return std::optional<OuIdentifier>(std::move(identifier));
}

Status SetupNodeOus(MspState& state) {
  const auto& config = state.config;
  if (!config.has_fabric_node_ous() || !config.fabric_node_ous().enable()) return Status::Ok();
  const auto& ous = config.fabric_node_ous();
  LOOM_ASSIGN_OR_RETURN(state.client_ou,
                        NodeOuIdentifier(state, ous.has_client_ou_identifier(), ous.client_ou_identifier(),
                                         "client_ou_identifier"));
  LOOM_ASSIGN_OR_RETURN(state.peer_ou, NodeOuIdentifier(state, ous.has_peer_ou_identifier(),
                                                        ous.peer_ou_identifier(), "peer_ou_identifier"));
  LOOM_ASSIGN_OR_RETURN(state.admin_ou, NodeOuIdentifier(state, ous.has_admin_ou_identifier(),
                                                         ous.admin_ou_identifier(), "admin_ou_identifier"));
  LOOM_ASSIGN_OR_RETURN(state.orderer_ou,
                        NodeOuIdentifier(state, ous.has_orderer_ou_identifier(), ous.orderer_ou_identifier(),
                                         "orderer_ou_identifier"));
  // As in Fabric, NodeOUs without a single identifier enforce nothing.
  state.node_ous_enabled = state.client_ou || state.peer_ou || state.admin_ou || state.orderer_ou;
  return Status::Ok();
}

Status CheckCryptoConfig(const ::msp::FabricMSPConfig& config) {
  if (!config.has_crypto_config()) return Status::Ok();
  const auto& crypto_config = config.crypto_config();
  if (!crypto_config.signature_hash_family().empty() && crypto_config.signature_hash_family() != "SHA2") {
    return SetupError(config.name(), "crypto_config.signature_hash_family '" +
                                         crypto_config.signature_hash_family() +
                                         "' is not supported (only SHA2)");
  }
  if (!crypto_config.identity_identifier_hash_function().empty() &&
      crypto_config.identity_identifier_hash_function() != "SHA256") {
    return SetupError(config.name(), "crypto_config.identity_identifier_hash_function '" +
                                         crypto_config.identity_identifier_hash_function() +
                                         "' is not supported (only SHA256)");
  }
  return Status::Ok();
}

// Fabric's postSetupV142: admins listed by certificate must be valid members
// and, with NodeOUs, clients or admins. Validity windows are checked as of
// issuance: a config block outlives its certificates.
Status CheckAdmins(const Msp& msp, const MspState& state) {
  for (size_t i = 0; i < state.admins.size(); ++i) {
    const crypto::Certificate& cert = state.admins[i];
    std::string where = "admins[" + std::to_string(i) + "] " + Quoted(cert);
    LOOM_ASSIGN_OR_RETURN(Identity admin, msp.IdentityFromCertificate(cert));
    Status valid = msp.Validate(admin, IssuanceTime(cert));
    if (!valid.ok()) return SetupError(state.id, where + " is not a valid member: " + valid.message());
    if (!state.node_ous_enabled) continue;
    auto role = msp.Role(admin);
    if (!role.ok()) return SetupError(state.id, where + ": " + role.status().message());
    if (*role != NodeRole::kClient && *role != NodeRole::kAdmin) {
      return SetupError(state.id, where + " has role '" + std::string(NodeRoleName(*role)) +
                                      "'; an admin certificate must be a client or an admin");
    }
  }
  if (state.admins.empty() && !state.admin_ou) {
    return SetupError(state.id,
                      "no administrators: list admin certificates (admincerts) or enable NodeOUs with an "
                      "admin OU identifier");
  }
  return Status::Ok();
}

}  // namespace

std::string_view NodeRoleName(NodeRole role) {
  switch (role) {
    case NodeRole::kClient: return "client";
    case NodeRole::kPeer: return "peer";
    case NodeRole::kAdmin: return "admin";
    case NodeRole::kOrderer: return "orderer";
  }
  return "unknown";
}

Result<Msp> Msp::FromFabricMspConfig(const ::msp::FabricMSPConfig& config) {
  auto state = std::make_shared<MspState>();
  state->id = config.name();
  state->config = config;
  if (state->id.empty()) return Status::InvalidArgument("FabricMSPConfig: name (the MSP id) is empty");
  LOOM_RETURN_IF_ERROR(CheckCryptoConfig(config));
  if (config.revocation_list_size() > 0) {
    return SetupError(state->id, "revocation_list: certificate revocation lists are not supported");
  }
  if (config.root_certs_size() == 0)
    return SetupError(state->id, "root_certs is empty: an MSP needs a root CA");
  LOOM_ASSIGN_OR_RETURN(state->roots, ParseCertificates(state->id, config.root_certs(), "root_certs", true));
  LOOM_ASSIGN_OR_RETURN(state->intermediates, ParseCertificates(state->id, config.intermediate_certs(),
                                                                "intermediate_certs", true));
  LOOM_RETURN_IF_ERROR(
      CheckIntermediates(state->id, state->intermediates, state->roots, "intermediate_certs"));
  LOOM_ASSIGN_OR_RETURN(state->tls_roots,
                        ParseCertificates(state->id, config.tls_root_certs(), "tls_root_certs", true));
  LOOM_ASSIGN_OR_RETURN(
      state->tls_intermediates,
      ParseCertificates(state->id, config.tls_intermediate_certs(), "tls_intermediate_certs", true));
  LOOM_RETURN_IF_ERROR(
      CheckIntermediates(state->id, state->tls_intermediates, state->tls_roots, "tls_intermediate_certs"));
  for (int i = 0; i < config.organizational_unit_identifiers_size(); ++i) {
    const auto& proto = config.organizational_unit_identifiers(i);
    std::string where = "organizational_unit_identifiers[" + std::to_string(i) + "]";
    if (proto.organizational_unit_identifier().empty()) {
      return SetupError(state->id, where + ": organizational_unit_identifier is empty");
    }
    LOOM_ASSIGN_OR_RETURN(std::string certifiers, CertifiersIdentifier(*state, proto.certificate(), where));
    state->ou_identifiers.push_back({proto.organizational_unit_identifier(), std::move(certifiers)});
  }
  LOOM_RETURN_IF_ERROR(SetupNodeOus(*state));
  LOOM_ASSIGN_OR_RETURN(state->admins, ParseCertificates(state->id, config.admins(), "admins", false));
  Msp msp(state);
  LOOM_RETURN_IF_ERROR(CheckAdmins(msp, *state));
  return msp;
}

Result<Msp> Msp::FromMspConfig(const ::msp::MSPConfig& config) {
  if (config.type() != 0) {
    return Status::InvalidArgument("MSPConfig type " + std::to_string(config.type()) +
                                   (config.type() == 1 ? " (IDEMIX)" : "") +
                                   " is not supported; only type 0 (FABRIC, X.509) is");
  }
  ::msp::FabricMSPConfig fabric_config;
  if (!fabric_config.ParseFromString(config.config())) {
    return Status::InvalidArgument("MSPConfig.config is not a msp.FabricMSPConfig message");
  }
  return FromFabricMspConfig(fabric_config);
}

const std::string& Msp::id() const {
  return state_->id;
}
bool Msp::node_ous_enabled() const {
  return state_->node_ous_enabled;
}
const ::msp::FabricMSPConfig& Msp::config() const {
  return state_->config;
}
const std::vector<crypto::Certificate>& Msp::root_certs() const {
  return state_->roots;
}
const std::vector<crypto::Certificate>& Msp::intermediate_certs() const {
  return state_->intermediates;
}
const std::vector<crypto::Certificate>& Msp::admin_certs() const {
  return state_->admins;
}
const std::vector<crypto::Certificate>& Msp::tls_root_certs() const {
  return state_->tls_roots;
}
const std::vector<crypto::Certificate>& Msp::tls_intermediate_certs() const {
  return state_->tls_intermediates;
}

}  // namespace loom::msp
