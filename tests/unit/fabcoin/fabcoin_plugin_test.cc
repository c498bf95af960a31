// The "fabcoin" validation plugin through TxValidator (dispatch by the
// definition's plugin name) with cryptogen identities: valid INIT, MINT and
// SPEND; each rule broken once (central bank signature, owner signature,
// replayed signature, sum, label, the exact write set, the endorsement
// policy); a stale input left to MVCC; an unknown plugin name; "vscc"
// unchanged.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/policy/signature_policy_parser.h"
#include "core/validator/fabcoin_plugin.h"
#include "core/validator/tx_validator.h"
#include "tests/support/endorser_transaction.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/fabcoin/fabcoin_test_support.h"

namespace loom::validator {
namespace {

using fabcoin::Coin;
using fabcoin::testing::CoinOf;
using fabcoin::testing::SignedMint;
using fabcoin::testing::SignedSpend;
using fabcoin::testing::Wallet;
using loom::testing::AddEndorsements;
using loom::testing::MakeEndorserTransactionWithRwSet;
using loom::testing::SignedTransaction;
using loom::testing::TxRead;
using loom::testing::TxReadVersion;
using loom::testing::TxRwSet;
using loom::testing::TxWrite;

constexpr char kChannel[] = "mychannel";
constexpr char kFabcoin[] = "fabcoin";

struct Network {
  loom::testing::TempDir dir{"fabcoin-plugin"};
  std::unique_ptr<loom::testing::OrdererNetwork> network;
  std::shared_ptr<const channelconfig::PolicyManager> policies;
  std::shared_ptr<protocol::Signer> client, org1_peer, org2_peer;
  Network() {
    network = loom::testing::OrdererNetwork::Create(dir.path().string()).value();
    policies =
        channelconfig::PolicyManager::Create(channelconfig::ReadChannelConfig(network->genesis()).value())
            .value();
    client = network->UserSigner("Org1", "User1").value();
    org1_peer = network->PeerSigner("Org1").value();
    org2_peer = network->PeerSigner("Org2").value();
  }
};

Network& Net() {
  static Network* network = new Network();
  return *network;
}

// A transaction with a chosen nonce (so its tx id is known before the
// request is signed), args and read-write set, endorsed by `endorsers`.
struct Prepared {
  std::string nonce = protocol::NewNonce();
  std::string tx_id = protocol::ComputeTxId(nonce, Net().client->serialized_identity());
};

std::string Envelope(const Prepared& prepared, const std::vector<std::string>& args, const TxRwSet& rwset,
                     const std::string& chaincode = kFabcoin,
                     std::vector<const protocol::Signer*> endorsers = {Net().org1_peer.get(),
                                                                       Net().org2_peer.get()}) {
  const protocol::Signer& client = *Net().client;
  SignedTransaction tx = MakeEndorserTransactionWithRwSet(client, *endorsers.front(), kChannel, chaincode,
                                                          rwset, {prepared.nonce, args})
                             .value();
  endorsers.erase(endorsers.begin());
  if (endorsers.empty()) return tx.envelope;
  return AddEndorsements(tx, client, endorsers).value().envelope;
}

// The write set a correct chaincode produces for the outputs of `tx_id`.
void AddOutputs(const std::string& tx_id, const std::vector<Coin>& outputs, TxRwSet* rwset) {
  for (size_t j = 0; j < outputs.size(); ++j)
    rwset->writes.push_back(TxWrite{kFabcoin, fabcoin::OutputKey(tx_id, j), fabcoin::CoinToJson(outputs[j])});
}

class FabcoinPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Commit(fabcoin::kCentralBankKey, fabcoin::CentralBankToJson(fabcoin::CentralBank{{bank.owner()}, 1}),
           {1, 0});
  }

  void Commit(const std::string& key, const std::string& value, ledger::Version version) {
    state[key] = ledger::VersionedValue{value, version};
  }

  TxValidatorConfig Config() {
    TxValidatorConfig config;
    config.channel_id = kChannel;
    config.msps = &Net().policies->msps();
    config.endorsement_policy = [](const std::string&) {
      return policy::ParseSignaturePolicy("AND('Org1MSP.peer', 'Org2MSP.peer')");
    };
    config.validation_plugin = [this](const std::string& chaincode) -> Result<std::string> {
      auto found = plugins.find(chaincode);
      if (found == plugins.end()) return Status::NotFound("no definition of '" + chaincode + "'");
      return found->second;
    };
    config.committed_state = [this](const std::string& ns,
                                    const std::string& key) -> Result<std::optional<ledger::VersionedValue>> {
      if (ns != kFabcoin) return std::optional<ledger::VersionedValue>();
      auto found = state.find(key);
      if (found == state.end()) return std::optional<ledger::VersionedValue>();
      return std::optional<ledger::VersionedValue>(found->second);
    };
    return config;
  }

  TxVerdict Validate(const std::string& envelope) {
    Result<TxVerdict> verdict = TxValidator(Config()).Validate(envelope);
    EXPECT_TRUE(verdict.ok()) << verdict.status().ToString();
    return verdict.ok() ? *verdict : TxVerdict{};
  }

  // A well-formed SPEND of `inputs` (each read at its committed version).
  std::string SpendEnvelope(const Prepared& prepared, const fabcoin::SpendRequest& request) {
    TxRwSet rwset;
    for (const std::string& input : request.inputs) {
      auto found = state.find(input);
      std::optional<TxReadVersion> version;
      if (found != state.end())
        version = TxReadVersion{found->second.version.block_num, found->second.version.tx_num};
      rwset.reads.push_back(TxRead{kFabcoin, input, version});
      rwset.writes.push_back(TxWrite{kFabcoin, input, "", true});
    }
    AddOutputs(prepared.tx_id, request.outputs, &rwset);
    return Envelope(prepared, {fabcoin::kSpend, fabcoin::SpendToJson(request)}, rwset);
  }

  std::map<std::string, std::string> plugins{{kFabcoin, kFabcoinPluginName}, {"plain", "vscc"}};
  std::map<std::string, ledger::VersionedValue> state;
  Wallet bank, alice, bob, mallory;
};

void ExpectRejected(const TxVerdict& verdict, const std::string& why) {
  EXPECT_EQ(verdict.code, protos::ENDORSEMENT_POLICY_FAILURE) << verdict.explanation;
  EXPECT_NE(verdict.explanation.find(why), std::string::npos) << verdict.explanation;
}

TEST_F(FabcoinPluginTest, ValidMint) {
  Prepared tx;
  std::vector<Coin> outputs{CoinOf(10, alice), CoinOf(7, bob, "EUR")};
  TxRwSet rwset;
  AddOutputs(tx.tx_id, outputs, &rwset);
  TxVerdict verdict = Validate(
      Envelope(tx, {fabcoin::kMint, fabcoin::MintToJson(SignedMint(tx.tx_id, outputs, {&bank}))}, rwset));
  EXPECT_EQ(verdict.code, protos::VALID) << verdict.explanation;
}

TEST_F(FabcoinPluginTest, MintNeedsTheCentralBanksSignatureOverThisTransaction) {
  std::vector<Coin> outputs{CoinOf(10, mallory)};
  Prepared tx;
  TxRwSet rwset;
  AddOutputs(tx.tx_id, outputs, &rwset);
  ExpectRejected(
      Validate(Envelope(tx, {fabcoin::kMint, fabcoin::MintToJson(SignedMint(tx.tx_id, outputs, {&mallory}))},
                        rwset)),
      "not a central bank key");
  // The bank's key listed, but the signature made by mallory.
  fabcoin::MintRequest forged = SignedMint(tx.tx_id, outputs, {&mallory});
  forged.signatures[0].key = bank.owner();
  ExpectRejected(Validate(Envelope(tx, {fabcoin::kMint, fabcoin::MintToJson(forged)}, rwset)),
                 "0 valid central bank signature(s)");
  // A genuine CB signature from another transaction, replayed.
  Prepared other;
  ExpectRejected(
      Validate(Envelope(tx, {fabcoin::kMint, fabcoin::MintToJson(SignedMint(other.tx_id, outputs, {&bank}))},
                        rwset)),
      "0 valid central bank signature(s)");
}

TEST_F(FabcoinPluginTest, MintWithoutACentralBankOrWithOtherWrites) {
  std::vector<Coin> outputs{CoinOf(10, alice)};
  Prepared tx;
  const std::vector<std::string> args{fabcoin::kMint,
                                      fabcoin::MintToJson(SignedMint(tx.tx_id, outputs, {&bank}))};
  TxRwSet rwset;
  AddOutputs(tx.tx_id, outputs, &rwset);
  TxRwSet extra = rwset;
  extra.writes.push_back(TxWrite{kFabcoin, "gift.0", fabcoin::CoinToJson(CoinOf(99, alice))});
  ExpectRejected(Validate(Envelope(tx, args, extra)), "'gift.0' is written but the request does not say so");
  TxRwSet wrong_value;
  AddOutputs(tx.tx_id, {CoinOf(11, alice)}, &wrong_value);
  ExpectRejected(Validate(Envelope(tx, args, wrong_value)), "the request says");
  ExpectRejected(Validate(Envelope(tx, args, TxRwSet{})), "is not written");
  state.clear();
  ExpectRejected(Validate(Envelope(tx, args, rwset)), "no central bank");
}

TEST_F(FabcoinPluginTest, InitOnlyWhileNoCentralBankIsSet) {
  const std::string bank_json = fabcoin::CentralBankToJson(fabcoin::CentralBank{{mallory.owner()}, 1});
  Prepared tx;
  TxRwSet rwset;
  rwset.writes.push_back(TxWrite{kFabcoin, fabcoin::kCentralBankKey, bank_json});
  ExpectRejected(Validate(Envelope(tx, {fabcoin::kInit, bank_json}, rwset)), "already set");
  state.clear();
  EXPECT_EQ(Validate(Envelope(tx, {fabcoin::kInit, bank_json}, rwset)).code, protos::VALID);
}

class FabcoinSpendTest : public FabcoinPluginTest {
 protected:
  void SetUp() override {
    FabcoinPluginTest::SetUp();
    Commit("m1.0", fabcoin::CoinToJson(CoinOf(10, alice)), {3, 0});
    Commit("m1.1", fabcoin::CoinToJson(CoinOf(5, bob)), {3, 0});
    Commit("m2.0", fabcoin::CoinToJson(CoinOf(5, alice, "EUR")), {4, 1});
  }
};

TEST_F(FabcoinSpendTest, ValidSpendOfTwoOwnersCoins) {
  Prepared tx;
  auto request =
      SignedSpend(tx.tx_id, {"m1.0", "m1.1"}, {CoinOf(12, mallory), CoinOf(3, alice)}, {&alice, &bob});
  TxVerdict verdict = Validate(SpendEnvelope(tx, request));
  EXPECT_EQ(verdict.code, protos::VALID) << verdict.explanation;
}

TEST_F(FabcoinSpendTest, EveryInputNeedsItsOwnersSignature) {
  Prepared tx;
  auto missing = SignedSpend(tx.tx_id, {"m1.0", "m1.1"}, {CoinOf(15, mallory)}, {&alice, &alice});
  ExpectRejected(Validate(SpendEnvelope(tx, missing)), "signatures[1] is not the owner's of input 'm1.1'");
  auto stolen = SignedSpend(tx.tx_id, {"m1.0"}, {CoinOf(10, mallory)}, {&mallory});
  ExpectRejected(Validate(SpendEnvelope(tx, stolen)), "signatures[0] is not the owner's of input 'm1.0'");
}

TEST_F(FabcoinSpendTest, ASignatureFromAnotherTransactionDoesNotCount) {
  Prepared first, replay;
  auto signed_for_first = SignedSpend(first.tx_id, {"m1.0"}, {CoinOf(10, bob)}, {&alice});
  ASSERT_EQ(Validate(SpendEnvelope(first, signed_for_first)).code, protos::VALID);
  ExpectRejected(Validate(SpendEnvelope(replay, signed_for_first)), "over this transaction's request");
}

TEST_F(FabcoinSpendTest, SumsMustBeConserved) {
  Prepared tx;
  auto more = SignedSpend(tx.tx_id, {"m1.0"}, {CoinOf(8, bob), CoinOf(3, bob)}, {&alice});
  ExpectRejected(Validate(SpendEnvelope(tx, more)), "inputs sum to 10 but outputs to 11");
  auto less = SignedSpend(tx.tx_id, {"m1.0"}, {CoinOf(9, bob)}, {&alice});
  ExpectRejected(Validate(SpendEnvelope(tx, less)), "inputs sum to 10 but outputs to 9");
}

TEST_F(FabcoinSpendTest, LabelsMustMatch) {
  Prepared tx;
  auto relabel = SignedSpend(tx.tx_id, {"m1.0"}, {CoinOf(10, bob, "EUR")}, {&alice});
  ExpectRejected(Validate(SpendEnvelope(tx, relabel)), "labels must match");
  auto mixed = SignedSpend(tx.tx_id, {"m1.0", "m2.0"}, {CoinOf(15, bob)}, {&alice, &alice});
  ExpectRejected(Validate(SpendEnvelope(tx, mixed)), "labels must match");
}

TEST_F(FabcoinSpendTest, InputsMustBeReadAndDeleted) {
  Prepared tx;
  auto request = SignedSpend(tx.tx_id, {"m1.0"}, {CoinOf(10, bob)}, {&alice});
  const std::vector<std::string> args{fabcoin::kSpend, fabcoin::SpendToJson(request)};
  TxRwSet not_deleted;
  not_deleted.reads.push_back(TxRead{kFabcoin, "m1.0", TxReadVersion{3, 0}});
  AddOutputs(tx.tx_id, request.outputs, &not_deleted);
  ExpectRejected(Validate(Envelope(tx, args, not_deleted)), "input 'm1.0' is not deleted");
  TxRwSet rewritten = not_deleted;
  rewritten.writes.push_back(TxWrite{kFabcoin, "m1.0", fabcoin::CoinToJson(CoinOf(10, alice))});
  ExpectRejected(Validate(Envelope(tx, args, rewritten)), "written instead of deleted");
  TxRwSet not_read;
  not_read.writes.push_back(TxWrite{kFabcoin, "m1.0", "", true});
  AddOutputs(tx.tx_id, request.outputs, &not_read);
  ExpectRejected(Validate(Envelope(tx, args, not_read)), "was not read");
}

TEST_F(FabcoinSpendTest, AStaleInputIsLeftToMvcc) {
  Prepared tx;
  auto request = SignedSpend(tx.tx_id, {"m1.0"}, {CoinOf(10, bob)}, {&alice});
  std::string envelope = SpendEnvelope(tx, request);  // reads m1.0 at (3,0)
  state.erase("m1.0");                                // spent by an earlier block
  EXPECT_EQ(Validate(envelope).code, protos::VALID);
}

TEST_F(FabcoinSpendTest, TheEndorsementPolicyStillApplies) {
  Prepared tx;
  auto request = SignedSpend(tx.tx_id, {"m1.0"}, {CoinOf(10, bob)}, {&alice});
  TxRwSet rwset;
  rwset.reads.push_back(TxRead{kFabcoin, "m1.0", TxReadVersion{3, 0}});
  rwset.writes.push_back(TxWrite{kFabcoin, "m1.0", "", true});
  AddOutputs(tx.tx_id, request.outputs, &rwset);
  TxVerdict verdict = Validate(Envelope(tx, {fabcoin::kSpend, fabcoin::SpendToJson(request)}, rwset, kFabcoin,
                                        {Net().org1_peer.get()}));
  ExpectRejected(verdict, "endorsement policy of chaincode 'fabcoin' is not satisfied");
}

TEST_F(FabcoinSpendTest, UnknownFunctionOrArguments) {
  Prepared tx;
  ExpectRejected(Validate(Envelope(tx, {"BURN", "{}"}, TxRwSet{})), "unknown function 'BURN'");
  ExpectRejected(Validate(Envelope(tx, {fabcoin::kSpend}, TxRwSet{})), "expected 2 arguments");
  ExpectRejected(Validate(Envelope(tx, {fabcoin::kSpend, "{"}, TxRwSet{})), "not valid JSON");
}

TEST_F(FabcoinPluginTest, DispatchByTheDefinitionsPluginName) {
  // "vscc" judges by the endorsement policy alone: any function passes.
  Prepared tx;
  TxRwSet rwset;
  rwset.writes.push_back(TxWrite{"plain", "k", "v"});
  EXPECT_EQ(Validate(Envelope(tx, {"BURN", "{}"}, rwset, "plain")).code, protos::VALID);
  plugins["plain"] = "escrow";
  TxVerdict unknown = Validate(Envelope(tx, {"BURN", "{}"}, rwset, "plain"));
  EXPECT_EQ(unknown.code, protos::INVALID_OTHER_REASON);
  EXPECT_NE(unknown.explanation.find("'escrow'"), std::string::npos) << unknown.explanation;
  plugins.erase("plain");
  EXPECT_EQ(Validate(Envelope(tx, {"BURN", "{}"}, rwset, "plain")).code, protos::INVALID_CHAINCODE);
}

}  // namespace
}  // namespace loom::validator
