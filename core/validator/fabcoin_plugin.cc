#include "core/validator/fabcoin_plugin.h"

#include <map>
#include <optional>
#include <set>

#include "core/validator/fabcoin_plugin_request.h"

namespace loom::validator {
namespace {

using fabcoin::Coin;

PluginVerdict Reject(std::string why) {
  return PluginVerdict{protos::ENDORSEMENT_POLICY_FAILURE, "fabcoin: " + std::move(why)};
}

const NsReadWriteSet* OwnNamespace(const PluginTransaction& tx) {
  for (const NsReadWriteSet& ns : tx.rwset->namespaces) {
    if (ns.ns == tx.chaincode) return &ns;
  }
  return nullptr;
}

Result<std::optional<ledger::VersionedValue>> ReadCommitted(const PluginChannel& channel,
                                                            const std::string& ns, const std::string& key) {
  if (!channel.state) return std::optional<ledger::VersionedValue>();
  return channel.state(ns, key);
}

// The write set must be exactly `expected`: key -> the value written, or
// nullopt for a delete.
std::optional<PluginVerdict> CheckWrites(const NsReadWriteSet* ns,
                                         const std::map<std::string, std::optional<std::string>>& expected) {
  std::set<std::string> written;
  if (ns != nullptr) {
    for (const KeyWrite& write : ns->writes) {
      if (!written.insert(write.key).second) return Reject("key '" + write.key + "' is written twice");
      auto want = expected.find(write.key);
      if (want == expected.end())
        return Reject("key '" + write.key + "' is written but the request does not say so");
      if (!want->second && !write.is_delete)
        return Reject("input '" + write.key + "' is written instead of deleted");
      if (want->second && write.is_delete)
        return Reject("output '" + write.key + "' is deleted instead of written");
      if (want->second && write.value != *want->second) {
        return Reject("output '" + write.key + "' is written as " + write.value + ", the request says " +
                      *want->second);
      }
    }
  }
  for (const auto& [key, value] : expected) {
    if (written.count(key) == 0)
      return Reject(value ? "output '" + key + "' is not written" : "input '" + key + "' is not deleted");
  }
  return std::nullopt;
}

void ExpectOutputs(const std::string& tx_id, const std::vector<Coin>& outputs,
                   std::map<std::string, std::optional<std::string>>* expected) {
  for (size_t j = 0; j < outputs.size(); ++j)
    (*expected)[fabcoin::OutputKey(tx_id, j)] = fabcoin::CoinToJson(outputs[j]);
}

Result<PluginVerdict> ValidateInit(const PluginTransaction& tx, const PluginChannel& channel,
                                   const std::string& argument) {
  Result<fabcoin::CentralBank> bank = fabcoin::ParseCentralBank(argument);
  if (!bank.ok()) return Reject("INIT: " + bank.status().message());
  LOOM_ASSIGN_OR_RETURN(auto existing, ReadCommitted(channel, tx.chaincode, fabcoin::kCentralBankKey));
  if (existing) return Reject("INIT: the central bank is already set; it is written once");
  std::map<std::string, std::optional<std::string>> expected{
      {fabcoin::kCentralBankKey, fabcoin::CentralBankToJson(*bank)}};
  if (auto bad = CheckWrites(OwnNamespace(tx), expected)) return *bad;
  return PluginVerdict{};
}

Result<PluginVerdict> ValidateMint(const PluginTransaction& tx, const PluginChannel& channel,
                                   const std::string& argument) {
  Result<fabcoin::MintRequest> request = fabcoin::ParseMint(argument);
  if (!request.ok()) return Reject("MINT: " + request.status().message());
  LOOM_ASSIGN_OR_RETURN(auto stored, ReadCommitted(channel, tx.chaincode, fabcoin::kCentralBankKey));
  if (!stored) return Reject("MINT: no central bank is set (INIT first)");
  Result<fabcoin::CentralBank> bank = fabcoin::ParseCentralBank(stored->value);
  if (!bank.ok()) return Reject("MINT: the stored central bank does not parse: " + bank.status().message());

  const std::string message = fabcoin::MintSigningBytes(tx.tx_id, request->outputs);
  const std::set<std::string> bank_keys(bank->keys.begin(), bank->keys.end());
  std::set<std::string> signed_by;
  std::string ignored;
  for (size_t i = 0; i < request->signatures.size(); ++i) {
    const fabcoin::KeySignature& signature = request->signatures[i];
    const std::string which = "signatures[" + std::to_string(i) + "]";
    if (bank_keys.count(signature.key) == 0) {
      ignored += "; " + which + ": not a central bank key";
      continue;
    }
    if (Status verified = fabcoin::VerifyHex(signature.key, message, signature.signature); !verified.ok()) {
      ignored += "; " + which + ": " + verified.message();
      continue;
    }
    signed_by.insert(signature.key);
  }
  if (static_cast<int64_t>(signed_by.size()) < bank->threshold) {
    return Reject("MINT: " + std::to_string(signed_by.size()) +
                  " valid central bank signature(s) over this "
                  "transaction's request, " +
                  std::to_string(bank->threshold) + " required" + ignored);
  }
  std::map<std::string, std::optional<std::string>> expected;
  ExpectOutputs(tx.tx_id, request->outputs, &expected);
  if (auto bad = CheckWrites(OwnNamespace(tx), expected)) return *bad;
  return PluginVerdict{};
}

Result<PluginVerdict> ValidateSpend(const PluginTransaction& tx, const PluginChannel& channel,
                                    const std::string& argument) {
  Result<fabcoin::SpendRequest> request = fabcoin::ParseSpend(argument);
  if (!request.ok()) return Reject("SPEND: " + request.status().message());
  const NsReadWriteSet* ns = OwnNamespace(tx);
  std::map<std::string, std::optional<ledger::Version>> read_versions;
  if (ns != nullptr) {
    for (const KeyRead& read : ns->reads) read_versions[read.key] = read.version;
  }

  const std::string message = fabcoin::SpendSigningBytes(tx.tx_id, request->inputs, request->outputs);
  const std::string& label = request->outputs.front().label;
  int64_t input_sum = 0;
  for (size_t i = 0; i < request->inputs.size(); ++i) {
    const std::string& input = request->inputs[i];
    auto read = read_versions.find(input);
    if (read == read_versions.end() || !read->second)
      return Reject("SPEND: input '" + input + "' was not read as an existing coin by the chaincode");
    LOOM_ASSIGN_OR_RETURN(auto committed, ReadCommitted(channel, tx.chaincode, input));
    // Spent or replaced since the endorsement: MVCC will refuse the read.
    if (!committed || committed->version != *read->second) return PluginVerdict{};
    Result<Coin> coin = fabcoin::ParseCoin(committed->value);
    if (!coin.ok()) return Reject("SPEND: input '" + input + "' is not a coin: " + coin.status().message());
    if (Status verified = fabcoin::VerifyHex(coin->owner, message, request->signatures[i]); !verified.ok()) {
      return Reject("SPEND: signatures[" + std::to_string(i) + "] is not the owner's of input '" + input +
                    "' over this transaction's request: " + verified.message());
    }
    if (coin->label != label) {
      return Reject("SPEND: input '" + input + "' is labelled '" + coin->label + "', output 0 '" + label +
                    "'; labels must match");
    }
    if (__builtin_add_overflow(input_sum, coin->amount, &input_sum))
      return Reject("SPEND: input sum overflows");
  }
  int64_t output_sum = 0;
  for (size_t j = 0; j < request->outputs.size(); ++j) {
    const Coin& output = request->outputs[j];
    if (output.label != label) {
      return Reject("SPEND: output " + std::to_string(j) + " is labelled '" + output.label + "', output 0 '" +
                    label + "'; labels must match");
    }
    if (__builtin_add_overflow(output_sum, output.amount, &output_sum))
      return Reject("SPEND: output sum overflows");
  }
  if (input_sum != output_sum) {
    return Reject("SPEND: inputs sum to " + std::to_string(input_sum) + " but outputs to " +
                  std::to_string(output_sum) + "; they must be equal");
  }
  std::map<std::string, std::optional<std::string>> expected;
  for (const std::string& input : request->inputs) expected[input] = std::nullopt;
  ExpectOutputs(tx.tx_id, request->outputs, &expected);
  if (auto bad = CheckWrites(ns, expected)) return *bad;
  return PluginVerdict{};
}

}  // namespace

Result<PluginVerdict> FabcoinPlugin::Validate(const PluginTransaction& tx,
                                              const PluginChannel& channel) const {
  PluginVerdict policy = CheckEndorsementPolicy(tx, channel);
  if (policy.code != protos::VALID) return policy;
  if (tx.args.size() != 2) {
    return Reject("expected 2 arguments (function, JSON request), got " + std::to_string(tx.args.size()));
  }
  const std::string& function = tx.args[0];
  if (function == fabcoin::kInit) return ValidateInit(tx, channel, tx.args[1]);
  if (function == fabcoin::kMint) return ValidateMint(tx, channel, tx.args[1]);
  if (function == fabcoin::kSpend) return ValidateSpend(tx, channel, tx.args[1]);
  return Reject("unknown function '" + function + "' (INIT, MINT or SPEND)");
}

}  // namespace loom::validator
