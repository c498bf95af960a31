#include "core/crypto/hash.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace loom::crypto {
namespace {

// Fetched once: an explicit fetch avoids OpenSSL 3's per-call implicit
// lookup of the algorithm, which dominates the cost of hashing short inputs.
const EVP_MD* Sha256Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// SHA-256 failing means OpenSSL itself is broken (no provider, out of
// memory); no caller could do anything sensible with such an error.
[[noreturn]] void DieOpenSsl(const char* what) {
  std::fprintf(stderr, "loom::crypto: %s failed inside OpenSSL (error %lu)\n", what, ERR_get_error());
  std::abort();
}

}  // namespace

std::string Sha256(std::string_view data) {
  std::string digest(kSha256Size, '\0');
  unsigned int length = 0;
  const EVP_MD* md = Sha256Md();
  if (md == nullptr || !EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(digest.data()),
                                   &length, md, nullptr)) {
    DieOpenSsl("SHA-256");
  }
  return digest;
}

struct Sha256Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256Hasher::Sha256Hasher() : impl_(new Impl) {
  impl_->ctx = EVP_MD_CTX_new();
  const EVP_MD* md = Sha256Md();
  if (impl_->ctx == nullptr || md == nullptr || !EVP_DigestInit_ex(impl_->ctx, md, nullptr)) {
    DieOpenSsl("SHA-256 init");
  }
}

Sha256Hasher::~Sha256Hasher() {
  EVP_MD_CTX_free(impl_->ctx);
  delete impl_;
}

void Sha256Hasher::Update(std::string_view data) {
  if (!EVP_DigestUpdate(impl_->ctx, data.data(), data.size())) DieOpenSsl("SHA-256 update");
}

std::string Sha256Hasher::Finish() {
  std::string digest(kSha256Size, '\0');
  unsigned int length = 0;
  if (!EVP_DigestFinal_ex(impl_->ctx, reinterpret_cast<unsigned char*>(digest.data()), &length)) {
    DieOpenSsl("SHA-256 final");
  }
  return digest;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto byte = static_cast<unsigned char>(bytes[i]);
    hex[2 * i] = kDigits[byte >> 4];
    hex[2 * i + 1] = kDigits[byte & 0x0f];
  }
  return hex;
}

namespace {

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Status::InvalidArgument("hex string has odd length " + std::to_string(hex.size()));
  }
  std::string bytes(hex.size() / 2, '\0');
  for (size_t i = 0; i < hex.size(); ++i) {
    int value = HexDigitValue(hex[i]);
    if (value < 0) {
      auto byte = static_cast<unsigned char>(hex[i]);
      std::string shown = byte >= 0x20 && byte < 0x7f ? "'" + std::string(1, hex[i]) + "'"
                                                      : "byte 0x" + HexEncode(hex.substr(i, 1));
      return Status::InvalidArgument("hex string has non-hex character " + shown + " at position " +
                                     std::to_string(i));
    }
    bytes[i / 2] = static_cast<char>(i % 2 == 0 ? value << 4 : bytes[i / 2] | value);
  }
  return bytes;
}

std::string RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  // RAND_bytes takes an int length; fill larger requests in chunks.
  constexpr size_t kChunk = 1 << 30;
  for (size_t done = 0; done < count; done += kChunk) {
    size_t chunk = std::min(kChunk, count - done);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data() + done), static_cast<int>(chunk)) != 1) {
      DieOpenSsl("RAND_bytes");
    }
  }
  return bytes;
}

}  // namespace loom::crypto
