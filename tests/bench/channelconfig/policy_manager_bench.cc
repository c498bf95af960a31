// Channel policy evaluation over signed data (PolicyManager::Evaluate) on
// the quickstart channel: each signature costs one ECDSA verify, so
// BM_EcdsaVerify (the same as crypto_bench's) is the ceiling to compare with.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/genesis.h"
#include "core/channelconfig/policy_manager.h"
#include "core/config/scenario_yaml.h"
#include "core/crypto/ecdsa.h"
#include "core/cryptogen/cryptogen.h"
#include "core/cryptogen/layout.h"
#include "core/msp/signing_identity.h"

namespace loom::channelconfig {
namespace {

namespace fs = std::filesystem;

// The quickstart channel's policy manager and signers, built once in a
// temporary crypto folder that is removed at exit.
class Channel {
 public:
  static const Channel& Get() {
    static const Channel channel;
    return channel;
  }

  std::shared_ptr<const PolicyManager> manager;
  std::vector<SignedData> user1;   // Org1 User1
  std::vector<SignedData> admins;  // Org1 and Org2 admins

 private:
  Channel() {
    std::random_device random;
    dir_ = fs::temp_directory_path() / ("loom_policy_bench_" + std::to_string(random()));
    auto scenario = config::LoadScenarioFile(std::string(LOOM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
    Check(scenario.status());
    Check(cryptogen::GenerateCrypto(*scenario, dir_.string()).status());
    auto block = BuildGenesisBlock(*scenario, "mychannel", dir_.string());
    Check(block.status());
    auto config = ReadChannelConfig(*block);
    Check(config.status());
    auto created = PolicyManager::Create(*config);
    Check(created.status());
    manager = *created;

    const std::string data(3 * 1024, 'p');  // a 3 KB payload, as the orderer issue's load
    auto sign = [&](const config::Org& org, const std::string& user) {
      auto signer =
          msp::LoadSigningIdentity(cryptogen::UserFolder(dir_.string(), org, user) + "/msp", org.mspid);
      Check(signer.status());
      auto signature = signer->Sign(data);
      Check(signature.status());
      return SignedData{data, signer->Serialize(), *signature};
    };
    const config::Org& org1 = *config::FindOrg(*scenario, "Org1");
    const config::Org& org2 = *config::FindOrg(*scenario, "Org2");
    user1 = {sign(org1, "User1")};
    admins = {sign(org1, "Admin"), sign(org2, "Admin")};
  }
  ~Channel() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void Check(const Status& status) {
    if (status.ok()) return;
    fprintf(stderr, "policy_manager_bench setup: %s\n", status.ToString().c_str());
    std::exit(1);
  }

  fs::path dir_;
};

void Run(benchmark::State& state, const std::string& path, const std::vector<SignedData>& signed_data) {
  const PolicyManager& manager = *Channel::Get().manager;
  for (auto _ : state) {
    Status status = manager.Evaluate(path, signed_data);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_EvaluateChannelWritersOneSignature(benchmark::State& state) {
  Run(state, "/Channel/Writers", Channel::Get().user1);
}
BENCHMARK(BM_EvaluateChannelWritersOneSignature);

void BM_EvaluateApplicationAdminsTwoSignatures(benchmark::State& state) {
  Run(state, "/Channel/Application/Admins", Channel::Get().admins);
}
BENCHMARK(BM_EvaluateApplicationAdminsTwoSignatures);

// The policy half alone: signatures checked once, outside the loop.
void BM_EvaluateCheckedChannelWriters(benchmark::State& state) {
  const PolicyManager& manager = *Channel::Get().manager;
  const SignatureCheck check = manager.CheckSignatures(Channel::Get().user1);
  for (auto _ : state) benchmark::DoNotOptimize(manager.EvaluateChecked("/Channel/Writers", check));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateCheckedChannelWriters);

// The ceiling: one ECDSA P-256 verify of the same 3 KB payload.
void BM_EcdsaVerify(benchmark::State& state) {
  crypto::PrivateKey key = crypto::PrivateKey::Generate().value();
  crypto::PublicKey public_key = key.public_key();
  const std::string message(3 * 1024, 'p');
  const std::string signature = key.Sign(message).value();
  for (auto _ : state) {
    Status status = public_key.Verify(message, signature);
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EcdsaVerify);

}  // namespace
}  // namespace loom::channelconfig
