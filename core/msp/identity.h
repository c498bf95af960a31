// An identity of an MSP: its MSP id, certificate and public key, bound to the
// Msp that deserialized it (which validates and classifies it).
//
// Identities are immutable, cheap to copy (shared state) and thread-safe.
// They are made by Msp::DeserializeIdentity / IdentityFromCertificate or
// MspManager::DeserializeIdentity.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"
#include "core/msp/msp.h"
#include "core/util/status.h"
#include "msp/msp_principal.pb.h"

namespace loom::msp {

namespace internal {
struct IdentityData;
}  // namespace internal

class Identity {
 public:
  // An empty identity (valid() is false); only assignment and valid() may be used.
  Identity() = default;

  bool valid() const { return data_ != nullptr; }
  const std::string& mspid() const;
  const crypto::Certificate& certificate() const;
  const crypto::PublicKey& public_key() const;
  // The marshalled msp.SerializedIdentity this identity was read from (or
  // built as): the bytes to put in creator/endorser fields and to compare.
  const std::string& serialized() const;
  // The PEM certificate (SerializedIdentity.id_bytes).
  const std::string& id_bytes() const;
  // The subject's OU values, in certificate order.
  std::vector<std::string> OrganizationalUnits() const;
  const Msp& msp() const { return msp_; }

  // "Org1MSP:CN=peer0.org1.example.com,OU=peer,..." for messages.
  std::string Describe() const;

  // See Msp::Validate.
  Status Validate(Clock::time_point at = Clock::now()) const { return msp_.Validate(*this, at); }
  // Verifies a low-S DER ECDSA signature over SHA-256(message) with this
  // identity's key. PermissionDenied when it does not verify (or is high-S),
  // InvalidArgument when it is not a DER signature.
  Status Verify(std::string_view message, std::string_view signature) const;
  // See Msp::Role.
  Result<NodeRole> Role() const { return msp_.Role(*this); }
  // See Msp::SatisfiesPrincipal.
  Status SatisfiesPrincipal(const common::MSPPrincipal& principal,
                            Clock::time_point at = Clock::now()) const {
    return msp_.SatisfiesPrincipal(*this, principal, at);
  }

 private:
  friend class Msp;
  Identity(Msp msp, std::shared_ptr<const internal::IdentityData> data)
      : msp_(std::move(msp)), data_(std::move(data)) {}

  Msp msp_;
  std::shared_ptr<const internal::IdentityData> data_;
};

}  // namespace loom::msp
