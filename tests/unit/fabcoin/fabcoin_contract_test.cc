// The Fabcoin chaincode's rules (RunFabcoin) over an in-memory ledger: what
// each function reads, writes and deletes, and the cheap checks it refuses.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "chaincode/fabcoin/fabcoin_contract.h"
#include "tests/unit/fabcoin/fabcoin_test_support.h"

namespace loom::fabcoin {
namespace {

using testing::CoinOf;
using testing::SignedMint;
using testing::SignedSpend;
using testing::Wallet;

class MemoryLedger : public CoinLedger {
 public:
  std::string tx_id = "tx1";
  std::map<std::string, std::string> state;
  std::set<std::string> reads, deletes;

  const std::string& TxId() const override { return tx_id; }
  Result<std::optional<std::string>> Get(const std::string& key) override {
    reads.insert(key);
    auto found = state.find(key);
    if (found == state.end()) return std::optional<std::string>();
    return std::optional<std::string>(found->second);
  }
  Status Put(const std::string& key, const std::string& value) override {
    state[key] = value;
    return Status::Ok();
  }
  Status Delete(const std::string& key) override {
    deletes.insert(key);
    state.erase(key);
    return Status::Ok();
  }
};

class FabcoinContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(RunFabcoin(ledger, kInit, {CentralBankToJson(CentralBank{{bank.owner()}, 1})}).ok());
  }
  Result<std::string> Mint(const std::string& tx_id, std::vector<Coin> outputs) {
    ledger.tx_id = tx_id;
    return RunFabcoin(ledger, kMint, {MintToJson(SignedMint(tx_id, std::move(outputs), {&bank}))});
  }
  Result<std::string> Spend(const std::string& tx_id, std::vector<std::string> inputs,
                            std::vector<Coin> outputs, const Wallet& signer) {
    ledger.tx_id = tx_id;
    std::vector<const Wallet*> signers(inputs.size(), &signer);
    return RunFabcoin(ledger, kSpend,
                      {SpendToJson(SignedSpend(tx_id, std::move(inputs), std::move(outputs), signers))});
  }

  MemoryLedger ledger;
  Wallet bank, alice, bob;
};

TEST_F(FabcoinContractTest, InitWritesTheCentralBankOnce) {
  ASSERT_TRUE(ledger.state.count(kCentralBankKey));
  Result<CentralBank> stored = ParseCentralBank(ledger.state[kCentralBankKey]);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->keys, std::vector<std::string>{bank.owner()});
  Result<std::string> again = RunFabcoin(ledger, kInit, {CentralBankToJson(CentralBank{{alice.owner()}, 1})});
  EXPECT_TRUE(again.status().code() == Status::Code::kAlreadyExists) << again.status().ToString();
  EXPECT_EQ(ParseCentralBank(ledger.state[kCentralBankKey])->keys, std::vector<std::string>{bank.owner()});
}

TEST_F(FabcoinContractTest, MintWritesEachOutputAtTxIdDotIndex) {
  Result<std::string> keys = Mint("m1", {CoinOf(10, alice), CoinOf(5, bob)});
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, R"(["m1.0","m1.1"])");
  EXPECT_EQ(*ParseCoin(ledger.state["m1.0"]), CoinOf(10, alice));
  EXPECT_EQ(*ParseCoin(ledger.state["m1.1"]), CoinOf(5, bob));
}

TEST_F(FabcoinContractTest, MintRefusesBadShapesAndAMissingBank) {
  ledger.tx_id = "m2";
  EXPECT_FALSE(RunFabcoin(ledger, kMint, {R"({"outputs":[],"signatures":[]})"}).ok());
  EXPECT_FALSE(RunFabcoin(ledger, kMint, {"not json"}).ok());
  Result<std::string> negative = RunFabcoin(
      ledger, kMint,
      {R"({"outputs":[{"amount":-1,"owner":")" + alice.owner() + R"(","label":"USD"}],"signatures":[]})"});
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.status().message().find("outputs[0].amount"), std::string::npos)
      << negative.status().message();
  MintRequest unsigned_mint = SignedMint("m2", {CoinOf(1, alice)}, {});
  EXPECT_FALSE(RunFabcoin(ledger, kMint, {MintToJson(unsigned_mint)}).ok());

  MemoryLedger empty;
  empty.tx_id = "m3";
  Result<std::string> no_bank =
      RunFabcoin(empty, kMint, {MintToJson(SignedMint("m3", {CoinOf(1, alice)}, {&bank}))});
  EXPECT_TRUE(no_bank.status().code() == Status::Code::kFailedPrecondition) << no_bank.status().ToString();
}

TEST_F(FabcoinContractTest, SpendReadsDeletesInputsAndWritesOutputs) {
  ASSERT_TRUE(Mint("m1", {CoinOf(10, alice), CoinOf(5, alice)}).ok());
  ledger.reads.clear();
  Result<std::string> keys = Spend("s1", {"m1.0", "m1.1"}, {CoinOf(12, bob), CoinOf(3, alice)}, alice);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, R"(["s1.0","s1.1"])");
  EXPECT_EQ(ledger.reads, (std::set<std::string>{"m1.0", "m1.1"}));
  EXPECT_EQ(ledger.deletes, (std::set<std::string>{"m1.0", "m1.1"}));
  EXPECT_FALSE(ledger.state.count("m1.0"));
  EXPECT_EQ(*ParseCoin(ledger.state["s1.0"]), CoinOf(12, bob));
  EXPECT_EQ(*ParseCoin(ledger.state["s1.1"]), CoinOf(3, alice));
}

TEST_F(FabcoinContractTest, SpendRefusesMissingInputsSumsAndLabels) {
  ASSERT_TRUE(Mint("m1", {CoinOf(10, alice), CoinOf(5, alice, "EUR")}).ok());
  Result<std::string> missing = Spend("s1", {"nope.0"}, {CoinOf(10, bob)}, alice);
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  Result<std::string> sum = Spend("s2", {"m1.0"}, {CoinOf(11, bob)}, alice);
  ASSERT_FALSE(sum.ok());
  EXPECT_NE(sum.status().message().find("sum"), std::string::npos);
  Result<std::string> label = Spend("s3", {"m1.0", "m1.1"}, {CoinOf(15, bob)}, alice);
  ASSERT_FALSE(label.ok());
  EXPECT_NE(label.status().message().find("labelled"), std::string::npos);
  // One signature per input is a shape rule.
  ledger.tx_id = "s4";
  SpendRequest short_of_signatures = SignedSpend("s4", {"m1.0"}, {CoinOf(10, bob)}, {});
  EXPECT_FALSE(RunFabcoin(ledger, kSpend, {SpendToJson(short_of_signatures)}).ok());
  // Nothing was deleted by the refused spends.
  EXPECT_TRUE(ledger.deletes.empty());
  EXPECT_TRUE(ledger.state.count("m1.0"));
}

TEST_F(FabcoinContractTest, UnknownFunctionsAndArgumentCounts) {
  EXPECT_TRUE(RunFabcoin(ledger, "Burn", {"{}"}).status().IsNotFound());
  EXPECT_FALSE(RunFabcoin(ledger, kMint, {}).ok());
  EXPECT_TRUE(RunFabcoin(ledger, "COIN", {"m9.0"}).status().IsNotFound());
}

}  // namespace
}  // namespace loom::fabcoin
