#include "core/protocol/txid.h"

#include "core/crypto/hash.h"

namespace loom::protocol {

std::string NewNonce() {
  return crypto::RandomBytes(kNonceSize);
}

std::string ComputeTxId(std::string_view nonce, std::string_view creator) {
  crypto::Sha256Hasher hasher;
  hasher.Update(nonce);
  hasher.Update(creator);
  return crypto::HexEncode(hasher.Finish());
}

}  // namespace loom::protocol
