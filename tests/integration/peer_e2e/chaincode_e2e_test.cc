// Execute -> order -> validate with real chaincode processes: a solo
// loom-orderer and two loom-peers (Org1, Org2) whose configs list Loom's
// sample chaincodes (assets, counter, nondet, spin); a small C++ client
// (core/client) endorses each proposal at both peers, assembles the
// transaction, broadcasts it and waits for the commit on a DeliverFiltered
// stream. The definitions are committed first through `_lifecycle` the same
// way (endorsed by both orgs, as LifecycleEndorsement = MAJORITY wants).
// One network serves the whole suite; every wait has a deadline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/ledger.pb.h"
#include "core/client/network_client.h"
#include "core/client/proposal.h"
#include "core/cryptogen/layout.h"
#include "core/util/file_util.h"
#include "peer/lifecycle/lifecycle.pb.h"
#include "peer/policy.pb.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"

namespace loom::testing {
namespace {

using ::testing::HasSubstr;
using SteadyClock = std::chrono::steady_clock;

constexpr char kChannel[] = "mychannel";
constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kCallTimeout = std::chrono::milliseconds(30000);
constexpr auto kCommitTimeout = std::chrono::seconds(30);
// The peers' chaincode execute timeout: short, so the runaway test is quick.
constexpr int kExecuteTimeoutSeconds = 3;

std::shared_ptr<grpc::Channel> DialPlain(const std::string& address) {
  client::Endpoint endpoint;
  endpoint.address = address;
  return client::Dial(endpoint);
}

// What one invocation came to.
struct Outcome {
  std::string tx_id;
  std::vector<protos::ProposalResponse> responses;  // one per peer asked
  Status assembled;                                 // AssembleTransaction's verdict
  std::optional<client::TxCommit> commit;           // when it was submitted
};

class ChaincodeEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("loom_peer_e2e");
    ChannelBatchSettings batch;
    batch.batch_timeout = "100ms";
    batch.max_message_count = 10;
    auto network = OrdererNetwork::Create(scratch_->Path("net"), batch);
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    network_ = network->release();
    client_ = network_->UserSigner("Org1", "User1").value();

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
          "]\nchaincode: {execute_timeout: " + std::to_string(kExecuteTimeoutSeconds) +
          "s}\nchaincodes:\n"
          "  - {name: assets, type: native, path: " ASSETS_CHAINCODE_BIN
          "}\n"
          "  - {name: counter, type: native, path: " COUNTER_CHAINCODE_BIN
          "}\n"
          "  - {name: nondet, type: native, path: " NONDET_CHAINCODE_BIN
          "}\n"
          "  - {name: spin, type: native, path: " SPIN_CHAINCODE_BIN "}\n";
      ASSERT_TRUE(WriteFileAtomically(scratch_->Path(name + ".yaml"), config).ok());
      auto peer =
          OrdererProcess::Start(LOOM_PEER_BIN, scratch_->Path(name + ".yaml"), {network_->genesis_file()},
                                scratch_->Path(name + ".log"), SteadyClock::now() + kStartTimeout);
      ASSERT_TRUE(peer.ok()) << peer.status().ToString();
      peers_.push_back(peer->release());
      peer_channels_.push_back(DialPlain(peers_.back()->address()));
    }
    for (const char* chaincode : {"assets", "counter", "nondet", "spin"}) {
      Outcome defined = Submit("_lifecycle", {"CommitChaincodeDefinition", DefinitionArgs(chaincode)});
      ASSERT_TRUE(defined.assembled.ok()) << chaincode << ": " << defined.assembled.ToString();
      ASSERT_TRUE(defined.commit.has_value()) << chaincode;
      ASSERT_EQ(defined.commit->code, protos::VALID) << chaincode;
    }
  }

  static void TearDownTestSuite() {
    for (OrdererProcess* peer : peers_) delete peer;
    peers_.clear();
    peer_channels_.clear();
    delete orderer_channel_;
    delete orderer_;
    delete network_;
    delete scratch_;
  }

  void TearDown() override {
    if (!HasFailure()) return;
    if (orderer_) std::fprintf(stderr, "orderer log:\n%s\n", orderer_->Log().c_str());
    for (OrdererProcess* peer : peers_) std::fprintf(stderr, "peer log:\n%s\n", peer->Log().c_str());
  }

  // CommitChaincodeDefinitionArgs for `name` 1.0, sequence 1, endorsed per
  // the channel's /Channel/Application/Endorsement (MAJORITY of 2 = both).
  static std::string DefinitionArgs(const std::string& name) {
    protos::ApplicationPolicy policy;
    policy.set_channel_config_policy_reference("/Channel/Application/Endorsement");
    lifecycle::CommitChaincodeDefinitionArgs args;
    args.set_sequence(1);
    args.set_name(name);
    args.set_version("1.0");
    args.set_validation_parameter(policy.SerializeAsString());
    return args.SerializeAsString();
  }

  // Endorses `args` at `peers` (indexes into peers_) and assembles the result.
  static Outcome Endorse(const std::string& chaincode, const std::vector<std::string>& args,
                         const std::vector<size_t>& peers, client::SignedProposal* proposal) {
    Outcome outcome;
    client::ProposalRequest request{kChannel, chaincode, args, {}, false};
    Result<client::SignedProposal> made = client::CreateSignedProposal(*client_, request);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    if (!made.ok()) return outcome;
    *proposal = *made;
    outcome.tx_id = proposal->tx_id;
    for (size_t peer : peers) {
      Result<protos::ProposalResponse> response =
          client::Endorse(peer_channels_[peer], proposal->signed_proposal, kCallTimeout);
      EXPECT_TRUE(response.ok()) << response.status().ToString();
      if (response.ok()) outcome.responses.push_back(*response);
    }
    outcome.assembled = client::AssembleTransaction(*proposal, outcome.responses, *client_).status();
    return outcome;
  }

  // Endorse at both peers, then broadcast and wait for the commit.
  static Outcome Submit(const std::string& chaincode, const std::vector<std::string>& args) {
    client::SignedProposal proposal;
    Outcome outcome = Endorse(chaincode, args, {0, 1}, &proposal);
    if (!outcome.assembled.ok()) return outcome;
    Result<common::Envelope> envelope = client::AssembleTransaction(proposal, outcome.responses, *client_);
    auto watcher = client::CommitWatcher::Start(peer_channels_[1], kChannel, *client_, kCallTimeout);
    EXPECT_TRUE(watcher.ok()) << watcher.status().ToString();
    if (!watcher.ok()) return outcome;
    Result<::orderer::BroadcastResponse> sent = client::Broadcast(*orderer_channel_, *envelope, kCallTimeout);
    EXPECT_TRUE(sent.ok() && sent->status() == common::SUCCESS)
        << (sent.ok() ? sent->info() : sent.status().ToString());
    Result<client::TxCommit> commit = (*watcher)->Wait(outcome.tx_id, SteadyClock::now() + kCommitTimeout);
    EXPECT_TRUE(commit.ok()) << commit.status().ToString();
    if (commit.ok()) outcome.commit = *commit;
    return outcome;
  }

  // A read-only call at one peer: the chaincode's response.
  static protos::Response Query(size_t peer, const std::string& chaincode,
                                const std::vector<std::string>& args) {
    client::SignedProposal proposal;
    Outcome outcome = Endorse(chaincode, args, {peer}, &proposal);
    return outcome.responses.empty() ? protos::Response() : outcome.responses[0].response();
  }

  static inline ScratchDir* scratch_ = nullptr;
  static inline OrdererNetwork* network_ = nullptr;
  static inline std::shared_ptr<protocol::Signer> client_;
  static inline OrdererProcess* orderer_ = nullptr;
  static inline std::shared_ptr<grpc::Channel>* orderer_channel_ = nullptr;
  static inline std::vector<OrdererProcess*> peers_;
  static inline std::vector<std::shared_ptr<grpc::Channel>> peer_channels_;
};

TEST_F(ChaincodeEndToEnd, AssetsCreateReadTransferThroughBothPeers) {
  Outcome created = Submit("assets", {"CreateAsset", "asset100", "blue", "5", "Tomoko", "300"});
  ASSERT_TRUE(created.assembled.ok()) << created.assembled.ToString();
  ASSERT_TRUE(created.commit.has_value());
  EXPECT_EQ(created.commit->code, protos::VALID);

  // Committed on both peers: each answers from its own state (the watcher
  // followed peer 1; peer 0 may lag a moment, so ask it after a second commit).
  protos::Response read = Query(1, "assets", {"ReadAsset", "asset100"});
  EXPECT_EQ(read.status(), 200) << read.message();
  EXPECT_THAT(read.payload(), HasSubstr("\"Owner\":\"Tomoko\""));

  Outcome transferred = Submit("assets", {"TransferAsset", "asset100", "Max"});
  ASSERT_TRUE(transferred.commit.has_value()) << transferred.assembled.ToString();
  EXPECT_EQ(transferred.commit->code, protos::VALID);
  ASSERT_EQ(transferred.responses.size(), 2u);
  EXPECT_EQ(transferred.responses[0].response().payload(), "Tomoko");  // the old owner
  EXPECT_THAT(Query(1, "assets", {"ReadAsset", "asset100"}).payload(), HasSubstr("\"Owner\":\"Max\""));
}

TEST_F(ChaincodeEndToEnd, ChaincodeErrorIsRefusedWithoutEndorsement) {
  client::SignedProposal proposal;
  Outcome missing = Endorse("assets", {"ReadAsset", "no-such-asset"}, {0}, &proposal);
  ASSERT_EQ(missing.responses.size(), 1u);
  EXPECT_EQ(missing.responses[0].response().status(), 500);
  EXPECT_THAT(missing.responses[0].response().message(), HasSubstr("no-such-asset does not exist"));
  EXPECT_FALSE(missing.responses[0].has_endorsement());
  EXPECT_FALSE(missing.assembled.ok());
}

TEST_F(ChaincodeEndToEnd, NondeterministicChaincodeIsRefusedByTheClient) {
  client::SignedProposal proposal;
  Outcome random = Endorse("nondet", {"Random", "dice"}, {0, 1}, &proposal);
  ASSERT_EQ(random.responses.size(), 2u);
  EXPECT_EQ(random.responses[0].response().status(), 200);
  EXPECT_EQ(random.responses[1].response().status(), 200);
  EXPECT_EQ(random.assembled.code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(random.assembled.message(), HasSubstr("ProposalResponsePayloads do not match"));
}

TEST_F(ChaincodeEndToEnd, RunawayChaincodeTimesOutAndThePeerStaysHealthy) {
  auto started = SteadyClock::now();
  protos::Response spun = Query(0, "spin", {"Spin"});
  auto waited = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now() - started).count();
  EXPECT_EQ(spun.status(), 500);
  EXPECT_THAT(spun.message(), HasSubstr("did not complete"));
  EXPECT_GE(waited, kExecuteTimeoutSeconds - 1);
  // The peer still endorses, and the killed chaincode is relaunched.
  EXPECT_EQ(Query(0, "assets", {"AssetExists", "asset100"}).status(), 200);
  EXPECT_THAT(Query(0, "spin", {"Spin"}).message(), HasSubstr("did not complete"));
}

TEST_F(ChaincodeEndToEnd, ConcurrentIncrementsOfAHotKeyGiveOneMvccConflict) {
  // Both transactions simulate against the same committed version of "hot",
  // so whichever is ordered second reads a stale version.
  client::SignedProposal first_proposal, second_proposal;
  Outcome first = Endorse("counter", {"Increment", "hot"}, {0, 1}, &first_proposal);
  Outcome second = Endorse("counter", {"Increment", "hot"}, {0, 1}, &second_proposal);
  ASSERT_TRUE(first.assembled.ok()) << first.assembled.ToString();
  ASSERT_TRUE(second.assembled.ok()) << second.assembled.ToString();
  auto watcher = client::CommitWatcher::Start(peer_channels_[0], kChannel, *client_, kCallTimeout);
  ASSERT_TRUE(watcher.ok()) << watcher.status().ToString();
  for (auto* pair : {&first, &second}) {
    const client::SignedProposal& proposal = pair == &first ? first_proposal : second_proposal;
    common::Envelope envelope = client::AssembleTransaction(proposal, pair->responses, *client_).value();
    auto sent = client::Broadcast(*orderer_channel_, envelope, kCallTimeout);
    ASSERT_TRUE(sent.ok() && sent->status() == common::SUCCESS);
  }
  auto first_commit = (*watcher)->Wait(first.tx_id, SteadyClock::now() + kCommitTimeout);
  auto second_commit = (*watcher)->Wait(second.tx_id, SteadyClock::now() + kCommitTimeout);
  ASSERT_TRUE(first_commit.ok()) << first_commit.status().ToString();
  ASSERT_TRUE(second_commit.ok()) << second_commit.status().ToString();
  EXPECT_EQ(first_commit->code, protos::VALID);
  EXPECT_EQ(second_commit->code, protos::MVCC_READ_CONFLICT);
  EXPECT_EQ(Query(0, "counter", {"Get", "hot"}).payload(), "1");
}

TEST_F(ChaincodeEndToEnd, QsccAnswersChainInfoAndTransactions) {
  Outcome created = Submit("assets", {"CreateAsset", "asset200", "red", "1", "Ann", "10"});
  ASSERT_TRUE(created.commit.has_value());
  protos::Response info = Query(0, "qscc", {"GetChainInfo", kChannel});
  ASSERT_EQ(info.status(), 200) << info.message();
  common::BlockchainInfo chain;
  ASSERT_TRUE(chain.ParseFromString(info.payload()));
  EXPECT_GT(chain.height(), created.commit->block_number);
  EXPECT_EQ(chain.currentblockhash().size(), 32u);

  protos::Response tx = Query(0, "qscc", {"GetTransactionByID", kChannel, created.tx_id});
  ASSERT_EQ(tx.status(), 200) << tx.message();
  protos::ProcessedTransaction processed;
  ASSERT_TRUE(processed.ParseFromString(tx.payload()));
  EXPECT_EQ(processed.validationcode(), protos::VALID);
}

}  // namespace
}  // namespace loom::testing
