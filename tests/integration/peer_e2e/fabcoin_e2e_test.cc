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

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/client/network_client.h"
#include "core/client/proposal.h"
#include "core/cryptogen/layout.h"
#include "core/util/file_util.h"
#include "core/validator/fabcoin_plugin_request.h"
#include "peer/chaincode.pb.h"
#include "peer/lifecycle/lifecycle.pb.h"
#include "peer/policy.pb.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"
#include "tests/unit/fabcoin/fabcoin_test_support.h"

namespace loom::testing {
namespace {

using fabcoin::testing::CoinOf;
using fabcoin::testing::SignedMint;
using fabcoin::testing::SignedSpend;
using fabcoin::testing::Wallet;
using ::testing::HasSubstr;
using SteadyClock = std::chrono::steady_clock;

constexpr char kChannel[] = "mychannel";
constexpr char kFabcoin[] = "fabcoin";
constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kCallTimeout = std::chrono::milliseconds(30000);
constexpr auto kCommitTimeout = std::chrono::seconds(30);

std::shared_ptr<grpc::Channel> DialPlain(const std::string& address) {
  client::Endpoint endpoint;
  endpoint.address = address;
  return client::Dial(endpoint);
}

// An endorsed (not yet broadcast) transaction.
struct Endorsed {
  client::SignedProposal proposal;
  std::vector<protos::ProposalResponse> responses;
  Result<common::Envelope> envelope = Status::Internal("not assembled");
};

class FabcoinEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("loom_fabcoin_e2e");
    ChannelBatchSettings batch;
    batch.batch_timeout = "100ms";
    batch.max_message_count = 10;
    auto network = OrdererNetwork::Create(scratch_->Path("net"), batch);
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    network_ = network->release();
    client_ = network_->UserSigner("Org1", "User1").value();
    bank_ = new Wallet();

    std::string orderer_config =
        "name: orderer.example.com\nlisten_address: 127.0.0.1:0\nmsp: {dir: " + network_->OrdererMspDir() +
        ", id: OrdererMSP}\ndata_dir: " + scratch_->Path("orderer-data") + "\n";
    ASSERT_TRUE(WriteFileAtomically(scratch_->Path("orderer.yaml"), orderer_config).ok());
    auto orderer =
        OrdererProcess::Start(LOOM_ORDERER_BIN, scratch_->Path("orderer.yaml"), {network_->genesis_file()},
                              scratch_->Path("orderer.log"), SteadyClock::now() + kStartTimeout);
    ASSERT_TRUE(orderer.ok()) << orderer.status().ToString();
    orderer_ = orderer->release();
    orderer_channel_ = new std::shared_ptr<grpc::Channel>(DialPlain(orderer_->address()));

    for (const char* org : {"Org1", "Org2"}) {
      std::string name = std::string("peer0.") + org;
      std::string config =
          "name: " + name + "\nlisten_address: 127.0.0.1:0\nchaincode_address: 127.0.0.1:0\nmsp: {dir: " +
          cryptogen::PeerFolder(network_->crypto_dir(), network_->Org(org), "peer0") +
          "/msp, id: " + network_->Org(org).mspid + "}\ndata_dir: " + scratch_->Path(name + "-data") +
          "\norderers: [" + orderer_->address() +
          "]\nchaincodes:\n  - {name: fabcoin, type: native, path: " FABCOIN_CHAINCODE_BIN "}\n";
      ASSERT_TRUE(WriteFileAtomically(scratch_->Path(name + ".yaml"), config).ok());
      auto peer =
          OrdererProcess::Start(LOOM_PEER_BIN, scratch_->Path(name + ".yaml"), {network_->genesis_file()},
                                scratch_->Path(name + ".log"), SteadyClock::now() + kStartTimeout);
      ASSERT_TRUE(peer.ok()) << peer.status().ToString();
      peers_.push_back(peer->release());
      peer_channels_.push_back(DialPlain(peers_.back()->address()));
    }
    auto defined = Submit(Endorse("_lifecycle", "CommitChaincodeDefinition",
                                  [](const std::string&) { return DefinitionArgs(); }));
    ASSERT_TRUE(defined.ok()) << defined.status().ToString();
    ASSERT_EQ(defined->code, protos::VALID);
    auto initialized = Submit(Endorse(kFabcoin, fabcoin::kInit, [](const std::string&) {
      return fabcoin::CentralBankToJson(fabcoin::CentralBank{{bank_->owner()}, 1});
    }));
    ASSERT_TRUE(initialized.ok()) << initialized.status().ToString();
    ASSERT_EQ(initialized->code, protos::VALID);
  }

  static void TearDownTestSuite() {
    for (OrdererProcess* peer : peers_) delete peer;
    peers_.clear();
    peer_channels_.clear();
    delete orderer_channel_;
    delete orderer_;
    delete network_;
    delete bank_;
    delete scratch_;
  }

  void TearDown() override {
    if (!HasFailure()) return;
    if (orderer_) std::fprintf(stderr, "orderer log:\n%s\n", orderer_->Log().c_str());
    for (OrdererProcess* peer : peers_) std::fprintf(stderr, "peer log:\n%s\n", peer->Log().c_str());
  }

  // fabcoin 1.0, sequence 1, validated by the "fabcoin" plugin, endorsed
  // per /Channel/Application/Endorsement (MAJORITY of 2 = both orgs).
  static std::string DefinitionArgs() {
    protos::ApplicationPolicy policy;
    policy.set_channel_config_policy_reference("/Channel/Application/Endorsement");
    lifecycle::CommitChaincodeDefinitionArgs args;
    args.set_sequence(1);
    args.set_name(kFabcoin);
    args.set_version("1.0");
    args.set_validation_plugin("fabcoin");
    args.set_validation_parameter(policy.SerializeAsString());
    return args.SerializeAsString();
  }

  // A proposal of `function` whose argument is made from its tx id, endorsed
  // at both peers and assembled.
  static Endorsed Endorse(const std::string& chaincode, const std::string& function,
                          const std::function<std::string(const std::string& tx_id)>& argument) {
    Endorsed out;
    client::ProposalRequest request{kChannel, chaincode, {function, ""}, {}, false};
    Result<client::SignedProposal> made = client::CreateSignedProposal(*client_, request);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    if (!made.ok()) return out;
    out.proposal = *made;
    // Fill in the argument; the tx id depends only on nonce and creator.
    protos::ChaincodeProposalPayload payload;
    protos::ChaincodeInvocationSpec invocation;
    EXPECT_TRUE(payload.ParseFromString(out.proposal.proposal.payload()));
    EXPECT_TRUE(invocation.ParseFromString(payload.input()));
    invocation.mutable_chaincode_spec()->mutable_input()->set_args(1, argument(out.proposal.tx_id));
    payload.set_input(invocation.SerializeAsString());
    out.proposal.proposal.set_payload(payload.SerializeAsString());
    const std::string proposal_bytes = out.proposal.proposal.SerializeAsString();
    out.proposal.signed_proposal.set_proposal_bytes(proposal_bytes);
    out.proposal.signed_proposal.set_signature(client_->Sign(proposal_bytes).value());
    for (const auto& peer : peer_channels_) {
      Result<protos::ProposalResponse> response =
          client::Endorse(peer, out.proposal.signed_proposal, kCallTimeout);
      EXPECT_TRUE(response.ok()) << response.status().ToString();
      if (response.ok()) out.responses.push_back(*response);
    }
    out.envelope = client::AssembleTransaction(out.proposal, out.responses, *client_);
    return out;
  }

  static Status Broadcast(const Endorsed& endorsed) {
    LOOM_RETURN_IF_ERROR(endorsed.envelope.status());
    auto sent = client::Broadcast(*orderer_channel_, *endorsed.envelope, kCallTimeout);
    if (!sent.ok()) return sent.status();
    if (sent->status() != common::SUCCESS) return Status::Unavailable("broadcast refused: " + sent->info());
    return Status::Ok();
  }

  // Commit watchers on both peers, so the next proposal simulates on
  // state both have.
  static Result<std::vector<std::unique_ptr<client::CommitWatcher>>> WatchBoth() {
    std::vector<std::unique_ptr<client::CommitWatcher>> watchers;
    for (const auto& peer : peer_channels_) {
      LOOM_ASSIGN_OR_RETURN(auto watcher,
                            client::CommitWatcher::Start(peer, kChannel, *client_, kCallTimeout));
      watchers.push_back(std::move(watcher));
    }
    return watchers;
  }

  // The commit of `tx_id` on both peers; they must agree on its code.
  static Result<client::TxCommit> WaitBoth(
      const std::vector<std::unique_ptr<client::CommitWatcher>>& watchers, const std::string& tx_id) {
    std::vector<client::TxCommit> commits;
    for (const auto& watcher : watchers) {
      LOOM_ASSIGN_OR_RETURN(client::TxCommit commit,
                            watcher->Wait(tx_id, SteadyClock::now() + kCommitTimeout));
      commits.push_back(commit);
    }
    if (commits.front().code != commits.back().code) {
      return Status::Internal("the peers disagree on tx " + tx_id + ": " +
                              std::to_string(commits.front().code) + " vs " +
                              std::to_string(commits.back().code));
    }
    return commits.back();
  }

  static Result<client::TxCommit> Submit(const Endorsed& endorsed) {
    LOOM_ASSIGN_OR_RETURN(auto watchers, WatchBoth());
    LOOM_RETURN_IF_ERROR(Broadcast(endorsed));
    return WaitBoth(watchers, endorsed.proposal.tx_id);
  }

  // The coin at `key` as peer 1 sees it (status 404-ish errors are 500).
  static protos::Response Coin(const std::string& key) {
    Endorsed read = Endorse(kFabcoin, "COIN", [&key](const std::string&) { return key; });
    return read.responses.size() < 2 ? protos::Response() : read.responses[1].response();
  }

  // MINTs `amount` USD to `owner`; the coin's key.
  static std::string Mint(int64_t amount, const Wallet& owner) {
    Endorsed mint = Endorse(kFabcoin, fabcoin::kMint, [&](const std::string& tx_id) {
      return fabcoin::MintToJson(SignedMint(tx_id, {CoinOf(amount, owner)}, {bank_}));
    });
    Result<client::TxCommit> committed = Submit(mint);
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

  static inline ScratchDir* scratch_ = nullptr;
  static inline OrdererNetwork* network_ = nullptr;
  static inline std::shared_ptr<protocol::Signer> client_;
  static inline Wallet* bank_ = nullptr;
  static inline OrdererProcess* orderer_ = nullptr;
  static inline std::shared_ptr<grpc::Channel>* orderer_channel_ = nullptr;
  static inline std::vector<OrdererProcess*> peers_;
  static inline std::vector<std::shared_ptr<grpc::Channel>> peer_channels_;
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
  auto watchers = WatchBoth();
  ASSERT_TRUE(watchers.ok()) << watchers.status().ToString();
  ASSERT_TRUE(Broadcast(to_bob).ok());
  ASSERT_TRUE(Broadcast(to_carol).ok());
  auto bob_commit = WaitBoth(*watchers, to_bob.proposal.tx_id);
  auto carol_commit = WaitBoth(*watchers, to_carol.proposal.tx_id);
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
  Result<client::TxCommit> committed = Submit(theft);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->code, protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_THAT(Coin(coin).payload(), HasSubstr(alice.owner()));  // still alice's

  // The rightful owner can still spend it.
  Result<client::TxCommit> honest = Submit(Spend(coin, 7, mallory, alice));
  ASSERT_TRUE(honest.ok()) << honest.status().ToString();
  EXPECT_EQ(honest->code, protos::VALID);
}

TEST_F(FabcoinEndToEnd, MintNotSignedByTheCentralBankIsInvalid) {
  Wallet mallory;
  Endorsed mint = Endorse(kFabcoin, fabcoin::kMint, [&](const std::string& tx_id) {
    return fabcoin::MintToJson(SignedMint(tx_id, {CoinOf(1000, mallory)}, {&mallory}));
  });
  ASSERT_TRUE(mint.envelope.ok()) << mint.envelope.status().ToString();
  Result<client::TxCommit> committed = Submit(mint);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->code, protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_NE(Coin(fabcoin::OutputKey(mint.proposal.tx_id, 0)).status(), 200);
}

}  // namespace
}  // namespace loom::testing
