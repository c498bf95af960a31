// Transaction ids and nonces, as Fabric derives them.
//
// tx_id = lowercase hex of SHA-256(nonce || creator), where creator is the
// serialized msp.SerializedIdentity of the submitter and nonce is 24 random
// bytes; both travel in the transaction's SignatureHeader. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace loom::protocol {

inline constexpr size_t kNonceSize = 24;

// kNonceSize cryptographically random bytes.
std::string NewNonce();

// Lowercase hex SHA-256(nonce || creator): 64 characters.
std::string ComputeTxId(std::string_view nonce, std::string_view creator);

}  // namespace loom::protocol
