// Test helpers for Fabcoin: wallets (P-256 keys) that sign requests the way
// a Fabcoin client does, and coins.
#pragma once

#include <string>
#include <vector>

#include "core/crypto/ecdsa.h"
#include "core/validator/fabcoin_plugin_request.h"

namespace loom::fabcoin::testing {

struct Wallet {
  crypto::PrivateKey key = crypto::PrivateKey::Generate().value();
  std::string owner() const { return OwnerOf(key.public_key()); }
  // Hex DER signature over SHA-256(message).
  std::string Sign(const std::string& message) const;
};

Coin CoinOf(int64_t amount, const Wallet& owner, const std::string& label = "USD");

// A MINT request for `tx_id` signed by each of `bank`.
MintRequest SignedMint(const std::string& tx_id, std::vector<Coin> outputs,
                       const std::vector<const Wallet*>& bank);
// A SPEND request for `tx_id`, signature i by `signers[i]`.
SpendRequest SignedSpend(const std::string& tx_id, std::vector<std::string> inputs, std::vector<Coin> outputs,
                         const std::vector<const Wallet*>& signers);

}  // namespace loom::fabcoin::testing
