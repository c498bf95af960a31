// Fabcoin end to end with real processes: a solo loom-orderer and two
// loom-peers (Org1, Org2) running loom-chaincode-fabcoin, defined through
// `_lifecycle` with validation_plugin "fabcoin" (the custom VSCC). A client
// (core/client) INITs the central bank, MINTs, then:
//   - two SPENDs of the same coin endorsed before either commits: exactly
//     one VALID and one MVCC_READ_CONFLICT (double spends are MVCC's);
//   - a SPEND with a forged owner signature, which the chaincode endorses
//     (it does not check signatures): ENDORSEMENT_POLICY_FAILURE from the
//     plugin at validation, and the coin stays unspent;
//   - a MINT signed by a key that is not the central bank's: invalid too.
// Requests are signed over the tx id, so each proposal is made first and
// its request argument filled in (and the proposal signed again) once the
// tx id is known.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/validator/fabcoin_plugin_request.h"
#include "peer/chaincode.pb.h"
#include "tests/integration/peer_e2e/peer_test_network.h"
#include "tests/unit/fabcoin/fabcoin_test_support.h"

namespace loom::testing {
namespace {

using fabcoin::testing::CoinOf;
using fabcoin::testing::SignedMint;
using fabcoin::testing::SignedSpend;
using fabcoin::testing::Wallet;
using ::testing::HasSubstr;

constexpr char kFabcoin[] = "fabcoin";

class FabcoinEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto net = PeerTestNetwork::Start("loom_fabcoin_e2e", {{kFabcoin, FABCOIN_CHAINCODE_BIN, "fabcoin"}});
    ASSERT_TRUE(net.ok()) << net.status().ToString();
    net_ = net->release();
    bank_ = new Wallet();
    auto initialized = net_->Submit(Endorse(kFabcoin, fabcoin::kInit, [](const std::string&) {
      return fabcoin::CentralBankToJson(fabcoin::CentralBank{{bank_->owner()}, 1});
    }));
    ASSERT_TRUE(initialized.ok()) << initialized.status().ToString();
    ASSERT_EQ(initialized->code, protos::VALID);
  }

  static void TearDownTestSuite() {
    delete net_;
    net_ = nullptr;
    delete bank_;
    bank_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(net_, nullptr) << "the network did not start"; }
  void TearDown() override {
    if (HasFailure() && net_ != nullptr) std::fprintf(stderr, "%s", net_->Logs().c_str());
  }

  // A proposal of `function` whose argument is made from its tx id (Fabcoin
  // requests are signed over it), endorsed at both peers and assembled.
  static Endorsed Endorse(const std::string& chaincode, const std::string& function,
                          const std::function<std::string(const std::string& tx_id)>& argument) {
    client::ProposalRequest request{kTestChannel, chaincode, {function, ""}, {}, false};
    Result<client::SignedProposal> made = client::CreateSignedProposal(net_->client(), request);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    if (!made.ok()) return Endorsed();
    client::SignedProposal proposal = *made;
    // Fill in the argument; the tx id depends only on nonce and creator.
    protos::ChaincodeProposalPayload payload;
    protos::ChaincodeInvocationSpec invocation;
    EXPECT_TRUE(payload.ParseFromString(proposal.proposal.payload()));
    EXPECT_TRUE(invocation.ParseFromString(payload.input()));
    invocation.mutable_chaincode_spec()->mutable_input()->set_args(1, argument(proposal.tx_id));
    payload.set_input(invocation.SerializeAsString());
    proposal.proposal.set_payload(payload.SerializeAsString());
    const std::string proposal_bytes = proposal.proposal.SerializeAsString();
    proposal.signed_proposal.set_proposal_bytes(proposal_bytes);
    proposal.signed_proposal.set_signature(net_->client().Sign(proposal_bytes).value());
    return net_->EndorseProposal(proposal);
  }

  // The coin at `key` as peer 1 sees it (an absent coin is a 500).
  static protos::Response Coin(const std::string& key) { return net_->Query(1, kFabcoin, {"COIN", key}); }

  // MINTs `amount` USD to `owner`; the coin's key.
  static std::string Mint(int64_t amount, const Wallet& owner) {
    Endorsed mint = Endorse(kFabcoin, fabcoin::kMint, [&](const std::string& tx_id) {
      return fabcoin::MintToJson(SignedMint(tx_id, {CoinOf(amount, owner)}, {bank_}));
    });
    Result<client::TxCommit> committed = net_->Submit(mint);
    EXPECT_TRUE(committed.ok()) << committed.status().ToString();
    if (committed.ok()) {
      EXPECT_EQ(committed->code, protos::VALID);
    }
    return fabcoin::OutputKey(mint.proposal.tx_id, 0);
  }

  static Endorsed Spend(const std::string& input, int64_t amount, const Wallet& to, const Wallet& signer) {
    return Endorse(kFabcoin, fabcoin::kSpend, [&](const std::string& tx_id) {
      return fabcoin::SpendToJson(SignedSpend(tx_id, {input}, {CoinOf(amount, to)}, {&signer}));
    });
  }

  static inline PeerTestNetwork* net_ = nullptr;
  static inline Wallet* bank_ = nullptr;
};

TEST_F(FabcoinEndToEnd, DoubleSpendGivesOneValidAndOneMvccConflict) {
  Wallet alice, bob, carol;
  const std::string coin = Mint(10, alice);
  EXPECT_THAT(Coin(coin).payload(), HasSubstr(alice.owner()));

  // Both spends simulate against the same committed coin.
  Endorsed to_bob = Spend(coin, 10, bob, alice);
  Endorsed to_carol = Spend(coin, 10, carol, alice);
  ASSERT_TRUE(to_bob.envelope.ok()) << to_bob.envelope.status().ToString();
  ASSERT_TRUE(to_carol.envelope.ok()) << to_carol.envelope.status().ToString();
  auto watchers = net_->WatchAll();
  ASSERT_TRUE(watchers.ok()) << watchers.status().ToString();
  ASSERT_TRUE(net_->Broadcast(to_bob).ok());
  ASSERT_TRUE(net_->Broadcast(to_carol).ok());
  auto bob_commit = net_->WaitAll(*watchers, to_bob.proposal.tx_id);
  auto carol_commit = net_->WaitAll(*watchers, to_carol.proposal.tx_id);
  ASSERT_TRUE(bob_commit.ok()) << bob_commit.status().ToString();
  ASSERT_TRUE(carol_commit.ok()) << carol_commit.status().ToString();
  EXPECT_EQ(bob_commit->code, protos::VALID);
  EXPECT_EQ(carol_commit->code, protos::MVCC_READ_CONFLICT);

  EXPECT_NE(Coin(coin).status(), 200);  // spent
  EXPECT_THAT(Coin(fabcoin::OutputKey(to_bob.proposal.tx_id, 0)).payload(), HasSubstr(bob.owner()));
  EXPECT_NE(Coin(fabcoin::OutputKey(to_carol.proposal.tx_id, 0)).status(), 200);
}

TEST_F(FabcoinEndToEnd, ForgedOwnerSignatureIsEndorsedButInvalidAtValidation) {
  Wallet alice, mallory;
  const std::string coin = Mint(7, alice);
  Endorsed theft = Spend(coin, 7, mallory, mallory);
  // The chaincode checks no signatures: both peers endorse.
  ASSERT_TRUE(theft.envelope.ok()) << theft.envelope.status().ToString();
  Result<client::TxCommit> committed = net_->Submit(theft);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->code, protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_THAT(Coin(coin).payload(), HasSubstr(alice.owner()));  // still alice's

  // The rightful owner can still spend it.
  Result<client::TxCommit> honest = net_->Submit(Spend(coin, 7, mallory, alice));
  ASSERT_TRUE(honest.ok()) << honest.status().ToString();
  EXPECT_EQ(honest->code, protos::VALID);
}

TEST_F(FabcoinEndToEnd, MintNotSignedByTheCentralBankIsInvalid) {
  Wallet mallory;
  Endorsed mint = Endorse(kFabcoin, fabcoin::kMint, [&](const std::string& tx_id) {
    return fabcoin::MintToJson(SignedMint(tx_id, {CoinOf(1000, mallory)}, {&mallory}));
  });
  ASSERT_TRUE(mint.envelope.ok()) << mint.envelope.status().ToString();
  Result<client::TxCommit> committed = net_->Submit(mint);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->code, protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_NE(Coin(fabcoin::OutputKey(mint.proposal.tx_id, 0)).status(), 200);
}

}  // namespace
}  // namespace loom::testing
