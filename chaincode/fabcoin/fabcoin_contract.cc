#include "chaincode/fabcoin/fabcoin_contract.h"

#include <nlohmann/json.hpp>

#include "core/validator/fabcoin_plugin_request.h"

namespace loom::fabcoin {
namespace {

Status CheckParams(const std::string& function, const std::vector<std::string>& params) {
  if (params.size() == 1) return Status::Ok();
  return Status::InvalidArgument(function + " takes 1 argument, got " + std::to_string(params.size()));
}

Result<std::string> WriteOutputs(CoinLedger& ledger, const std::vector<Coin>& outputs) {
  nlohmann::json keys = nlohmann::json::array();
  for (size_t j = 0; j < outputs.size(); ++j) {
    std::string key = OutputKey(ledger.TxId(), j);
    LOOM_RETURN_IF_ERROR(ledger.Put(key, CoinToJson(outputs[j])));
    keys.push_back(std::move(key));
  }
  return keys.dump();
}

Result<std::string> Init(CoinLedger& ledger, const std::string& argument) {
  LOOM_ASSIGN_OR_RETURN(CentralBank bank, ParseCentralBank(argument));
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> existing, ledger.Get(kCentralBankKey));
  if (existing) return Status::AlreadyExists("INIT: the central bank is already set");
  LOOM_RETURN_IF_ERROR(ledger.Put(kCentralBankKey, CentralBankToJson(bank)));
  return std::string();
}

Result<std::string> Mint(CoinLedger& ledger, const std::string& argument) {
  LOOM_ASSIGN_OR_RETURN(MintRequest request, ParseMint(argument));
  if (request.signatures.empty()) return Status::InvalidArgument("MINT request: no central bank signature");
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> bank, ledger.Get(kCentralBankKey));
  if (!bank) return Status::FailedPrecondition("MINT: no central bank is set (INIT first)");
  return WriteOutputs(ledger, request.outputs);
}

Result<std::string> Spend(CoinLedger& ledger, const std::string& argument) {
  LOOM_ASSIGN_OR_RETURN(SpendRequest request, ParseSpend(argument));
  int64_t input_sum = 0;
  for (const std::string& input : request.inputs) {
    LOOM_ASSIGN_OR_RETURN(std::optional<std::string> stored, ledger.Get(input));
    if (!stored)
      return Status::NotFound("SPEND: input '" + input + "' does not exist (spent or never minted)");
    Result<Coin> coin = ParseCoin(*stored);
    if (!coin.ok()) return Status::InvalidArgument("SPEND: input '" + input + "' is not a coin");
    if (coin->label != request.outputs.front().label) {
      return Status::InvalidArgument("SPEND: input '" + input + "' is labelled '" + coin->label +
                                     "', the outputs '" + request.outputs.front().label + "'");
    }
    if (__builtin_add_overflow(input_sum, coin->amount, &input_sum))
      return Status::InvalidArgument("SPEND: input sum overflows");
  }
  int64_t output_sum = 0;
  for (const Coin& output : request.outputs) {
    if (output.label != request.outputs.front().label)
      return Status::InvalidArgument("SPEND: the outputs' labels differ");
    if (__builtin_add_overflow(output_sum, output.amount, &output_sum))
      return Status::InvalidArgument("SPEND: output sum overflows");
  }
  if (input_sum != output_sum) {
    return Status::InvalidArgument("SPEND: inputs sum to " + std::to_string(input_sum) + ", outputs to " +
                                   std::to_string(output_sum));
  }
  for (const std::string& input : request.inputs) LOOM_RETURN_IF_ERROR(ledger.Delete(input));
  return WriteOutputs(ledger, request.outputs);
}

Result<std::string> ReadCoin(CoinLedger& ledger, const std::string& key) {
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> stored, ledger.Get(key));
  if (!stored || key == kCentralBankKey) return Status::NotFound("no coin '" + key + "'");
  return *stored;
}

// The stub as a CoinLedger.
class StubLedger : public CoinLedger {
 public:
  explicit StubLedger(shim::ChaincodeStub& stub) : stub_(stub) {}
  const std::string& TxId() const override { return stub_.GetTxId(); }
  Result<std::optional<std::string>> Get(const std::string& key) override { return stub_.GetState(key); }
  Status Put(const std::string& key, const std::string& value) override { return stub_.PutState(key, value); }
  Status Delete(const std::string& key) override { return stub_.DelState(key); }

 private:
  shim::ChaincodeStub& stub_;
};

}  // namespace

Result<std::string> RunFabcoin(CoinLedger& ledger, const std::string& function,
                               const std::vector<std::string>& params) {
  const bool known = function == kInit || function == kMint || function == kSpend || function == "COIN";
  if (!known) return Status::NotFound("unknown function \"" + function + "\" (INIT, MINT, SPEND, COIN)");
  LOOM_RETURN_IF_ERROR(CheckParams(function, params));
  if (function == kInit) return Init(ledger, params[0]);
  if (function == kMint) return Mint(ledger, params[0]);
  if (function == kSpend) return Spend(ledger, params[0]);
  return ReadCoin(ledger, params[0]);
}

shim::Response FabcoinContract::Invoke(shim::ChaincodeStub& stub) {
  auto [function, params] = stub.GetFunctionAndParameters();
  StubLedger ledger(stub);
  Result<std::string> result = RunFabcoin(ledger, function, params);
  if (!result.ok()) return shim::Response::Error(result.status().message());
  return shim::Response::Success(std::move(*result));
}

}  // namespace loom::fabcoin
