#include "core/crypto/ecdsa.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/crypto/hash.h"
#include "core/crypto/openssl_util.h"

namespace loom::crypto {

using internal::BioPtr;
using internal::PkeyCtxPtr;
using internal::PkeyPtr;
using internal::TakeOpenSslErrors;

namespace {

std::shared_ptr<EVP_PKEY> Share(PkeyPtr pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free);
}

Status CheckP256(const EVP_PKEY* pkey) {
  std::string problem = internal::DescribeNonP256(pkey);
  return problem.empty() ? Status::Ok() : Status::InvalidArgument(problem);
}

// Refuses to prompt for a passphrase on the terminal: Loom's keys are
// unencrypted, as Fabric's keystores are.
int NoPassphrase(char*, int, int, void*) {
  return -1;
}

// A leading "-----BEGIN <label>-----" line of `pem`, or empty.
std::string_view PemLabel(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  size_t start = pem.find(kBegin);
  if (start == std::string_view::npos) return {};
  start += kBegin.size();
  size_t end = pem.find("-----", start);
  if (end == std::string_view::npos) return {};
  return pem.substr(start, end - start);
}

// PEM text of a public key held by `pkey`.
std::string PublicPem(EVP_PKEY* pkey) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || !PEM_write_bio_PUBKEY(bio.get(), pkey)) {
    ERR_clear_error();
    return {};
  }
  return internal::BioContents(bio.get());
}

std::string PublicDer(EVP_PKEY* pkey) {
  int length = i2d_PUBKEY(pkey, nullptr);
  if (length <= 0) {
    ERR_clear_error();
    return {};
  }
  std::string der(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(pkey, &out);
  return der;
}

// The 32-byte big-endian form of a coordinate.
bool AppendCoordinate(EVP_PKEY* pkey, const char* param, std::string& out) {
  BIGNUM* value = nullptr;
  if (!EVP_PKEY_get_bn_param(pkey, param, &value)) return false;
  internal::BignumPtr owned(value);
  unsigned char bytes[32];
  if (BN_bn2binpad(value, bytes, sizeof(bytes)) != sizeof(bytes)) return false;
  out.append(reinterpret_cast<const char*>(bytes), sizeof(bytes));
  return true;
}

}  // namespace

// ---- PublicKey ----------------------------------------------------------

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = internal::ReadBio(pem);
  if (bio == nullptr) return Status::InvalidArgument("public key PEM is too large");
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    std::string detail = TakeOpenSslErrors();
    if (PemLabel(pem).empty()) {
      return Status::InvalidArgument("not a PEM public key: no \"-----BEGIN PUBLIC KEY-----\" line");
    }
    return Status::InvalidArgument("PEM \"" + std::string(PemLabel(pem)) +
                                   "\" block is damaged or not a public key (OpenSSL: " + detail + ")");
  }
  return FromEvp(pkey.get());
}

Result<PublicKey> PublicKey::FromDer(std::string_view der) {
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  PkeyPtr pkey(d2i_PUBKEY(nullptr, &in, static_cast<long>(der.size())));
  if (pkey == nullptr) {
    return Status::InvalidArgument("not a DER SubjectPublicKeyInfo: " + TakeOpenSslErrors());
  }
  if (in != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return Status::InvalidArgument("DER public key has trailing bytes");
  }
  return FromEvp(pkey.get());
}

Result<PublicKey> PublicKey::FromEvp(EVP_PKEY* pkey) {
  if (pkey == nullptr) return Status::InvalidArgument("public key is null");
  LOOM_RETURN_IF_ERROR(CheckP256(pkey));
  if (!EVP_PKEY_up_ref(pkey)) return Status::Internal("EVP_PKEY_up_ref failed");
  PublicKey key;
  key.pkey_ = Share(PkeyPtr(pkey));
  return key;
}

std::string PublicKey::ToPem() const {
  return valid() ? PublicPem(pkey_.get()) : std::string();
}

std::string PublicKey::ToDer() const {
  return valid() ? PublicDer(pkey_.get()) : std::string();
}

std::string PublicKey::RawPoint() const {
  if (!valid()) return {};
  // Built from the coordinates rather than OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
  // which follows the key's own point format and may be compressed.
  std::string point(1, '\x04');
  if (!AppendCoordinate(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X, point) ||
      !AppendCoordinate(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, point)) {
    ERR_clear_error();
    return {};
  }
  return point;
}

std::string PublicKey::Ski() const {
  return valid() ? Sha256(RawPoint()) : std::string();
}

Status PublicKey::Verify(std::string_view message, std::string_view der_signature) const {
  return VerifyDigest(Sha256(message), der_signature);
}

Status PublicKey::VerifyDigest(std::string_view digest, std::string_view der_signature) const {
  if (!valid()) return Status::FailedPrecondition("Verify on an empty public key");
  if (digest.size() != kSha256Size) {
    return Status::InvalidArgument("digest must be 32 bytes (SHA-256), got " + std::to_string(digest.size()));
  }
  LOOM_ASSIGN_OR_RETURN(internal::EcdsaSigPtr sig, internal::ParseDerSignature(der_signature));
  if (BN_cmp(ECDSA_SIG_get0_s(sig.get()), internal::P256HalfOrder()) > 0) {
    return Status::PermissionDenied(
        "signature is high-S (s > n/2); Fabric accepts only low-S ECDSA signatures (normalise with ToLowS)");
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
  if (ctx == nullptr || EVP_PKEY_verify_init(ctx.get()) <= 0) {
    return Status::Internal("cannot start ECDSA verification: " + TakeOpenSslErrors());
  }
  int verdict = EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(der_signature.data()),
                                der_signature.size(), reinterpret_cast<const unsigned char*>(digest.data()),
                                digest.size());
  if (verdict == 1) return Status::Ok();
  ERR_clear_error();
  return Status::PermissionDenied("ECDSA signature does not verify with this public key");
}

bool PublicKey::operator==(const PublicKey& other) const {
  if (!valid() || !other.valid()) return valid() == other.valid();
  bool equal = EVP_PKEY_eq(pkey_.get(), other.pkey_.get()) == 1;
  ERR_clear_error();
  return equal;
}

// ---- PrivateKey ---------------------------------------------------------

Result<PrivateKey> PrivateKey::FromOwnedEvp(EVP_PKEY* raw) {
  PkeyPtr pkey(raw);
  LOOM_RETURN_IF_ERROR(CheckP256(pkey.get()));
  // The public half is re-read from its DER so it carries no private scalar.
  LOOM_ASSIGN_OR_RETURN(PublicKey public_key, PublicKey::FromDer(PublicDer(pkey.get())));
  PrivateKey key;
  key.pkey_ = Share(std::move(pkey));
  key.public_key_ = std::move(public_key);
  return key;
}

Result<PrivateKey> PrivateKey::Generate() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (pkey == nullptr) return Status::Internal("P-256 key generation failed: " + TakeOpenSslErrors());
  return FromOwnedEvp(pkey);
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  std::string_view label = PemLabel(pem);
  if (label.empty()) {
    return Status::InvalidArgument(
        "not a PEM private key: no \"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN EC PRIVATE KEY-----\" "
        "line");
  }
  if (label == "ENCRYPTED PRIVATE KEY") {
    return Status::InvalidArgument(
        "private key is encrypted; Loom reads only unencrypted keys, as Fabric does");
  }
  BioPtr bio = internal::ReadBio(pem);
  if (bio == nullptr) return Status::InvalidArgument("private key PEM is too large");
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  if (pkey == nullptr) {
    return Status::InvalidArgument(
        "PEM \"" + std::string(label) +
        "\" block is damaged or not an unencrypted private key (OpenSSL: " + TakeOpenSslErrors() + ")");
  }
  return FromOwnedEvp(pkey);
}

std::string PrivateKey::ToPem() const {
  if (!valid()) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      !PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
    ERR_clear_error();
    return {};
  }
  return internal::BioContents(bio.get());
}

PublicKey PrivateKey::public_key() const {
  return public_key_;
}

Result<std::string> PrivateKey::Sign(std::string_view message) const {
  return SignDigest(Sha256(message));
}

Result<std::string> PrivateKey::SignDigest(std::string_view digest) const {
  if (!valid()) return Status::FailedPrecondition("Sign with an empty private key");
  if (digest.size() != kSha256Size) {
    return Status::InvalidArgument("digest must be 32 bytes (SHA-256), got " + std::to_string(digest.size()));
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
  if (ctx == nullptr || EVP_PKEY_sign_init(ctx.get()) <= 0) {
    return Status::Internal("cannot start ECDSA signing: " + TakeOpenSslErrors());
  }
  const auto* digest_bytes = reinterpret_cast<const unsigned char*>(digest.data());
  size_t length = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &length, digest_bytes, digest.size()) <= 0) {
    return Status::Internal("ECDSA signature size: " + TakeOpenSslErrors());
  }
  std::string signature(length, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, digest_bytes,
                    digest.size()) <= 0) {
    return Status::Internal("ECDSA signing failed: " + TakeOpenSslErrors());
  }
  signature.resize(length);
  return ToLowS(signature);
}

}  // namespace loom::crypto
