// Certificate::WithLowSSignature: Fabric's sanitizeCert for ECDSA signatures.
#include <openssl/err.h>
#include <openssl/objects.h>

#include "core/crypto/openssl_util.h"
#include "core/crypto/x509.h"

namespace loom::crypto {

Result<Certificate> Certificate::WithLowSSignature() const {
  if (!valid()) return Status::InvalidArgument("WithLowSSignature on an empty certificate");
  int pkey_nid = NID_undef;
  if (!OBJ_find_sigid_algs(X509_get_signature_nid(x509_.get()), nullptr, &pkey_nid) ||
      pkey_nid != NID_X9_62_id_ecPublicKey) {
    return *this;  // not ECDSA: the low-S rule does not apply
  }
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, x509_.get());
  std::string der(reinterpret_cast<const char*>(ASN1_STRING_get0_data(signature)),
                  static_cast<size_t>(ASN1_STRING_length(signature)));
  Result<std::string> low = ToLowS(der);
  if (!low.ok())
    return low.status().WithContext("certificate " + SubjectString() + " has a malformed signature");
  if (*low == der) return *this;

  // Only the signature value changes; the signed TBSCertificate keeps its
  // original encoding, so the issuer's signature over it still verifies.
  internal::X509Ptr copy(X509_dup(x509_.get()));
  if (copy == nullptr) return Status::Internal("WithLowSSignature: " + internal::TakeOpenSslErrors());
  const ASN1_BIT_STRING* copy_signature = nullptr;
  X509_get0_signature(&copy_signature, nullptr, copy.get());
  // The copy is ours alone, so writing its signature field is safe.
  auto* writable = const_cast<ASN1_BIT_STRING*>(copy_signature);
  if (!ASN1_BIT_STRING_set(writable, reinterpret_cast<unsigned char*>(low->data()),
                           static_cast<int>(low->size()))) {
    return Status::Internal("WithLowSSignature: " + internal::TakeOpenSslErrors());
  }
  // A signature is whole bytes: no unused bits in the last one.
  writable->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  writable->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  int length = i2d_X509(copy.get(), nullptr);
  if (length <= 0) return Status::Internal("WithLowSSignature: " + internal::TakeOpenSslErrors());
  std::string encoded(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(encoded.data());
  i2d_X509(copy.get(), &out);
  return FromDer(encoded);
}

}  // namespace loom::crypto
