#include "app/bench/workload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include "app/bench/node_sampler.h"
#include "core/crypto/hash.h"
#include "core/validator/fabcoin_plugin_request.h"
#include "tests/support/temp_dir.h"

namespace loom::bench {
namespace {

using ::testing::HasSubstr;

TEST(WorkloadTest, UnknownNamesListTheKnownOnes) {
  Result<std::unique_ptr<Workload>> made = MakeWorkload("assets-delete", {});
  ASSERT_FALSE(made.ok());
  EXPECT_THAT(made.status().message(), HasSubstr("counter-increment"));
  EXPECT_EQ(ChaincodeOf("fabcoin-spend"), "fabcoin");
  EXPECT_EQ(ChaincodeOf("nope"), "");
}

TEST(WorkloadTest, TransfersNeedTheirAssetsCreatedFirst) {
  WorkloadOptions options;
  options.key_count = 5;
  auto workload = std::move(MakeWorkload("assets-transfer", options).value());
  auto phases = workload->Setup(100).value();
  ASSERT_EQ(phases.size(), 1u);
  ASSERT_EQ(phases[0].size(), 5u);
  EXPECT_EQ(phases[0][4].args[0], "CreateAsset");
  EXPECT_EQ(phases[0][4].args[1], "asset-4");
  EXPECT_TRUE(phases[0][4].may_already_exist);
  config::KeySpace space;
  space.count = 5;
  KeyGenerator keys(space, 1);
  TxRequest request = workload->Next(7, keys).value();
  EXPECT_EQ(request.args[0], "TransferAsset");
  EXPECT_THAT(request.args[1], ::testing::StartsWith("asset-"));
}

TEST(WorkloadTest, CreatesNeverRepeatAKey) {
  WorkloadOptions options;
  options.run_id = "r1";
  auto workload = std::move(MakeWorkload("assets-create", options).value());
  KeyGenerator keys(config::KeySpace{}, 1);
  EXPECT_NE(workload->Next(1, keys).value().args[1], workload->Next(2, keys).value().args[1]);
}

TEST(WorkloadTest, FabcoinMintIsSignedByTheBankOverItsTxId) {
  loom::testing::TempDir dir("bench-fabcoin");
  WorkloadOptions options;
  options.state_dir = dir.File("state");
  auto workload = std::move(MakeWorkload("fabcoin-mint", options).value());
  auto phases = workload->Setup(10).value();
  ASSERT_EQ(phases.size(), 1u);  // INIT only
  ASSERT_EQ(phases[0].size(), 1u);
  EXPECT_EQ(phases[0][0].args[0], fabcoin::kInit);
  fabcoin::CentralBank bank = fabcoin::ParseCentralBank(phases[0][0].args[1]).value();
  ASSERT_EQ(bank.keys.size(), 1u);

  KeyGenerator keys(config::KeySpace{}, 1);
  TxRequest mint = workload->Next(0, keys).value();
  ASSERT_TRUE(mint.last_arg_from_tx_id);
  const std::string tx_id(64, 'a');
  fabcoin::MintRequest request = fabcoin::ParseMint(mint.last_arg_from_tx_id(tx_id).value()).value();
  ASSERT_EQ(request.signatures.size(), 1u);
  EXPECT_EQ(request.signatures[0].key, bank.keys[0]);
  EXPECT_TRUE(fabcoin::VerifyHex(bank.keys[0], fabcoin::MintSigningBytes(tx_id, request.outputs),
                                 request.signatures[0].signature)
                  .ok());
  // Not replayable: the signature does not hold for another tx id.
  EXPECT_FALSE(fabcoin::VerifyHex(bank.keys[0],
                                  fabcoin::MintSigningBytes(std::string(64, 'b'), request.outputs),
                                  request.signatures[0].signature)
                   .ok());

  // A later run on the same state folder keeps the same bank.
  auto again = std::move(MakeWorkload("fabcoin-mint", options).value());
  EXPECT_EQ(again->Setup(1).value()[0][0].args[1], phases[0][0].args[1]);
}

TEST(WorkloadTest, FabcoinSpendSpendsTheCoinsMintedInSetUp) {
  auto workload = std::move(MakeWorkload("fabcoin-spend", {}).value());
  auto phases = workload->Setup(150).value();
  ASSERT_EQ(phases.size(), 2u);
  ASSERT_EQ(phases[1].size(), 2u);  // 100 + 50 coins
  // The MINTs name their coins once their tx ids are known.
  phases[1][0].last_arg_from_tx_id(std::string(64, '1')).value();
  phases[1][1].last_arg_from_tx_id(std::string(64, '2')).value();
  KeyGenerator keys(config::KeySpace{}, 1);
  TxRequest spend = workload->Next(100, keys).value();
  fabcoin::SpendRequest request =
      fabcoin::ParseSpend(spend.last_arg_from_tx_id(std::string(64, 'c')).value()).value();
  EXPECT_EQ(request.inputs, std::vector<std::string>{fabcoin::OutputKey(std::string(64, '2'), 0)});
  EXPECT_FALSE(workload->Next(150, keys).ok());  // no coin left: a client error, not a silent reuse
}

TEST(WorkloadTest, ScenarioTemplatesFillKeySeqAndClient) {
  config::Workload spec;
  spec.chaincode = "nondet";
  spec.function = "Random";
  spec.args = {"{key}", "s{seq}-c{client}", "{key}/{key}", "plain"};
  auto workload = std::move(MakeTemplateWorkload(spec).value());
  EXPECT_EQ(workload->name(), "nondet:Random");
  EXPECT_EQ(workload->chaincode(), "nondet");
  config::KeySpace space;
  space.count = 3;
  KeyGenerator keys(space, 9, /*client=*/4);
  TxRequest request = workload->Next(12, keys).value();
  ASSERT_EQ(request.args.size(), 5u);
  EXPECT_EQ(request.args[0], "Random");
  EXPECT_THAT(request.args[1], ::testing::StartsWith("key-"));
  EXPECT_EQ(request.args[2], "s12-c4");
  EXPECT_EQ(request.args[3], request.args[1] + "/" + request.args[1]);  // one key per transaction
  EXPECT_EQ(request.args[4], "plain");
  config::Workload empty;
  EXPECT_FALSE(MakeTemplateWorkload(empty).ok());
}

TEST(NodeSamplerTest, SamplesRunningNodesAndSaysWhichAreNot) {
  loom::testing::TempDir dir("bench-sampler");
  ASSERT_TRUE(lab::WritePidFile(dir.File("self.pid"), lab::RecordOf(getpid()).value()).ok());
  NodeSampler sampler({{"self", dir.File("self.pid")}, {"gone", dir.File("missing.pid")}});
  sampler.Tick();
  std::vector<NodeUsage> usage = sampler.Finish();
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_TRUE(usage[0].sampled);
  EXPECT_GT(usage[0].rss_max_bytes, 0u);
  EXPECT_FALSE(usage[1].sampled);
}

}  // namespace
}  // namespace loom::bench
