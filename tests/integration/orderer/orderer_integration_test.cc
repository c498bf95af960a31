// loom-orderer as a real process on 127.0.0.1 (ephemeral ports, temp
// folders): load through several Broadcast streams with every block
// verified, Readers/Writers enforcement, bad input that must not disturb
// anyone else, SIGKILL mid-load and restart, Deliver's seek cases, the
// Observer trace and the operations endpoint. Every wait is on a stream or
// a process event with a deadline.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "core/orderer/deliver_handler.h"
#include "core/orderer/orderer_config.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/block_verify.h"
#include "core/protocol/envelope.h"
#include "core/util/file_util.h"
#include "loom/observer.grpc.pb.h"
#include "tests/integration/orderer/net_util.h"
#include "tests/integration/orderer/orderer_client.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"
#include "tests/support/orderer_network_suite.h"
#include "tests/support/solo_orderer_config.h"

namespace loom::testing {
namespace {

using ::orderer::SeekInfo;
using orderer::SeekPoint;
using SteadyClock = std::chrono::steady_clock;

constexpr char kChannel[] = "mychannel";
constexpr auto kStartTimeout = std::chrono::seconds(20);

std::string StatusName(common::Status status) {
  return common::Status_Name(status);
}

class OrdererIntegrationTest : public loom::testing::OrdererNetworkSuite<OrdererIntegrationTest> {
 public:
  static loom::testing::ChannelBatchSettings SuiteBatchSettings() {
    loom::testing::ChannelBatchSettings batch;
    batch.batch_timeout = "200ms";
    batch.max_message_count = 50;
    batch.absolute_max_bytes = "256KB";
    batch.preferred_max_bytes = "128KB";
    return batch;
  }

 protected:
  void SetUp() override {
    node_dir_ = std::make_unique<ScratchDir>("loom_orderer_node");
    client_ = network_->UserSigner("Org1", "User1").value();
    client2_ = network_->UserSigner("Org2", "User1").value();
    endorser_ = network_->PeerSigner("Org1").value();
    reader_ = network_->PeerSigner("Org2").value();
    std::string config = SoloOrdererConfig(*network_, "data") +
                         "operations_address: 127.0.0.1:0\n"
                         // A grace far beyond every Terminate deadline below: a shutdown that
                         // waited for an open stream would miss its deadline and fail the test.
                         "limits: {shutdown_grace: 60s}\n";
    config_file_ = node_dir_->Path("orderer.yaml");
    ASSERT_TRUE(WriteFileAtomically(config_file_, config).ok());
  }

  void TearDown() override {
    if (process_ != nullptr && HasFailure())
      std::fprintf(stderr, "orderer log:\n%s\n", process_->Log().c_str());
    process_.reset();
  }

  void StartOrderer() {
    auto process = OrdererProcess::Start(LOOM_ORDERER_BIN, config_file_, {network_->genesis_file()},
                                         node_dir_->Path("orderer.log"), SteadyClock::now() + kStartTimeout);
    ASSERT_TRUE(process.ok()) << process.status().ToString();
    process_ = std::move(*process);
    channel_ = ConnectInsecure(process_->address());
  }

  SignedTransaction Transaction(const protocol::Signer& signer, const std::string& key, size_t padding = 0) {
    auto transaction = MakeEndorserTransaction(signer, *endorser_, kChannel, key, padding);
    EXPECT_TRUE(transaction.ok()) << transaction.status().ToString();
    return transaction.ok() ? *transaction : SignedTransaction{};
  }

  std::vector<SignedTransaction> Transactions(size_t count, const std::string& prefix) {
    std::vector<SignedTransaction> transactions;
    for (size_t i = 0; i < count; ++i) {
      transactions.push_back(Transaction(i % 2 == 0 ? *client_ : *client2_, prefix + std::to_string(i)));
    }
    return transactions;
  }

  std::string Seek(SeekPoint start, SeekPoint stop,
                   SeekInfo::SeekBehavior behavior = SeekInfo::BLOCK_UNTIL_READY,
                   const protocol::Signer* signer = nullptr, const std::string& channel = kChannel) {
    auto envelope = orderer::CreateSeekEnvelope(channel, signer ? *signer : *reader_,
                                                orderer::MakeSeekInfo(start, stop, behavior));
    EXPECT_TRUE(envelope.ok());
    return envelope->SerializeAsString();
  }

  // Delivers from block 0 until every id in `tx_ids` has been seen (or the
  // deadline passes); returns the blocks.
  std::vector<common::Block> DeliverUntilSeen(const std::set<std::string>& tx_ids, int seconds = 30) {
    std::set<std::string> missing = tx_ids;
    DeliverResult result =
        Deliver(channel_, Seek(SeekPoint::Oldest(), SeekPoint::Number(orderer::kDeliverForever)),
                SecondsFromNow(seconds), [&](const common::Block& block) {
                  for (const std::string& data : block.data().data()) {
                    auto parsed = protocol::ParseEnvelopeBytes(data);
                    if (parsed.ok()) missing.erase(parsed->channel_header.tx_id());
                  }
                  return !missing.empty();
                });
    EXPECT_TRUE(missing.empty()) << missing.size() << " acknowledged transactions never reached a block";
    return result.blocks;
  }

  // The chain verifies (hash chain, data hashes, orderer signatures,
  // transactions) and holds each id of `acknowledged` exactly once, and no
  // id twice.
  void ExpectChainHoldsExactlyOnce(const std::vector<common::Block>& blocks,
                                   const std::set<std::string>& acknowledged) {
    ASSERT_FALSE(blocks.empty());
    EXPECT_EQ(blocks[0].header().number(), 0u);
    for (const auto& fault : protocol::VerifyChain(blocks)) ADD_FAILURE() << fault.ToString();
    std::map<std::string, int> count;
    for (size_t n = 1; n < blocks.size(); ++n) {
      EXPECT_EQ(blocks[n].header().number(), n);
      EXPECT_FALSE(blocks[n].metadata().metadata(common::SIGNATURES).empty())
          << "block " << n << " is unsigned";
      for (const std::string& data : blocks[n].data().data()) {
        auto parsed = protocol::ParseEnvelopeBytes(data);
        ASSERT_TRUE(parsed.ok());
        count[parsed->channel_header.tx_id()]++;
      }
    }
    for (const auto& [tx_id, times] : count) EXPECT_EQ(times, 1) << tx_id << " is in " << times << " blocks";
    for (const std::string& tx_id : acknowledged)
      EXPECT_EQ(count[tx_id], 1) << tx_id << " acknowledged but missing";
  }

  std::unique_ptr<ScratchDir> node_dir_;
  std::string config_file_;
  std::unique_ptr<OrdererProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<protocol::Signer> client_, client2_, endorser_, reader_;
};

TEST_F(OrdererIntegrationTest, TwoThousandEnvelopesOnFourStreamsAllInVerifiedBlocks) {
  StartOrderer();
  constexpr int kStreams = 4;
  constexpr size_t kPerStream = 500;
  std::vector<std::vector<SignedTransaction>> batches;
  for (int s = 0; s < kStreams; ++s)
    batches.push_back(Transactions(kPerStream, "load" + std::to_string(s) + "-"));

  std::vector<BroadcastResult> results(kStreams);
  std::vector<std::thread> streams;
  for (int s = 0; s < kStreams; ++s) {
    streams.emplace_back([&, s] {
      std::vector<std::string> envelopes;
      for (const auto& transaction : batches[s]) envelopes.push_back(transaction.envelope);
      results[s] = BroadcastAll(channel_, envelopes, SecondsFromNow(40));
    });
  }
  for (auto& thread : streams) thread.join();

  std::set<std::string> acknowledged;
  for (int s = 0; s < kStreams; ++s) {
    EXPECT_EQ(results[s].grpc_code, 0);
    ASSERT_EQ(results[s].responses.size(), kPerStream);
    for (size_t i = 0; i < kPerStream; ++i) {
      EXPECT_EQ(results[s].responses[i].status(), common::SUCCESS) << results[s].responses[i].info();
      acknowledged.insert(batches[s][i].tx_id);
    }
  }
  ASSERT_EQ(acknowledged.size(), kStreams * kPerStream);
  std::vector<common::Block> blocks = DeliverUntilSeen(acknowledged);
  ExpectChainHoldsExactlyOnce(blocks, acknowledged);
  // MaxMessageCount 50: most blocks are full.
  EXPECT_LE(blocks.size(), 2000u / 10);
  // Each stream's envelopes are in the chain in the order they were sent.
  std::map<std::string, std::pair<uint64_t, int>> position;
  for (const auto& block : blocks) {
    for (int i = 0; i < block.data().data_size(); ++i) {
      auto parsed = protocol::ParseEnvelopeBytes(block.data().data(i));
      if (parsed.ok()) position[parsed->channel_header.tx_id()] = {block.header().number(), i};
    }
  }
  for (int s = 0; s < kStreams; ++s) {
    for (size_t i = 1; i < kPerStream; ++i) {
      EXPECT_LT(position[batches[s][i - 1].tx_id], position[batches[s][i].tx_id])
          << "stream " << s << " #" << i;
    }
  }

  // The trace saw the broadcasts and the blocks, and /metrics counts them
  // under Fabric's names.
  auto observer = loom::Observer::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(SecondsFromNow(10));
  loom::SnapshotRequest request;
  request.mutable_filter()->add_phases(loom::TraceEvent::BLOCK_WRITTEN);
  loom::TraceSnapshot snapshot;
  ASSERT_TRUE(observer->Snapshot(&context, request, &snapshot).ok());
  EXPECT_GE(snapshot.events_size(), 1);
  EXPECT_EQ(snapshot.status().node(), "orderer.example.com");

  std::string metrics = HttpGet(process_->OperationsAddress(), "/metrics");
  EXPECT_NE(metrics.find("broadcast_processed_count{channel=\"mychannel\",type=\"ENDORSER_TRANSACTION\","
                         "status=\"SUCCESS\"} 2000"),
            std::string::npos)
      << metrics.substr(0, 3000);
  EXPECT_NE(metrics.find("ledger_blockchain_height{channel=\"mychannel\"} " + std::to_string(blocks.size())),
            std::string::npos);
  EXPECT_NE(metrics.find("blockcutter_block_fill_duration_count{channel=\"mychannel\"}"), std::string::npos);
  std::string health = HttpGet(process_->OperationsAddress(), "/healthz");
  EXPECT_NE(health.find("\"status\":\"OK\""), std::string::npos) << health;

  EXPECT_EQ(process_->Terminate(SteadyClock::now() + std::chrono::seconds(10)), 0);
}

TEST_F(OrdererIntegrationTest, ReadersAndWritersAreEnforced) {
  StartOrderer();
  auto outsider = network_->UserSigner("Org3", "User1").value();
  SignedTransaction foreign = Transaction(*outsider, "foreign");
  SignedTransaction by_peer = Transaction(*endorser_, "by-peer");  // a peer is not a writer
  SignedTransaction good = Transaction(*client_, "good");
  BroadcastResult result =
      BroadcastAll(channel_, {foreign.envelope, by_peer.envelope, good.envelope}, SecondsFromNow(20));
  ASSERT_EQ(result.responses.size(), 3u);
  EXPECT_EQ(result.responses[0].status(), common::FORBIDDEN) << result.responses[0].info();
  EXPECT_NE(result.responses[0].info().find("Org3MSP"), std::string::npos) << result.responses[0].info();
  EXPECT_EQ(result.responses[1].status(), common::FORBIDDEN) << result.responses[1].info();
  EXPECT_NE(result.responses[1].info().find("/Channel/Writers"), std::string::npos);
  EXPECT_EQ(result.responses[2].status(), common::SUCCESS) << result.responses[2].info();

  DeliverResult refused = Deliver(
      channel_, Seek(SeekPoint::Oldest(), SeekPoint::Newest(), SeekInfo::BLOCK_UNTIL_READY, outsider.get()),
      SecondsFromNow(20));
  ASSERT_TRUE(refused.status.has_value());
  EXPECT_EQ(*refused.status, common::FORBIDDEN);
  EXPECT_TRUE(refused.blocks.empty());

  std::vector<common::Block> blocks = DeliverUntilSeen({good.tx_id});
  for (const auto& block : blocks) {
    for (const std::string& data : block.data().data()) {
      EXPECT_NE(data, foreign.envelope);
      EXPECT_NE(data, by_peer.envelope);
    }
  }
}

TEST_F(OrdererIntegrationTest, BadInputIsRefusedAndTheOrdererKeepsServing) {
  StartOrderer();
  SignedTransaction replayed = Transaction(*client_, "replayed");
  common::Envelope high_s;
  ASSERT_TRUE(high_s.ParseFromString(Transaction(*client_, "high-s").envelope));
  high_s.set_signature(ToHighS(high_s.signature()));
  auto wrong_channel = MakeEndorserTransaction(*client_, *endorser_, "otherchannel", "k");
  SignedTransaction oversized = Transaction(*client_, "big", 300 << 10);
  std::string good_bytes = Transaction(*client_, "after").envelope;
  std::string truncated = good_bytes.substr(0, good_bytes.size() / 3);

  struct Case {
    const char* name;
    std::string bytes;
    common::Status status;
    const char* info;
  };
  std::vector<Case> cases = {
      {"garbage", "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff not a protobuf", common::BAD_REQUEST,
       "not a common.Envelope"},
      {"truncated", truncated, common::BAD_REQUEST, ""},
      {"wrong channel", wrong_channel->envelope, common::NOT_FOUND, "otherchannel"},
      {"high-S", high_s.SerializeAsString(), common::FORBIDDEN, "high-S"},
      {"oversized", oversized.envelope, common::REQUEST_ENTITY_TOO_LARGE, "AbsoluteMaxBytes"},
      {"first", replayed.envelope, common::SUCCESS, ""},
      {"replayed", replayed.envelope, common::BAD_REQUEST, "duplicate tx id"},
      {"good after all that", good_bytes, common::SUCCESS, ""},
  };
  std::vector<std::string> envelopes;
  for (const Case& c : cases) envelopes.push_back(c.bytes);
  BroadcastResult result = BroadcastAll(channel_, envelopes, SecondsFromNow(20));
  EXPECT_EQ(result.grpc_code, 0);
  ASSERT_EQ(result.responses.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    EXPECT_EQ(result.responses[i].status(), cases[i].status)
        << StatusName(result.responses[i].status()) << ": " << result.responses[i].info();
    EXPECT_NE(result.responses[i].info().find(cases[i].info), std::string::npos)
        << result.responses[i].info();
  }

  // Deliver requests that are wrong end with a status; the next stream works.
  DeliverResult garbage = Deliver(channel_, "garbage", SecondsFromNow(10));
  ASSERT_TRUE(garbage.status.has_value());
  EXPECT_EQ(*garbage.status, common::BAD_REQUEST);
  DeliverResult no_channel = Deliver(
      channel_,
      Seek(SeekPoint::Oldest(), SeekPoint::Newest(), SeekInfo::BLOCK_UNTIL_READY, nullptr, "otherchannel"),
      SecondsFromNow(10));
  ASSERT_TRUE(no_channel.status.has_value());
  EXPECT_EQ(*no_channel.status, common::NOT_FOUND);

  // Another client, on a new connection, is served as usual.
  channel_ = ConnectInsecure(process_->address());
  SignedTransaction later = Transaction(*client2_, "later");
  BroadcastResult ok = BroadcastAll(channel_, {later.envelope}, SecondsFromNow(20));
  ASSERT_EQ(ok.responses.size(), 1u);
  EXPECT_EQ(ok.responses[0].status(), common::SUCCESS);
  ExpectChainHoldsExactlyOnce(DeliverUntilSeen({replayed.tx_id, later.tx_id}), {replayed.tx_id, later.tx_id});
}

TEST_F(OrdererIntegrationTest, EverySuccessSurvivesSigkillAndRestart) {
  StartOrderer();
  constexpr size_t kKillAfter = 300;
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<bool> killed{false};
  std::vector<std::vector<SignedTransaction>> batches = {Transactions(1000, "crash-a-"),
                                                         Transactions(1000, "crash-b-")};
  std::vector<std::thread> streams;
  for (size_t s = 0; s < batches.size(); ++s) {
    streams.emplace_back([&, s] {
      std::vector<std::string> envelopes;
      for (const auto& transaction : batches[s]) envelopes.push_back(transaction.envelope);
      BroadcastAll(channel_, envelopes, SecondsFromNow(40),
                   [&](size_t i, const ::orderer::BroadcastResponse& r) {
                     std::lock_guard lock(mutex);
                     if (r.status() == common::SUCCESS) acknowledged.insert(batches[s][i].tx_id);
                     if (acknowledged.size() >= kKillAfter && !killed.exchange(true)) {
                       ::kill(process_->pid(), SIGKILL);  // while both streams are mid-load
                     }
                     return true;
                   });
    });
  }
  for (auto& thread : streams) thread.join();
  ASSERT_TRUE(killed.load()) << "the load finished before the kill point";
  process_->Kill();  // reap it
  std::set<std::string> before_restart;
  {
    std::lock_guard lock(mutex);
    before_restart = acknowledged;
  }
  ASSERT_GE(before_restart.size(), kKillAfter);

  StartOrderer();  // same data folder, same genesis
  std::vector<common::Block> blocks = DeliverUntilSeen(before_restart);
  ExpectChainHoldsExactlyOnce(blocks, before_restart);

  // The restarted orderer still refuses what it ordered before the crash.
  std::string first_envelope;
  for (const auto& transaction : batches[0]) {
    if (before_restart.count(transaction.tx_id)) {
      first_envelope = transaction.envelope;
      break;
    }
  }
  BroadcastResult replay = BroadcastAll(channel_, {first_envelope}, SecondsFromNow(20));
  ASSERT_EQ(replay.responses.size(), 1u);
  EXPECT_EQ(replay.responses[0].status(), common::BAD_REQUEST) << replay.responses[0].info();
  EXPECT_NE(process_->Log().find("replayed"), std::string::npos) << "no recovery note in the log";
}

TEST_F(OrdererIntegrationTest, DeliverSeekCases) {
  StartOrderer();
  std::vector<SignedTransaction> transactions = Transactions(120, "seek-");
  std::vector<std::string> envelopes;
  std::set<std::string> ids;
  for (const auto& transaction : transactions) {
    envelopes.push_back(transaction.envelope);
    ids.insert(transaction.tx_id);
  }
  BroadcastResult sent = BroadcastAll(channel_, envelopes, SecondsFromNow(20));
  ASSERT_EQ(sent.responses.size(), envelopes.size());
  std::vector<common::Block> chain = DeliverUntilSeen(ids);
  uint64_t height = chain.size();  // 1 + 120/50 rounded up: 4
  ASSERT_EQ(height, 4u);

  auto numbers = [](const DeliverResult& result) {
    std::vector<uint64_t> out;
    for (const auto& block : result.blocks) out.push_back(block.header().number());
    return out;
  };
  DeliverResult all = Deliver(channel_, Seek(SeekPoint::Oldest(), SeekPoint::Newest()), SecondsFromNow(10));
  EXPECT_EQ(numbers(all), (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(all.status, common::SUCCESS);
  // Blocks arrive exactly as stored: the bytes Deliver sent re-verify.
  for (const auto& fault : protocol::VerifyChain(all.blocks)) ADD_FAILURE() << fault.ToString();

  DeliverResult newest =
      Deliver(channel_, Seek(SeekPoint::Newest(), SeekPoint::Newest()), SecondsFromNow(10));
  EXPECT_EQ(numbers(newest), std::vector<uint64_t>{3});
  EXPECT_EQ(newest.status, common::SUCCESS);

  DeliverResult middle =
      Deliver(channel_, Seek(SeekPoint::Number(1), SeekPoint::Number(2)), SecondsFromNow(10));
  EXPECT_EQ(numbers(middle), (std::vector<uint64_t>{1, 2}));

  DeliverResult past_end =
      Deliver(channel_, Seek(SeekPoint::Number(9), SeekPoint::Number(9), SeekInfo::FAIL_IF_NOT_READY),
              SecondsFromNow(10));
  EXPECT_TRUE(past_end.blocks.empty());
  EXPECT_EQ(past_end.status, common::NOT_FOUND);

  DeliverResult runs_out =
      Deliver(channel_, Seek(SeekPoint::Number(2), SeekPoint::Number(6), SeekInfo::FAIL_IF_NOT_READY),
              SecondsFromNow(10));
  EXPECT_EQ(numbers(runs_out), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(runs_out.status, common::NOT_FOUND);

  DeliverResult backwards =
      Deliver(channel_, Seek(SeekPoint::Number(3), SeekPoint::Number(1)), SecondsFromNow(10));
  EXPECT_TRUE(backwards.blocks.empty());
  EXPECT_EQ(backwards.status, common::BAD_REQUEST);

  // BLOCK_UNTIL_READY waits for block 4, which the next envelope makes
  // (BatchTimeout cuts it alone).
  std::thread waiter_thread;
  DeliverResult waited;
  waiter_thread = std::thread([&] {
    waited = Deliver(channel_, Seek(SeekPoint::Number(4), SeekPoint::Number(4)), SecondsFromNow(20));
  });
  SignedTransaction next = Transaction(*client_, "next");
  BroadcastResult one = BroadcastAll(channel_, {next.envelope}, SecondsFromNow(20));
  waiter_thread.join();
  ASSERT_EQ(waited.blocks.size(), 1u);
  EXPECT_EQ(waited.blocks[0].header().number(), 4u);
  EXPECT_EQ(waited.status, common::SUCCESS);
  ASSERT_EQ(waited.blocks[0].data().data_size(), 1);
  EXPECT_EQ(waited.blocks[0].data().data(0), next.envelope);

  // A client waiting for blocks forever is told when the orderer shuts down,
  // and the shutdown is clean.
  std::mutex mutex;
  std::condition_variable caught_up;
  size_t received = 0;
  DeliverResult forever;
  std::thread follower([&] {
    forever = Deliver(channel_, Seek(SeekPoint::Oldest(), SeekPoint::Number(orderer::kDeliverForever)),
                      SecondsFromNow(20), [&](const common::Block&) {
                        std::lock_guard lock(mutex);
                        ++received;
                        caught_up.notify_all();
                        return true;
                      });
  });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(caught_up.wait_until(lock, SteadyClock::now() + std::chrono::seconds(20),
                                     [&] { return received == 5; }));
  }
  // The shutdown grace is 60 s: exiting within the 10 s deadline proves the
  // waiting Deliver stream was ended, not waited for.
  EXPECT_EQ(process_->Terminate(SteadyClock::now() + std::chrono::seconds(10)), 0);
  follower.join();
  EXPECT_EQ(forever.status, common::SERVICE_UNAVAILABLE);
}

TEST_F(OrdererIntegrationTest, BadConfigExitsWithTwoAndAClearMessage) {
  std::string bad = node_dir_->Path("bad.yaml");
  ASSERT_TRUE(WriteFileAtomically(bad,
                                  "name: o\nlisten_address: 127.0.0.1:99999\nmsp: {dir: m, id: X}\n"
                                  "data_dir: d\n")
                  .ok());
  ProcessResult result = RunToCompletion(LOOM_ORDERER_BIN, {"--config", bad});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("bad.yaml:2:17: listen_address"), std::string::npos) << result.output;

  ProcessResult no_args = RunToCompletion(LOOM_ORDERER_BIN, {});
  EXPECT_EQ(no_args.exit_code, 2);
  EXPECT_NE(no_args.output.find("usage: loom-orderer"), std::string::npos) << no_args.output;

  ProcessResult missing_block =
      RunToCompletion(LOOM_ORDERER_BIN, {"--config", config_file_, "--join", node_dir_->Path("none.block")});
  EXPECT_EQ(missing_block.exit_code, 1);
  EXPECT_NE(missing_block.output.find("none.block"), std::string::npos) << missing_block.output;
}

}  // namespace
}  // namespace loom::testing
