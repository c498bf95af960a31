// ECDSA over NIST P-256 with SHA-256, as Fabric uses it.
//
// Signatures are ASN.1 DER (SEQUENCE{INTEGER r, INTEGER s}). Sign() always
// produces low-S signatures (s <= n/2); Verify() rejects high-S ones, as
// Fabric's BCCSP does, so a signature has exactly one valid encoding.
// Keys are immutable after construction and safe to share across threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/util/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace loom::crypto {

class PublicKey {
 public:
  PublicKey() = default;
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo). Must be a P-256 key.
  static Result<PublicKey> FromPem(std::string_view pem);
  // DER SubjectPublicKeyInfo.
  static Result<PublicKey> FromDer(std::string_view der);
  // Takes a reference on `pkey` (which must be a P-256 EC key).
  static Result<PublicKey> FromEvp(EVP_PKEY* pkey);

  bool valid() const { return pkey_ != nullptr; }
  std::string ToPem() const;
  std::string ToDer() const;
  // The uncompressed point 0x04 || X || Y (65 bytes).
  std::string RawPoint() const;
  // Subject key identifier as Fabric's cryptogen computes it: SHA-256 of RawPoint().
  std::string Ski() const;

  // Verifies a DER signature over SHA-256(message). PermissionDenied for a
  // wrong or high-S signature, InvalidArgument for a malformed one.
  Status Verify(std::string_view message, std::string_view der_signature) const;
  // Same, over a precomputed 32-byte digest.
  Status VerifyDigest(std::string_view digest, std::string_view der_signature) const;

  EVP_PKEY* evp() const { return pkey_.get(); }
  bool operator==(const PublicKey& other) const;

 private:
  std::shared_ptr<EVP_PKEY> pkey_;
};

class PrivateKey {
 public:
  PrivateKey() = default;
  // A fresh random P-256 key.
  static Result<PrivateKey> Generate();
  // PEM "PRIVATE KEY" (PKCS#8, as cryptogen writes) or "EC PRIVATE KEY" (SEC1).
  static Result<PrivateKey> FromPem(std::string_view pem);

  bool valid() const { return pkey_ != nullptr; }
  // PKCS#8 PEM, unencrypted (Fabric's keystore format).
  std::string ToPem() const;
  PublicKey public_key() const;

  // Low-S DER signature over SHA-256(message).
  Result<std::string> Sign(std::string_view message) const;
  // Low-S DER signature over a precomputed 32-byte digest.
  Result<std::string> SignDigest(std::string_view digest) const;

  EVP_PKEY* evp() const { return pkey_.get(); }

 private:
  static Result<PrivateKey> FromOwnedEvp(EVP_PKEY* pkey);

  std::shared_ptr<EVP_PKEY> pkey_;
  PublicKey public_key_;  // derived once at construction (public part only)
};

// True when the DER signature's S is at most half the P-256 group order.
// InvalidArgument if `der_signature` is not a DER ECDSA signature.
Result<bool> IsLowS(std::string_view der_signature);
// Returns the signature with S replaced by n - S when S is high.
Result<std::string> ToLowS(std::string_view der_signature);

}  // namespace loom::crypto
