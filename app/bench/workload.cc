#include "app/bench/workload.h"

#include <filesystem>
#include <mutex>

#include "core/crypto/ecdsa.h"
#include "core/crypto/hash.h"
#include "core/util/file_util.h"
#include "core/validator/fabcoin_plugin_request.h"

namespace loom::bench {
namespace {

std::string AssetId(uint64_t index) {
  return "asset-" + std::to_string(index);
}

// Assets asset-0 .. asset-(K-1) with the sample's fields; created once per channel.
std::vector<TxRequest> CreateAssets(uint64_t count) {
  std::vector<TxRequest> phase;
  for (uint64_t k = 0; k < count; ++k) {
    TxRequest request;
    request.args = {"CreateAsset", AssetId(k), "blue", "5", "bench", "100"};
    request.may_already_exist = true;
    phase.push_back(std::move(request));
  }
  return phase;
}

class AssetsCreate : public Workload {
 public:
  explicit AssetsCreate(std::string run_id) : run_id_(std::move(run_id)) {}
  std::string_view name() const override { return "assets-create"; }
  std::string_view chaincode() const override { return "assets"; }
  Result<TxRequest> Next(uint64_t seq, KeyGenerator&) override {
    TxRequest request;
    request.args = {"CreateAsset", "bench-" + run_id_ + "-" + std::to_string(seq), "red", "3", "bench", "50"};
    return request;
  }

 private:
  std::string run_id_;
};

class AssetsTransfer : public Workload {
 public:
  explicit AssetsTransfer(uint64_t keys) : keys_(keys) {}
  std::string_view name() const override { return "assets-transfer"; }
  std::string_view chaincode() const override { return "assets"; }
  Result<std::vector<std::vector<TxRequest>>> Setup(uint64_t) override {
    return std::vector<std::vector<TxRequest>>{CreateAssets(keys_)};
  }
  Result<TxRequest> Next(uint64_t seq, KeyGenerator& keys) override {
    TxRequest request;
    request.args = {"TransferAsset", AssetId(keys.NextIndex()), "owner-" + std::to_string(seq % 97)};
    return request;
  }

 private:
  uint64_t keys_;
};

class AssetsRead : public Workload {
 public:
  explicit AssetsRead(uint64_t keys) : keys_(keys) {}
  std::string_view name() const override { return "assets-read"; }
  std::string_view chaincode() const override { return "assets"; }
  Result<std::vector<std::vector<TxRequest>>> Setup(uint64_t) override {
    return std::vector<std::vector<TxRequest>>{CreateAssets(keys_)};
  }
  Result<TxRequest> Next(uint64_t, KeyGenerator& keys) override {
    TxRequest request;
    request.args = {"ReadAsset", AssetId(keys.NextIndex())};
    return request;
  }

 private:
  uint64_t keys_;
};

class CounterIncrement : public Workload {
 public:
  std::string_view name() const override { return "counter-increment"; }
  std::string_view chaincode() const override { return "counter"; }
  Result<TxRequest> Next(uint64_t, KeyGenerator& keys) override {
    TxRequest request;
    request.args = {"Increment", keys.NextKey()};
    return request;
  }
};

// Fabcoin: a central bank (one key, threshold 1) kept in the state folder so
// later runs on the same channel can MINT again; a wallet key per run owns
// every coin minted and spent.
class Fabcoin : public Workload {
 public:
  Fabcoin(bool spend, std::string state_dir) : spend_(spend), state_dir_(std::move(state_dir)) {}
  std::string_view name() const override { return spend_ ? "fabcoin-spend" : "fabcoin-mint"; }
  std::string_view chaincode() const override { return "fabcoin"; }

  Result<std::vector<std::vector<TxRequest>>> Setup(uint64_t expected_txs) override {
    LOOM_RETURN_IF_ERROR(LoadOrCreateBank());
    LOOM_ASSIGN_OR_RETURN(wallet_, crypto::PrivateKey::Generate());
    wallet_owner_ = fabcoin::OwnerOf(wallet_.public_key());
    std::vector<std::vector<TxRequest>> phases;
    TxRequest init;
    init.args = {fabcoin::kInit,
                 fabcoin::CentralBankToJson(fabcoin::CentralBank{{fabcoin::OwnerOf(bank_.public_key())}, 1})};
    init.may_already_exist = true;
    phases.push_back({init});
    if (spend_) {
      // Coins for every spend the run may send, minted 100 per MINT.
      constexpr uint64_t kCoinsPerMint = 100;
      std::vector<TxRequest> mints;
      for (uint64_t minted = 0; minted < expected_txs; minted += kCoinsPerMint) {
        size_t outputs = static_cast<size_t>(std::min(kCoinsPerMint, expected_txs - minted));
        mints.push_back(Mint(outputs, /*remember_coins=*/true));
      }
      phases.push_back(std::move(mints));
    }
    return phases;
  }

  Result<TxRequest> Next(uint64_t seq, KeyGenerator&) override {
    if (!spend_) return Mint(1, /*remember_coins=*/false);
    std::string input;
    {
      std::lock_guard lock(mutex_);
      if (seq >= coins_.size()) {
        return Status::FailedPrecondition("fabcoin-spend: no unspent coin left for transaction " +
                                          std::to_string(seq) + " (" + std::to_string(coins_.size()) +
                                          " were minted)");
      }
      input = coins_[seq];
    }
    TxRequest request;
    request.args = {fabcoin::kSpend, ""};
    request.last_arg_from_tx_id = [this, input](const std::string& tx_id) -> Result<std::string> {
      fabcoin::SpendRequest spend;
      spend.inputs = {input};
      spend.outputs = {fabcoin::Coin{1, wallet_owner_, "USD"}};
      LOOM_ASSIGN_OR_RETURN(std::string signature,
                            wallet_.Sign(fabcoin::SpendSigningBytes(tx_id, spend.inputs, spend.outputs)));
      spend.signatures = {crypto::HexEncode(signature)};
      return fabcoin::SpendToJson(spend);
    };
    return request;
  }

 private:
  Status LoadOrCreateBank() {
    std::string file = state_dir_.empty() ? "" : state_dir_ + "/fabcoin-central-bank.pem";
    if (!file.empty() && std::filesystem::exists(file)) {
      LOOM_ASSIGN_OR_RETURN(std::string pem, ReadFile(file));
      Result<crypto::PrivateKey> key = crypto::PrivateKey::FromPem(pem);
      if (!key.ok()) return key.status().WithContext(file);
      bank_ = *key;
      return Status::Ok();
    }
    LOOM_ASSIGN_OR_RETURN(bank_, crypto::PrivateKey::Generate());
    if (!file.empty()) {
      LOOM_RETURN_IF_ERROR(MakeDirectories(state_dir_));
      LOOM_RETURN_IF_ERROR(WriteFileAtomically(file, bank_.ToPem()));
    }
    return Status::Ok();
  }

  TxRequest Mint(size_t outputs, bool remember_coins) {
    TxRequest request;
    request.args = {fabcoin::kMint, ""};
    request.last_arg_from_tx_id = [this, outputs,
                                   remember_coins](const std::string& tx_id) -> Result<std::string> {
      fabcoin::MintRequest mint;
      mint.outputs.assign(outputs, fabcoin::Coin{1, wallet_owner_, "USD"});
      LOOM_ASSIGN_OR_RETURN(std::string signature,
                            bank_.Sign(fabcoin::MintSigningBytes(tx_id, mint.outputs)));
      mint.signatures = {{fabcoin::OwnerOf(bank_.public_key()), crypto::HexEncode(signature)}};
      if (remember_coins) {
        std::lock_guard lock(mutex_);
        for (size_t j = 0; j < outputs; ++j) coins_.push_back(fabcoin::OutputKey(tx_id, j));
      }
      return fabcoin::MintToJson(mint);
    };
    return request;
  }

  bool spend_;
  std::string state_dir_;
  crypto::PrivateKey bank_, wallet_;
  std::string wallet_owner_;
  std::mutex mutex_;
  std::vector<std::string> coins_;  // minted during set-up, each spent once
};

class TemplateWorkload : public Workload {
 public:
  explicit TemplateWorkload(config::Workload spec)
      : spec_(std::move(spec)), name_(spec_.chaincode + ":" + spec_.function) {}
  std::string_view name() const override { return name_; }
  std::string_view chaincode() const override { return spec_.chaincode; }
  Result<TxRequest> Next(uint64_t seq, KeyGenerator& keys) override {
    TxRequest request;
    request.args.push_back(spec_.function);
    std::string key;  // drawn once, only when a template asks for it
    for (const std::string& pattern : spec_.args) {
      std::string arg;
      for (size_t at = 0; at < pattern.size();) {
        auto fill = [&](std::string_view placeholder, const std::function<std::string()>& value) {
          if (pattern.compare(at, placeholder.size(), placeholder) != 0) return false;
          arg += value();
          at += placeholder.size();
          return true;
        };
        if (fill("{key}", [&] { return key.empty() ? (key = keys.NextKey()) : key; }) ||
            fill("{seq}", [&] { return std::to_string(seq); }) ||
            fill("{client}", [&] { return std::to_string(keys.client()); })) {
          continue;
        }
        arg += pattern[at++];
      }
      request.args.push_back(std::move(arg));
    }
    return request;
  }

 private:
  config::Workload spec_;
  std::string name_;
};

}  // namespace

Result<std::unique_ptr<Workload>> MakeTemplateWorkload(const config::Workload& spec) {
  if (spec.chaincode.empty() || spec.function.empty()) {
    return Status::InvalidArgument("the scenario's workload needs a chaincode and a function");
  }
  return std::unique_ptr<Workload>(new TemplateWorkload(spec));
}

std::vector<std::string> WorkloadNames() {
  return {"assets-create",     "assets-transfer", "assets-read",
          "counter-increment", "fabcoin-mint",    "fabcoin-spend"};
}

std::string ChaincodeOf(std::string_view workload) {
  if (workload.starts_with("assets-")) return "assets";
  if (workload == "counter-increment") return "counter";
  if (workload.starts_with("fabcoin-")) return "fabcoin";
  return {};
}

Result<std::unique_ptr<Workload>> MakeWorkload(std::string_view name, const WorkloadOptions& options) {
  if (name == "assets-create") return std::unique_ptr<Workload>(new AssetsCreate(options.run_id));
  if (name == "assets-transfer") return std::unique_ptr<Workload>(new AssetsTransfer(options.key_count));
  if (name == "assets-read") return std::unique_ptr<Workload>(new AssetsRead(options.key_count));
  if (name == "counter-increment") return std::unique_ptr<Workload>(new CounterIncrement());
  if (name == "fabcoin-mint") return std::unique_ptr<Workload>(new Fabcoin(false, options.state_dir));
  if (name == "fabcoin-spend") return std::unique_ptr<Workload>(new Fabcoin(true, options.state_dir));
  std::string known;
  for (const std::string& n : WorkloadNames()) known += (known.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown workload \"" + std::string(name) + "\" (known: " + known + ")");
}

}  // namespace loom::bench
