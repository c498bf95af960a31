// DER ECDSA signatures: strict parsing and the low-S rule.
#include <openssl/err.h>

#include "core/crypto/ecdsa.h"
#include "core/crypto/openssl_util.h"

namespace loom::crypto {
namespace internal {

std::string EncodeDerSignature(const ECDSA_SIG* sig) {
  int length = i2d_ECDSA_SIG(sig, nullptr);
  if (length <= 0) return {};
  std::string der(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig, &out) != length) return {};
  return der;
}

Result<EcdsaSigPtr> ParseDerSignature(std::string_view der) {
  if (der.empty()) return Status::InvalidArgument("signature is empty");
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (sig == nullptr) {
    ERR_clear_error();
    return Status::InvalidArgument("signature is not a DER ECDSA signature (SEQUENCE of two INTEGERs), " +
                                   std::to_string(der.size()) + " bytes");
  }
  size_t consumed = static_cast<size_t>(in - reinterpret_cast<const unsigned char*>(der.data()));
  if (consumed != der.size()) {
    return Status::InvalidArgument("signature has " + std::to_string(der.size() - consumed) +
                                   " trailing bytes after its DER SEQUENCE");
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (BN_is_zero(r) || BN_is_negative(r)) return Status::InvalidArgument("signature has r <= 0");
  if (BN_is_zero(s) || BN_is_negative(s)) return Status::InvalidArgument("signature has s <= 0");
  // d2i accepts some non-minimal BER integers; re-encoding exposes them.
  if (EncodeDerSignature(sig.get()) != der) {
    return Status::InvalidArgument("signature is BER but not canonical DER (non-minimal length or integer)");
  }
  return sig;
}

}  // namespace internal

Result<bool> IsLowS(std::string_view der_signature) {
  LOOM_ASSIGN_OR_RETURN(internal::EcdsaSigPtr sig, internal::ParseDerSignature(der_signature));
  return BN_cmp(ECDSA_SIG_get0_s(sig.get()), internal::P256HalfOrder()) <= 0;
}

Result<std::string> ToLowS(std::string_view der_signature) {
  LOOM_ASSIGN_OR_RETURN(internal::EcdsaSigPtr sig, internal::ParseDerSignature(der_signature));
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_cmp(s, internal::P256HalfOrder()) <= 0) return std::string(der_signature);
  if (BN_cmp(s, internal::P256Order()) >= 0) {
    return Status::InvalidArgument("signature has s >= the P-256 group order");
  }
  internal::BignumPtr low_s(BN_new());
  internal::BignumPtr r(BN_dup(ECDSA_SIG_get0_r(sig.get())));
  if (low_s == nullptr || r == nullptr || !BN_sub(low_s.get(), internal::P256Order(), s) ||
      !ECDSA_SIG_set0(sig.get(), r.get(), low_s.get())) {
    return Status::Internal("ToLowS: " + internal::TakeOpenSslErrors());
  }
  // ECDSA_SIG_set0 took ownership of both numbers.
  r.release();
  low_s.release();
  std::string der = internal::EncodeDerSignature(sig.get());
  if (der.empty())
    return Status::Internal("ToLowS: cannot encode signature: " + internal::TakeOpenSslErrors());
  return der;
}

}  // namespace loom::crypto
