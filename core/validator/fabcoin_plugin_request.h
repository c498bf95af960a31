// Fabcoin's request formats (the paper's §5.1 UTXO coin), shared by the
// chaincode (chaincode/fabcoin), the validation plugin (fabcoin_plugin.h)
// and wallets. See docs/chaincode.md "Fabcoin".
//
// State of the `fabcoin` namespace:
//   "<txid>.<j>"   the j-th output (from 0) of transaction txid, a coin:
//                  {"amount": <integer > 0>, "label": "<coin type>",
//                   "owner": "<hex of the owner's P-256 public key, DER SubjectPublicKeyInfo>"}
//   "central_bank" {"keys": ["<hex DER public key>", ...], "threshold": <n>}
//                  written once by INIT, never by MINT or SPEND.
// Function arguments (args[1], a JSON object):
//   INIT  {"keys": [...], "threshold": n}
//   MINT  {"outputs": [coin, ...], "signatures": [{"key": "<hex CB key>", "signature": "<hex DER>"}, ...]}
//   SPEND {"inputs": ["<txid>.<j>", ...], "outputs": [coin, ...], "signatures": ["<hex DER>", ...]}
//         signature i by the owner of input i.
// Signatures are ECDSA P-256 over SHA-256 of SigningBytes (below), which
// include the tx id: a signed request is good for one transaction only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/ecdsa.h"
#include "core/util/status.h"

namespace loom::fabcoin {

inline constexpr char kCentralBankKey[] = "central_bank";
inline constexpr char kInit[] = "INIT";
inline constexpr char kMint[] = "MINT";
inline constexpr char kSpend[] = "SPEND";

struct Coin {
  int64_t amount = 0;
  std::string owner;  // hex of DER SubjectPublicKeyInfo
  std::string label;
  bool operator==(const Coin&) const = default;
};

struct KeySignature {
  std::string key;        // hex DER public key
  std::string signature;  // hex DER ECDSA
};

struct MintRequest {
  std::vector<Coin> outputs;
  std::vector<KeySignature> signatures;
};

struct SpendRequest {
  std::vector<std::string> inputs;  // coin keys
  std::vector<Coin> outputs;
  std::vector<std::string> signatures;  // hex DER, one per input, same order
};

struct CentralBank {
  std::vector<std::string> keys;  // hex DER public keys, distinct
  int64_t threshold = 1;          // distinct CB keys a MINT needs, 1..keys.size()
};

// Parsers: InvalidArgument naming the field ("outputs[1].amount: ...").
// Coins: amount a positive integer, owner a valid P-256 key, label not empty.
Result<Coin> ParseCoin(std::string_view json);
Result<MintRequest> ParseMint(std::string_view json);
Result<SpendRequest> ParseSpend(std::string_view json);  // inputs not empty, distinct
Result<CentralBank> ParseCentralBank(std::string_view json);

// Canonical JSON (sorted keys, no spaces): what the chaincode stores.
std::string CoinToJson(const Coin& coin);
std::string MintToJson(const MintRequest& request);
std::string SpendToJson(const SpendRequest& request);
std::string CentralBankToJson(const CentralBank& bank);

// The key of output j of transaction tx_id.
std::string OutputKey(std::string_view tx_id, size_t j);

// What a MINT's CB keys / a SPEND's owners sign:
//   "fabcoin/v1" || lp(op) || lp(tx_id) || u32(#inputs) || lp(input)...
//   || u32(#outputs) || (u64(amount) || lp(owner) || lp(label))...
// lp(x) = u32(len x) || x; integers big-endian. A MINT has no inputs.
std::string MintSigningBytes(std::string_view tx_id, const std::vector<Coin>& outputs);
std::string SpendSigningBytes(std::string_view tx_id, const std::vector<std::string>& inputs,
                              const std::vector<Coin>& outputs);

// Hex DER <-> key.
std::string OwnerOf(const crypto::PublicKey& key);
Result<crypto::PublicKey> KeyOf(std::string_view owner_hex);
// Verifies a hex DER signature by the hex key over SHA-256(message);
// a non-OK status says why (bad hex, bad key, does not verify).
Status VerifyHex(std::string_view key_hex, std::string_view message, std::string_view signature_hex);

}  // namespace loom::fabcoin
