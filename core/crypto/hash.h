// SHA-256, hex and randomness (OpenSSL 3 EVP underneath).
// All functions are thread-safe. Bytes are carried in std::string.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::crypto {

inline constexpr size_t kSha256Size = 32;

// The 32 raw bytes of SHA-256(data).
std::string Sha256(std::string_view data);

// Incremental SHA-256 for data that arrives in pieces (block data hash,
// proposal hash over several fields).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  // Returns the digest; the hasher must not be used afterwards.
  std::string Finish();

 private:
  struct Impl;
  Impl* impl_;
};

// Lowercase hex.
std::string HexEncode(std::string_view bytes);
// Accepts upper or lower case; InvalidArgument on odd length or a non-hex digit.
Result<std::string> HexDecode(std::string_view hex);

// Cryptographically secure random bytes (RAND_bytes).
std::string RandomBytes(size_t count);

}  // namespace loom::crypto
