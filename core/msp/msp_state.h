// Internal to core/msp: the shared state behind Msp and Identity handles.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"
#include "core/msp/msp.h"
#include "core/util/status.h"
#include "msp/msp_config.pb.h"

namespace loom::msp::internal {

struct IdentityData {
  std::string mspid;
  crypto::Certificate certificate;
  crypto::PublicKey public_key;
  std::string serialized;  // marshalled SerializedIdentity
  std::string id_bytes;    // PEM
};

// An OU value an MSP recognises, optionally tied to the CA chain that must
// have certified it (Fabric's OUIdentifier).
struct OuIdentifier {
  std::string ou;
  // SHA-256 over the DER of the certifying CA chain (CA first, root last);
  // empty when any of the MSP's CAs may certify it.
  std::string certifiers_id;
};

// The time-independent part of validating one identity.
struct ChainValidation {
  Status status;                           // chain, CA flag and OU checks
  std::vector<crypto::Certificate> chain;  // leaf first, root last; empty on error
  std::string chain_id;                    // SHA-256 over DER of chain[1..]: the identity's certifiers
};

// Deserialized identities and their chain validations, keyed by serialized
// identity bytes. Bounded: cleared when full, since every entry can be
// recomputed. Thread-safe.
class IdentityCache {
 public:
  struct Entry {
    std::shared_ptr<const IdentityData> identity;
    std::shared_ptr<const ChainValidation> validation;  // null until validated
  };

  std::optional<Entry> Find(const std::string& serialized) const;
  void PutIdentity(const std::string& serialized, std::shared_ptr<const IdentityData> identity);
  void PutValidation(const std::string& serialized, std::shared_ptr<const IdentityData> identity,
                     std::shared_ptr<const ChainValidation> validation);

 private:
  static constexpr size_t kMaxEntries = 4096;
  void MakeRoomLocked();

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

struct MspState {
  std::string id;
  ::msp::FabricMSPConfig config;
  std::vector<crypto::Certificate> roots;
  std::vector<crypto::Certificate> intermediates;
  std::vector<crypto::Certificate> admins;
  std::vector<crypto::Certificate> tls_roots;
  std::vector<crypto::Certificate> tls_intermediates;
  std::vector<OuIdentifier> ou_identifiers;  // OrganizationalUnitIdentifiers
  bool node_ous_enabled = false;
  std::optional<OuIdentifier> client_ou;
  std::optional<OuIdentifier> peer_ou;
  std::optional<OuIdentifier> admin_ou;
  std::optional<OuIdentifier> orderer_ou;
  mutable IdentityCache cache;
};

// SHA-256 over the concatenated DER of `chain` (Fabric's certification chain
// identifier).
std::string ChainIdentifier(const std::vector<crypto::Certificate>& chain);

// The cached time-independent validation of `identity`, computed on first use.
std::shared_ptr<const ChainValidation> ValidateChainOnce(const MspState& state,
                                                         const std::shared_ptr<const IdentityData>& identity);

// "2027-11-10T13:41:11Z".
std::string FormatTime(Clock::time_point time);

}  // namespace loom::msp::internal
