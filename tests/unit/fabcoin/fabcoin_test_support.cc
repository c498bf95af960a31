#include "tests/unit/fabcoin/fabcoin_test_support.h"

#include "core/crypto/hash.h"

namespace loom::fabcoin::testing {

std::string Wallet::Sign(const std::string& message) const {
  return crypto::HexEncode(key.Sign(message).value());
}

Coin CoinOf(int64_t amount, const Wallet& owner, const std::string& label) {
  return Coin{amount, owner.owner(), label};
}

MintRequest SignedMint(const std::string& tx_id, std::vector<Coin> outputs,
                       const std::vector<const Wallet*>& bank) {
  MintRequest request;
  request.outputs = std::move(outputs);
  const std::string message = MintSigningBytes(tx_id, request.outputs);
  for (const Wallet* signer : bank)
    request.signatures.push_back(KeySignature{signer->owner(), signer->Sign(message)});
  return request;
}

SpendRequest SignedSpend(const std::string& tx_id, std::vector<std::string> inputs, std::vector<Coin> outputs,
                         const std::vector<const Wallet*>& signers) {
  SpendRequest request;
  request.inputs = std::move(inputs);
  request.outputs = std::move(outputs);
  const std::string message = SpendSigningBytes(tx_id, request.inputs, request.outputs);
  for (const Wallet* signer : signers) request.signatures.push_back(signer->Sign(message));
  return request;
}

}  // namespace loom::fabcoin::testing
