#include "core/crypto/openssl_util.h"

#include <climits>

#include <openssl/core_names.h>
#include <openssl/err.h>

namespace loom::crypto::internal {

BioPtr ReadBio(std::string_view data) {
  // BIO_new_mem_buf takes an int length; larger inputs are not certificates or keys.
  if (data.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(size));
}

std::string TakeOpenSslErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty()) text += "; ";
    // Keep the reason only ("error:1E08010C:DECODER routines::unsupported"
    // becomes "DECODER routines::unsupported"): the code means nothing to a user.
    std::string_view line(buffer);
    size_t lib_start = line.find(':', line.find(':') + 1);
    text += lib_start == std::string_view::npos ? line : line.substr(lib_start + 1);
  }
  return text.empty() ? "no OpenSSL error detail" : text;
}

namespace {

BIGNUM* MakeP256Order() {
  BIGNUM* order = nullptr;
  BN_hex2bn(&order, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  return order;
}

}  // namespace

const BIGNUM* P256Order() {
  static const BIGNUM* const order = MakeP256Order();
  return order;
}

const BIGNUM* P256HalfOrder() {
  static const BIGNUM* const half = [] {
    BIGNUM* value = BN_dup(P256Order());
    BN_rshift1(value, value);
    return value;
  }();
  return half;
}

std::string DescribeNonP256(const EVP_PKEY* pkey) {
  if (pkey == nullptr) return "no key";
  if (!EVP_PKEY_is_a(pkey, "EC")) {
    const char* type = EVP_PKEY_get0_type_name(pkey);
    return std::string("key is ") + (type != nullptr ? type : "of an unknown type") +
           ", not ECDSA P-256 (Fabric and Loom support only ECDSA on P-256)";
  }
  char group[80] = {};
  size_t length = 0;
  if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &length)) {
    ERR_clear_error();
    return "EC key has no named curve (explicit parameters); Loom supports only the named curve P-256";
  }
  std::string_view name(group, length);
  if (name == "prime256v1" || name == "P-256" || name == "secp256r1") return {};
  return "EC key is on curve " + std::string(name) +
         ", not P-256 (prime256v1); Fabric and Loom support only P-256";
}

}  // namespace loom::crypto::internal
