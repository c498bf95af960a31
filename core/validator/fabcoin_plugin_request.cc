#include "core/validator/fabcoin_plugin_request.h"

#include <nlohmann/json.hpp>
#include <set>

#include "core/crypto/hash.h"

namespace loom::fabcoin {
namespace {

using nlohmann::json;

Result<json> ParseObject(std::string_view text, const std::string& what) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status::InvalidArgument(what + ": not valid JSON");
  if (!parsed.is_object()) return Status::InvalidArgument(what + ": not a JSON object");
  return parsed;
}

Result<const json*> Member(const json& object, const char* name, const std::string& where) {
  auto found = object.find(name);
  if (found == object.end()) return Status::InvalidArgument(where + name + ": missing");
  return &*found;
}

Result<std::string> StringOf(const json& value, const std::string& where) {
  if (!value.is_string()) return Status::InvalidArgument(where + ": not a string");
  return value.get<std::string>();
}

Result<const json*> ArrayMember(const json& object, const char* name, const std::string& where) {
  LOOM_ASSIGN_OR_RETURN(const json* array, Member(object, name, where));
  if (!array->is_array()) return Status::InvalidArgument(where + name + ": not an array");
  return array;
}

Result<Coin> CoinFrom(const json& value, const std::string& where) {
  if (!value.is_object()) return Status::InvalidArgument(where + ": not a JSON object");
  for (const auto& [name, member] : value.items()) {
    if (name != "amount" && name != "owner" && name != "label")
      return Status::InvalidArgument(where + "." + name + ": unknown field");
  }
  Coin coin;
  LOOM_ASSIGN_OR_RETURN(const json* amount, Member(value, "amount", where + "."));
  if (!amount->is_number_integer()) return Status::InvalidArgument(where + ".amount: not an integer");
  if (amount->is_number_unsigned() && amount->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return Status::InvalidArgument(where + ".amount: too large");
  coin.amount = amount->get<int64_t>();
  if (coin.amount <= 0) return Status::InvalidArgument(where + ".amount: must be positive");
  LOOM_ASSIGN_OR_RETURN(const json* owner, Member(value, "owner", where + "."));
  LOOM_ASSIGN_OR_RETURN(coin.owner, StringOf(*owner, where + ".owner"));
  if (Result<crypto::PublicKey> key = KeyOf(coin.owner); !key.ok())
    return Status::InvalidArgument(where + ".owner: " + key.status().message());
  LOOM_ASSIGN_OR_RETURN(const json* label, Member(value, "label", where + "."));
  LOOM_ASSIGN_OR_RETURN(coin.label, StringOf(*label, where + ".label"));
  if (coin.label.empty()) return Status::InvalidArgument(where + ".label: empty");
  return coin;
}

Result<std::vector<Coin>> OutputsFrom(const json& object, const std::string& what) {
  LOOM_ASSIGN_OR_RETURN(const json* outputs, ArrayMember(object, "outputs", what + ": "));
  if (outputs->empty()) return Status::InvalidArgument(what + ": outputs: empty");
  std::vector<Coin> coins;
  for (size_t i = 0; i < outputs->size(); ++i) {
    LOOM_ASSIGN_OR_RETURN(Coin coin, CoinFrom((*outputs)[i], what + ": outputs[" + std::to_string(i) + "]"));
    coins.push_back(std::move(coin));
  }
  return coins;
}

json CoinJson(const Coin& coin) {
  return json{{"amount", coin.amount}, {"label", coin.label}, {"owner", coin.owner}};
}

json OutputsJson(const std::vector<Coin>& coins) {
  json array = json::array();
  for (const Coin& coin : coins) array.push_back(CoinJson(coin));
  return array;
}

void AppendU32(std::string* out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((value >> shift) & 0xff));
}
void AppendU64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((value >> shift) & 0xff));
}
void AppendLp(std::string* out, std::string_view bytes) {
  AppendU32(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes);
}

std::string SigningBytes(std::string_view op, std::string_view tx_id, const std::vector<std::string>& inputs,
                         const std::vector<Coin>& outputs) {
  std::string out = "fabcoin/v1";
  AppendLp(&out, op);
  AppendLp(&out, tx_id);
  AppendU32(&out, static_cast<uint32_t>(inputs.size()));
  for (const std::string& input : inputs) AppendLp(&out, input);
  AppendU32(&out, static_cast<uint32_t>(outputs.size()));
  for (const Coin& coin : outputs) {
    AppendU64(&out, static_cast<uint64_t>(coin.amount));
    AppendLp(&out, coin.owner);
    AppendLp(&out, coin.label);
  }
  return out;
}

}  // namespace

Result<Coin> ParseCoin(std::string_view text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status::InvalidArgument("coin: not valid JSON");
  return CoinFrom(parsed, "coin");
}

Result<MintRequest> ParseMint(std::string_view text) {
  LOOM_ASSIGN_OR_RETURN(json object, ParseObject(text, "MINT request"));
  MintRequest request;
  LOOM_ASSIGN_OR_RETURN(request.outputs, OutputsFrom(object, "MINT request"));
  LOOM_ASSIGN_OR_RETURN(const json* signatures, ArrayMember(object, "signatures", "MINT request: "));
  for (size_t i = 0; i < signatures->size(); ++i) {
    const std::string where = "MINT request: signatures[" + std::to_string(i) + "]";
    const json& entry = (*signatures)[i];
    if (!entry.is_object()) return Status::InvalidArgument(where + ": not a JSON object");
    KeySignature signature;
    LOOM_ASSIGN_OR_RETURN(const json* key, Member(entry, "key", where + "."));
    LOOM_ASSIGN_OR_RETURN(signature.key, StringOf(*key, where + ".key"));
    LOOM_ASSIGN_OR_RETURN(const json* sig, Member(entry, "signature", where + "."));
    LOOM_ASSIGN_OR_RETURN(signature.signature, StringOf(*sig, where + ".signature"));
    request.signatures.push_back(std::move(signature));
  }
  return request;
}

Result<SpendRequest> ParseSpend(std::string_view text) {
  LOOM_ASSIGN_OR_RETURN(json object, ParseObject(text, "SPEND request"));
  SpendRequest request;
  LOOM_ASSIGN_OR_RETURN(const json* inputs, ArrayMember(object, "inputs", "SPEND request: "));
  if (inputs->empty()) return Status::InvalidArgument("SPEND request: inputs: empty");
  std::set<std::string> seen;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const std::string where = "SPEND request: inputs[" + std::to_string(i) + "]";
    LOOM_ASSIGN_OR_RETURN(std::string input, StringOf((*inputs)[i], where));
    if (input.empty() || input == kCentralBankKey) return Status::InvalidArgument(where + ": not a coin key");
    if (!seen.insert(input).second) return Status::InvalidArgument(where + ": '" + input + "' listed twice");
    request.inputs.push_back(std::move(input));
  }
  LOOM_ASSIGN_OR_RETURN(request.outputs, OutputsFrom(object, "SPEND request"));
  LOOM_ASSIGN_OR_RETURN(const json* signatures, ArrayMember(object, "signatures", "SPEND request: "));
  for (size_t i = 0; i < signatures->size(); ++i) {
    LOOM_ASSIGN_OR_RETURN(std::string signature,
                          StringOf((*signatures)[i], "SPEND request: signatures[" + std::to_string(i) + "]"));
    request.signatures.push_back(std::move(signature));
  }
  if (request.signatures.size() != request.inputs.size()) {
    return Status::InvalidArgument("SPEND request: " + std::to_string(request.signatures.size()) +
                                   " signatures for " + std::to_string(request.inputs.size()) +
                                   " inputs; one per input is required");
  }
  return request;
}

Result<CentralBank> ParseCentralBank(std::string_view text) {
  LOOM_ASSIGN_OR_RETURN(json object, ParseObject(text, "central bank"));
  CentralBank bank;
  LOOM_ASSIGN_OR_RETURN(const json* keys, ArrayMember(object, "keys", "central bank: "));
  if (keys->empty()) return Status::InvalidArgument("central bank: keys: empty");
  std::set<std::string> seen;
  for (size_t i = 0; i < keys->size(); ++i) {
    const std::string where = "central bank: keys[" + std::to_string(i) + "]";
    LOOM_ASSIGN_OR_RETURN(std::string key, StringOf((*keys)[i], where));
    if (Result<crypto::PublicKey> parsed = KeyOf(key); !parsed.ok())
      return Status::InvalidArgument(where + ": " + parsed.status().message());
    if (!seen.insert(key).second) return Status::InvalidArgument(where + ": listed twice");
    bank.keys.push_back(std::move(key));
  }
  LOOM_ASSIGN_OR_RETURN(const json* threshold, Member(object, "threshold", "central bank: "));
  if (!threshold->is_number_integer())
    return Status::InvalidArgument("central bank: threshold: not an integer");
  bank.threshold = threshold->get<int64_t>();
  if (bank.threshold < 1 || bank.threshold > static_cast<int64_t>(bank.keys.size())) {
    return Status::InvalidArgument("central bank: threshold: " + std::to_string(bank.threshold) +
                                   " is not between 1 and the number of keys (" +
                                   std::to_string(bank.keys.size()) + ")");
  }
  return bank;
}

std::string CoinToJson(const Coin& coin) {
  return CoinJson(coin).dump();
}

std::string MintToJson(const MintRequest& request) {
  json signatures = json::array();
  for (const KeySignature& signature : request.signatures)
    signatures.push_back(json{{"key", signature.key}, {"signature", signature.signature}});
  return json{{"outputs", OutputsJson(request.outputs)}, {"signatures", signatures}}.dump();
}

std::string SpendToJson(const SpendRequest& request) {
  return json{{"inputs", request.inputs},
              {"outputs", OutputsJson(request.outputs)},
              {"signatures", request.signatures}}
      .dump();
}

std::string CentralBankToJson(const CentralBank& bank) {
  return json{{"keys", bank.keys}, {"threshold", bank.threshold}}.dump();
}

std::string OutputKey(std::string_view tx_id, size_t j) {
  return std::string(tx_id) + "." + std::to_string(j);
}

std::string MintSigningBytes(std::string_view tx_id, const std::vector<Coin>& outputs) {
  return SigningBytes(kMint, tx_id, {}, outputs);
}

std::string SpendSigningBytes(std::string_view tx_id, const std::vector<std::string>& inputs,
                              const std::vector<Coin>& outputs) {
  return SigningBytes(kSpend, tx_id, inputs, outputs);
}

std::string OwnerOf(const crypto::PublicKey& key) {
  return crypto::HexEncode(key.ToDer());
}

Result<crypto::PublicKey> KeyOf(std::string_view owner_hex) {
  Result<std::string> der = crypto::HexDecode(owner_hex);
  if (!der.ok()) return Status::InvalidArgument("not hex: " + der.status().message());
  Result<crypto::PublicKey> key = crypto::PublicKey::FromDer(*der);
  if (!key.ok()) return Status::InvalidArgument("not a P-256 public key: " + key.status().message());
  return key;
}

Status VerifyHex(std::string_view key_hex, std::string_view message, std::string_view signature_hex) {
  LOOM_ASSIGN_OR_RETURN(crypto::PublicKey key, KeyOf(key_hex));
  Result<std::string> signature = crypto::HexDecode(signature_hex);
  if (!signature.ok()) return Status::InvalidArgument("signature is not hex");
  return key.Verify(message, *signature);
}

}  // namespace loom::fabcoin
