// A signing identity: an Identity of an MSP plus its private key (Fabric's
// local MSP signer). Immutable, cheap to copy, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/crypto/ecdsa.h"
#include "core/msp/identity.h"
#include "core/util/status.h"

namespace loom::msp {

class SigningIdentity {
 public:
  // InvalidArgument when `key` is not the private key of `identity`'s certificate.
  static Result<SigningIdentity> Create(Identity identity, crypto::PrivateKey key);

  const Identity& identity() const { return identity_; }
  const crypto::PrivateKey& private_key() const { return key_; }
  const std::string& mspid() const { return identity_.mspid(); }

  // Low-S DER ECDSA signature over SHA-256(message).
  Result<std::string> Sign(std::string_view message) const { return key_.Sign(message); }
  // The marshalled msp.SerializedIdentity (for creator/endorser fields).
  const std::string& Serialize() const { return identity_.serialized(); }

 private:
  SigningIdentity(Identity identity, crypto::PrivateKey key)
      : identity_(std::move(identity)), key_(std::move(key)) {}

  Identity identity_;
  crypto::PrivateKey key_;
};

// Loads an MSP folder (LoadMspFolder) and its signer: the certificate in
// signcerts/ and the matching key in keystore/. Fails with the file and the
// reason when either is missing or they do not match, or when the
// certificate is not a valid identity of the folder's MSP at `at`.
Result<SigningIdentity> LoadSigningIdentity(const std::string& dir, const std::string& mspid,
                                            Clock::time_point at = Clock::now());

}  // namespace loom::msp
