// Deserializing, validating and classifying identities of an Msp.
#include <ctime>
#include <string>
#include <utility>

#include "core/crypto/hash.h"
#include "core/msp/identity.h"
#include "core/msp/msp.h"
#include "core/msp/msp_state.h"
#include "core/msp/serialized_identity.h"

namespace loom::msp {
namespace internal {

std::optional<IdentityCache::Entry> IdentityCache::Find(const std::string& serialized) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(serialized);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void IdentityCache::PutIdentity(const std::string& serialized, std::shared_ptr<const IdentityData> identity) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(serialized);
  if (it != entries_.end()) return;
  MakeRoomLocked();
  entries_.emplace(serialized, Entry{std::move(identity), nullptr});
}

void IdentityCache::PutValidation(const std::string& serialized, std::shared_ptr<const IdentityData> identity,
                                  std::shared_ptr<const ChainValidation> validation) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(serialized);
  if (it != entries_.end()) {
    it->second.validation = std::move(validation);
    return;
  }
  MakeRoomLocked();
  entries_.emplace(serialized, Entry{std::move(identity), std::move(validation)});
}

void IdentityCache::MakeRoomLocked() {
  if (entries_.size() >= kMaxEntries) entries_.clear();
}

std::string ChainIdentifier(const std::vector<crypto::Certificate>& chain) {
  crypto::Sha256Hasher hasher;
  for (const auto& cert : chain) hasher.Update(cert.ToDer());
  return hasher.Finish();
}

std::string FormatTime(Clock::time_point time) {
  std::time_t seconds = Clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace internal

namespace {

using internal::ChainValidation;
using internal::IdentityData;
using internal::MspState;
using internal::OuIdentifier;

std::string JoinOus(const std::vector<std::string>& ous) {
  std::string text = "[";
  for (size_t i = 0; i < ous.size(); ++i) text += (i ? ", " : "") + ous[i];
  return text + "]";
}

std::string DescribeData(const IdentityData& data) {
  return "identity '" + data.certificate.SubjectString() + "' of MSP '" + data.mspid + "'";
}

// Chains are verified as of one second after the leaf's NotBefore, as
// Fabric does, so the result does not depend on the clock and can be cached;
// Validate() checks the validity windows separately.
Clock::time_point IssuanceTime(const crypto::Certificate& cert) {
  Clock::time_point at = cert.NotBefore() + std::chrono::seconds(1);
  return at > cert.NotAfter() ? cert.NotBefore() : at;
}

// The NodeOU identifiers that are configured, with their roles.
std::vector<std::pair<NodeRole, const OuIdentifier*>> NodeOus(const MspState& state) {
  std::vector<std::pair<NodeRole, const OuIdentifier*>> ous;
  if (state.client_ou) ous.emplace_back(NodeRole::kClient, &*state.client_ou);
  if (state.peer_ou) ous.emplace_back(NodeRole::kPeer, &*state.peer_ou);
  if (state.admin_ou) ous.emplace_back(NodeRole::kAdmin, &*state.admin_ou);
  if (state.orderer_ou) ous.emplace_back(NodeRole::kOrderer, &*state.orderer_ou);
  return ous;
}

// Fabric's validateIdentityOUsV1: with OrganizationalUnitIdentifiers, one of
// the identity's OUs must be among them, certified by the configured chain.
Status CheckOuIdentifiers(const MspState& state, const IdentityData& data,
                          const std::vector<std::string>& ous, const std::string& chain_id) {
  if (state.ou_identifiers.empty()) return Status::Ok();
  for (const auto& ou : ous) {
    for (const auto& identifier : state.ou_identifiers) {
      if (identifier.ou == ou && identifier.certifiers_id == chain_id) return Status::Ok();
    }
  }
  if (ous.empty()) {
    return Status::PermissionDenied(DescribeData(data) +
                                    " has no organizational unit (OU), but the MSP requires one");
  }
  return Status::PermissionDenied("none of the organizational units " + JoinOus(ous) + " of " +
                                  DescribeData(data) + " is among those MSP '" + state.id + "' recognises");
}

// Fabric's validateIdentityOUsV142: with NodeOUs, exactly one of the
// client/peer/admin/orderer OUs, certified by the configured chain.
Status CheckNodeOus(const MspState& state, const IdentityData& data, const std::vector<std::string>& ous,
                    const std::string& chain_id) {
  if (!state.node_ous_enabled) return Status::Ok();
  int matches = 0;
  for (const auto& ou : ous) {
    for (const auto& [role, identifier] : NodeOus(state)) {
      if (identifier->ou != ou) continue;
      if (!identifier->certifiers_id.empty() && identifier->certifiers_id != chain_id) {
        return Status::PermissionDenied("the OU '" + ou + "' of " + DescribeData(data) +
                                        " is certified by a different CA than MSP '" + state.id +
                                        "' requires for role " + std::string(NodeRoleName(role)));
      }
      ++matches;
      break;
    }
  }
  if (matches == 0) {
    return Status::PermissionDenied(
        DescribeData(data) + " has none of the NodeOU roles (client, peer, admin, " + "orderer) that MSP '" +
        state.id + "' requires; its OUs are " + JoinOus(ous));
  }
  if (matches > 1) {
    return Status::PermissionDenied(
        DescribeData(data) +
        " must be exactly one of client, peer, admin or orderer, not a combination; "
        "its OUs are " +
        JoinOus(ous));
  }
  return Status::Ok();
}

ChainValidation ComputeChainValidation(const MspState& state, const IdentityData& data) {
  ChainValidation validation;
  const crypto::Certificate& cert = data.certificate;
  if (cert.IsCa()) {
    validation.status = Status::PermissionDenied(DescribeData(data) +
                                                 " is a CA certificate, which cannot be used as an identity");
    return validation;
  }
  auto chain = crypto::VerifyChain(cert, state.roots, state.intermediates, IssuanceTime(cert));
  if (!chain.ok()) {
    validation.status = Status::PermissionDenied(DescribeData(data) + " (issued by '" + cert.IssuerString() +
                                                 "') is not certified by a CA of MSP '" + state.id +
                                                 "': " + chain.status().message());
    return validation;
  }
  std::vector<crypto::Certificate> certifiers(chain->begin() + 1, chain->end());
  validation.chain_id = internal::ChainIdentifier(certifiers);
  std::vector<std::string> ous = cert.OrganizationalUnits();
  validation.status = CheckOuIdentifiers(state, data, ous, validation.chain_id);
  if (validation.status.ok()) validation.status = CheckNodeOus(state, data, ous, validation.chain_id);
  if (validation.status.ok()) validation.chain = std::move(chain).value();
  return validation;
}

Status CheckValidityWindows(const IdentityData& data, const std::vector<crypto::Certificate>& chain,
                            Clock::time_point at) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const crypto::Certificate& cert = chain[i];
    // Named only when refusing: formatting a subject costs more than the check.
    auto which = [&] {
      return i == 0 ? std::string("the certificate")
                    : "the CA certificate '" + cert.SubjectString() + "' of its chain";
    };
    if (at < cert.NotBefore()) {
      return Status::PermissionDenied(DescribeData(data) + ": " + which() + " is not valid before " +
                                      internal::FormatTime(cert.NotBefore()) + " (validation time " +
                                      internal::FormatTime(at) + ")");
    }
    if (at > cert.NotAfter()) {
      return Status::PermissionDenied(DescribeData(data) + ": " + which() + " expired at " +
                                      internal::FormatTime(cert.NotAfter()) + " (validation time " +
                                      internal::FormatTime(at) + ")");
    }
  }
  return Status::Ok();
}

Result<std::shared_ptr<const IdentityData>> MakeIdentityData(std::string mspid, std::string id_bytes,
                                                             std::string serialized) {
  auto cert = crypto::Certificate::FromPem(id_bytes);
  if (!cert.ok()) {
    return Status::InvalidArgument("identity of MSP '" + mspid +
                                   "': id_bytes is not a PEM certificate: " + cert.status().message());
  }
  crypto::PublicKey key = cert->public_key();
  if (!key.valid()) {
    return Status::InvalidArgument("identity '" + cert->SubjectString() + "' of MSP '" + mspid +
                                   "': the certificate's key is not an ECDSA P-256 key");
  }
  auto data = std::make_shared<IdentityData>();
  data->mspid = std::move(mspid);
  data->certificate = std::move(cert).value();
  data->public_key = std::move(key);
  data->id_bytes = std::move(id_bytes);
  data->serialized = std::move(serialized);
  return std::shared_ptr<const IdentityData>(std::move(data));
}

}  // namespace

namespace internal {

std::shared_ptr<const ChainValidation> ValidateChainOnce(const MspState& state,
                                                         const std::shared_ptr<const IdentityData>& data) {
  auto entry = state.cache.Find(data->serialized);
  if (entry && entry->validation) return entry->validation;
  auto validation = std::make_shared<const ChainValidation>(ComputeChainValidation(state, *data));
  state.cache.PutValidation(data->serialized, data, validation);
  return validation;
}

}  // namespace internal

Result<Identity> Msp::DeserializeIdentity(std::string_view serialized) const {
  std::string key(serialized);
  if (auto entry = state_->cache.Find(key)) return Identity(*this, entry->identity);
  LOOM_ASSIGN_OR_RETURN(SerializedIdentityParts parts, DecodeSerializedIdentity(serialized));
  if (parts.mspid != state_->id) {
    return Status::PermissionDenied("identity of MSP '" + parts.mspid + "' given to MSP '" + state_->id +
                                    "'");
  }
  LOOM_ASSIGN_OR_RETURN(auto data, MakeIdentityData(std::move(parts.mspid), std::move(parts.id_bytes), key));
  state_->cache.PutIdentity(key, data);
  return Identity(*this, std::move(data));
}

Result<Identity> Msp::IdentityFromCertificate(const crypto::Certificate& certificate) const {
  return DeserializeIdentity(EncodeSerializedIdentity(state_->id, certificate.ToPem()));
}

Status Msp::Validate(const Identity& identity, Clock::time_point at) const {
  if (!identity.valid()) return Status::InvalidArgument("empty identity");
  if (identity.mspid() != state_->id) {
    return Status::PermissionDenied("identity of MSP '" + identity.mspid() + "' is not a member of MSP '" +
                                    state_->id + "'");
  }
  auto validation = internal::ValidateChainOnce(*state_, identity.data_);
  if (!validation->status.ok()) return validation->status;
  return CheckValidityWindows(*identity.data_, validation->chain, at);
}

Result<NodeRole> Msp::Role(const Identity& identity) const {
  if (!identity.valid()) return Status::InvalidArgument("empty identity");
  if (identity.mspid() != state_->id) {
    return Status::PermissionDenied("identity of MSP '" + identity.mspid() + "' is not a member of MSP '" +
                                    state_->id + "'");
  }
  auto validation = internal::ValidateChainOnce(*state_, identity.data_);
  if (!validation->status.ok()) return validation->status;
  if (!state_->node_ous_enabled) {
    return Status::FailedPrecondition("MSP '" + state_->id +
                                      "' does not enable NodeOUs, so it cannot tell client, peer, admin and "
                                      "orderer identities apart");
  }
  // Validation guarantees exactly one NodeOU.
  for (const auto& ou : identity.certificate().OrganizationalUnits()) {
    for (const auto& [role, identifier] : NodeOus(*state_)) {
      if (identifier->ou == ou) return role;
    }
  }
  return Status::Internal("validated identity has no NodeOU");
}

bool Msp::IsAdmin(const Identity& identity) const {
  if (!identity.valid() || identity.mspid() != state_->id) return false;
  for (const auto& admin : state_->admins) {
    if (admin == identity.certificate()) return true;
  }
  if (!state_->node_ous_enabled || !state_->admin_ou) return false;
  for (const auto& ou : identity.certificate().OrganizationalUnits()) {
    if (ou == state_->admin_ou->ou) return true;
  }
  return false;
}

}  // namespace loom::msp
