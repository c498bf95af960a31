// Execute -> order -> validate with real chaincode processes: a solo
// loom-orderer and two loom-peers (Org1, Org2) whose configs list Loom's
// sample chaincodes (assets, counter, nondet, spin); a small C++ client
// (core/client) endorses each proposal at both peers, assembles the
// transaction, broadcasts it and waits for the commit on both peers
// (peer_test_network.h). One network serves the whole suite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/ledger.pb.h"
#include "tests/integration/peer_e2e/peer_test_network.h"

namespace loom::testing {
namespace {

using ::testing::HasSubstr;
using SteadyClock = std::chrono::steady_clock;

// The peers' chaincode execute timeout: short, so the runaway test is quick.
constexpr int kExecuteTimeoutSeconds = 3;

class ChaincodeEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto net = PeerTestNetwork::Start("loom_peer_e2e",
                                      {{"assets", ASSETS_CHAINCODE_BIN},
                                       {"counter", COUNTER_CHAINCODE_BIN},
                                       {"nondet", NONDET_CHAINCODE_BIN},
                                       {"spin", SPIN_CHAINCODE_BIN}},
                                      kExecuteTimeoutSeconds);
    ASSERT_TRUE(net.ok()) << net.status().ToString();
    net_ = net->release();
  }
  static void TearDownTestSuite() {
    delete net_;
    net_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(net_, nullptr) << "the network did not start"; }
  void TearDown() override {
    if (HasFailure() && net_ != nullptr) std::fprintf(stderr, "%s", net_->Logs().c_str());
  }

  static inline PeerTestNetwork* net_ = nullptr;
};

TEST_F(ChaincodeEndToEnd, AssetsCreateReadTransferThroughBothPeers) {
  Endorsed create = net_->Endorse("assets", {"CreateAsset", "asset100", "blue", "5", "Tomoko", "300"});
  auto created = net_->Submit(create);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->code, protos::VALID);
  for (size_t peer : {0u, 1u}) {  // committed on both
    protos::Response read = net_->Query(peer, "assets", {"ReadAsset", "asset100"});
    EXPECT_EQ(read.status(), 200) << read.message();
    EXPECT_THAT(read.payload(), HasSubstr("\"Owner\":\"Tomoko\""));
  }

  Endorsed transfer = net_->Endorse("assets", {"TransferAsset", "asset100", "Max"});
  ASSERT_EQ(transfer.responses.size(), 2u);
  EXPECT_EQ(transfer.responses[0].response().payload(), "Tomoko");  // the old owner
  auto transferred = net_->Submit(transfer);
  ASSERT_TRUE(transferred.ok()) << transferred.status().ToString();
  EXPECT_EQ(transferred->code, protos::VALID);
  EXPECT_THAT(net_->Query(1, "assets", {"ReadAsset", "asset100"}).payload(), HasSubstr("\"Owner\":\"Max\""));
}

TEST_F(ChaincodeEndToEnd, ChaincodeErrorIsRefusedWithoutEndorsement) {
  Endorsed missing = net_->Endorse("assets", {"ReadAsset", "no-such-asset"}, {0});
  ASSERT_EQ(missing.responses.size(), 1u);
  EXPECT_EQ(missing.responses[0].response().status(), 500);
  EXPECT_THAT(missing.responses[0].response().message(), HasSubstr("no-such-asset does not exist"));
  EXPECT_FALSE(missing.responses[0].has_endorsement());
  EXPECT_FALSE(missing.envelope.ok());
}

TEST_F(ChaincodeEndToEnd, NondeterministicChaincodeIsRefusedByTheClient) {
  Endorsed random = net_->Endorse("nondet", {"Random", "dice"});
  ASSERT_EQ(random.responses.size(), 2u);
  EXPECT_EQ(random.responses[0].response().status(), 200);
  EXPECT_EQ(random.responses[1].response().status(), 200);
  EXPECT_EQ(random.envelope.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(random.envelope.status().message(), HasSubstr("ProposalResponsePayloads do not match"));
}

TEST_F(ChaincodeEndToEnd, RunawayChaincodeTimesOutAndThePeerStaysHealthy) {
  auto started = SteadyClock::now();
  protos::Response spun = net_->Query(0, "spin", {"Spin"});
  auto waited = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now() - started).count();
  EXPECT_EQ(spun.status(), 500);
  EXPECT_THAT(spun.message(), HasSubstr("did not complete"));
  EXPECT_GE(waited, kExecuteTimeoutSeconds - 1);
  // The peer still endorses, and the killed chaincode is relaunched.
  EXPECT_EQ(net_->Query(0, "assets", {"AssetExists", "asset100"}).status(), 200);
  EXPECT_THAT(net_->Query(0, "spin", {"Spin"}).message(), HasSubstr("did not complete"));
}

TEST_F(ChaincodeEndToEnd, ConcurrentIncrementsOfAHotKeyGiveOneMvccConflict) {
  // Both transactions simulate against the same committed version of "hot",
  // so whichever is ordered second read a stale version.
  Endorsed first = net_->Endorse("counter", {"Increment", "hot"});
  Endorsed second = net_->Endorse("counter", {"Increment", "hot"});
  ASSERT_TRUE(first.envelope.ok()) << first.envelope.status().ToString();
  ASSERT_TRUE(second.envelope.ok()) << second.envelope.status().ToString();
  auto watchers = net_->WatchAll();
  ASSERT_TRUE(watchers.ok()) << watchers.status().ToString();
  ASSERT_TRUE(net_->Broadcast(first).ok());
  ASSERT_TRUE(net_->Broadcast(second).ok());
  auto first_commit = net_->WaitAll(*watchers, first.proposal.tx_id);
  auto second_commit = net_->WaitAll(*watchers, second.proposal.tx_id);
  ASSERT_TRUE(first_commit.ok()) << first_commit.status().ToString();
  ASSERT_TRUE(second_commit.ok()) << second_commit.status().ToString();
  EXPECT_EQ(first_commit->code, protos::VALID);
  EXPECT_EQ(second_commit->code, protos::MVCC_READ_CONFLICT);
  EXPECT_EQ(net_->Query(0, "counter", {"Get", "hot"}).payload(), "1");
}

TEST_F(ChaincodeEndToEnd, QsccAnswersChainInfoAndTransactions) {
  Endorsed create = net_->Endorse("assets", {"CreateAsset", "asset200", "red", "1", "Ann", "10"});
  auto created = net_->Submit(create);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  protos::Response info = net_->Query(0, "qscc", {"GetChainInfo", kTestChannel});
  ASSERT_EQ(info.status(), 200) << info.message();
  common::BlockchainInfo chain;
  ASSERT_TRUE(chain.ParseFromString(info.payload()));
  EXPECT_GT(chain.height(), created->block_number);
  EXPECT_EQ(chain.currentblockhash().size(), 32u);

  protos::Response tx = net_->Query(0, "qscc", {"GetTransactionByID", kTestChannel, create.proposal.tx_id});
  ASSERT_EQ(tx.status(), 200) << tx.message();
  protos::ProcessedTransaction processed;
  ASSERT_TRUE(processed.ParseFromString(tx.payload()));
  EXPECT_EQ(processed.validationcode(), protos::VALID);
}

}  // namespace
}  // namespace loom::testing
