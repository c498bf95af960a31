// Signer: who signs envelopes and blocks. The protocol layer needs only the
// signer's serialized identity (msp.SerializedIdentity bytes) and a way to
// sign, so the MSP's signing identity can plug in later. Implementations
// must be thread-safe for concurrent Sign() calls.
#pragma once

#include <string>
#include <string_view>

#include "core/crypto/ecdsa.h"
#include "core/util/status.h"

namespace loom::protocol {

class Signer {
 public:
  virtual ~Signer() = default;
  // Marshalled msp.SerializedIdentity of the signer.
  virtual const std::string& serialized_identity() const = 0;
  // Low-S DER ECDSA signature over SHA-256(message).
  virtual Result<std::string> Sign(std::string_view message) const = 0;
};

// A Signer from a private key and the identity bytes that go with it.
class KeySigner : public Signer {
 public:
  KeySigner(crypto::PrivateKey key, std::string serialized_identity)
      : key_(std::move(key)), serialized_identity_(std::move(serialized_identity)) {}

  const std::string& serialized_identity() const override { return serialized_identity_; }
  Result<std::string> Sign(std::string_view message) const override { return key_.Sign(message); }

 private:
  crypto::PrivateKey key_;
  std::string serialized_identity_;
};

}  // namespace loom::protocol
