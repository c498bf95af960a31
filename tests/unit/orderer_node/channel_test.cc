// Channel + SoloChain: envelopes in, signed hash-chained blocks out, with
// MaxMessageCount and BatchTimeout cuts, restart recovery from the log, and
// the checks made when a channel is joined. Waits on the block store with
// deadlines; never sleeps.
#include "core/orderer/channel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "core/channelconfig/genesis.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/block_verify.h"
#include "core/protocol/envelope.h"
#include "tests/support/orderer_network.h"

namespace loom::orderer {
namespace {

using loom::testing::ChannelBatchSettings;
using loom::testing::OrdererNetwork;
using loom::testing::ScratchDir;
using Clock = std::chrono::steady_clock;

constexpr auto kWait = std::chrono::seconds(20);

// Records what the chain reports.
class RecordingEvents : public ChainEvents {
 public:
  void OnEntriesLogged(const std::string&, const std::vector<LoggedEntry>& entries,
                       std::chrono::nanoseconds) override {
    std::lock_guard lock(mutex_);
    for (const LoggedEntry& entry : entries) logged.push_back(entry);
  }
  void OnBlockWritten(const std::string&, const WrittenBlock& block) override {
    std::lock_guard lock(mutex_);
    reasons[block.block->header().number()] = block.reason;
    for (const std::string& tx_id : block.tx_ids) block_tx_ids.push_back(tx_id);
  }
  std::map<uint64_t, CutReason> Reasons() {
    std::lock_guard lock(mutex_);
    return reasons;
  }

  std::mutex mutex_;
  std::vector<LoggedEntry> logged;
  std::map<uint64_t, CutReason> reasons;
  std::vector<std::string> block_tx_ids;
};

struct Envelope {
  std::string bytes;
  std::string tx_id;
};

class ChannelTest : public ::testing::Test {
 protected:
  void MakeNetwork(const ChannelBatchSettings& batch) {
    auto network = OrdererNetwork::Create(scratch_.Path("net"), batch);
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    network_ = std::move(*network);
    orderer_ = network_->OrdererSigner().value();
    client_ = network_->UserSigner("Org1", "User1").value();
    endorser_ = network_->PeerSigner("Org1").value();
    options_.signer = orderer_.get();
    options_.events = &events_;
  }

  std::shared_ptr<Channel> Join() {
    auto channel = Channel::Join(dir_, network_->genesis(), options_);
    EXPECT_TRUE(channel.ok()) << channel.status().ToString();
    return channel.ok() ? *channel : nullptr;
  }

  Envelope MakeEnvelope(int i) {
    auto transaction =
        loom::testing::MakeEndorserTransaction(*client_, *endorser_, "mychannel", "key" + std::to_string(i));
    EXPECT_TRUE(transaction.ok()) << transaction.status().ToString();
    return Envelope{transaction->envelope, transaction->tx_id};
  }

  // Orders each envelope and waits until every one is acknowledged.
  void OrderAll(Channel& channel, const std::vector<Envelope>& envelopes) {
    std::mutex mutex;
    std::condition_variable done;
    size_t acked = 0;
    for (const Envelope& envelope : envelopes) {
      channel.Order(envelope.bytes, envelope.tx_id, [&](Status status) {
        EXPECT_TRUE(status.ok()) << status.ToString();
        std::lock_guard lock(mutex);
        ++acked;
        done.notify_all();
      });
    }
    std::unique_lock lock(mutex);
    ASSERT_TRUE(done.wait_until(lock, Clock::now() + kWait, [&] { return acked == envelopes.size(); }));
  }

  std::vector<common::Block> Chain(const Channel& channel) {
    std::vector<common::Block> blocks;
    for (uint64_t n = 0; n < channel.block_store().Height(); ++n)
      blocks.push_back(*channel.block_store().GetBlock(n));
    return blocks;
  }

  // Every envelope is in exactly one block; the chain verifies.
  void ExpectChainHoldsExactly(const Channel& channel, const std::vector<Envelope>& envelopes) {
    std::vector<common::Block> blocks = Chain(channel);
    EXPECT_TRUE(protocol::VerifyChain(blocks).empty());
    for (const auto& fault : protocol::VerifyChain(blocks)) ADD_FAILURE() << fault.ToString();
    std::map<std::string, int> seen;
    for (size_t n = 1; n < blocks.size(); ++n) {
      EXPECT_FALSE(protocol::CheckOrdererSignatures(blocks[n]).size() > 0) << "block " << n;
      for (const std::string& data : blocks[n].data().data()) seen[data]++;
    }
    for (const Envelope& envelope : envelopes) EXPECT_EQ(seen[envelope.bytes], 1) << envelope.tx_id;
    size_t total = 0;
    for (const auto& [bytes, count] : seen) total += count;
    EXPECT_EQ(total, envelopes.size());
  }

  ScratchDir scratch_{"loom_channel"};
  std::string dir_ = scratch_.Path("data/channels/mychannel");
  std::unique_ptr<OrdererNetwork> network_;
  std::shared_ptr<protocol::Signer> orderer_;
  std::shared_ptr<protocol::Signer> client_;
  std::shared_ptr<protocol::Signer> endorser_;
  RecordingEvents events_;
  ChannelOptions options_;
};

TEST_F(ChannelTest, CutsFullBlocksAndTimesOutTheRest) {
  ChannelBatchSettings batch;
  batch.max_message_count = 10;
  batch.batch_timeout = "150ms";
  MakeNetwork(batch);
  auto channel = Join();
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->channel_id(), "mychannel");
  EXPECT_EQ(channel->batch_config().max_message_count, 10u);

  std::vector<Envelope> envelopes;
  for (int i = 0; i < 25; ++i) envelopes.push_back(MakeEnvelope(i));
  OrderAll(*channel, envelopes);
  // 10 + 10 by count, the last 5 when BatchTimeout fires.
  ASSERT_TRUE(channel->block_store().WaitForBlock(3, Clock::now() + kWait));
  ExpectChainHoldsExactly(*channel, envelopes);
  EXPECT_EQ(channel->block_store().Height(), 4u);
  auto reasons = events_.Reasons();
  EXPECT_EQ(reasons[1], CutReason::kCount);
  EXPECT_EQ(reasons[2], CutReason::kCount);
  EXPECT_EQ(reasons[3], CutReason::kTimeout);
  EXPECT_EQ(channel->block_store().GetBlock(3)->data().data_size(), 5);
  // 25 envelopes and one time-to-cut entry were logged.
  EXPECT_EQ(events_.logged.size(), 26u);
  EXPECT_EQ(events_.block_tx_ids.size(), 25u);
  EXPECT_EQ(events_.block_tx_ids[0], envelopes[0].tx_id);
}

TEST_F(ChannelTest, ListenersHearOfNewBlocks) {
  ChannelBatchSettings batch;
  batch.max_message_count = 2;
  MakeNetwork(batch);
  auto channel = Join();
  ASSERT_NE(channel, nullptr);
  std::mutex mutex;
  std::condition_variable changed;
  uint64_t heard = 0;
  auto handle = channel->AddBlockListener([&](uint64_t height) {
    std::lock_guard lock(mutex);
    heard = height;
    changed.notify_all();
  });
  OrderAll(*channel, {MakeEnvelope(0), MakeEnvelope(1)});
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(changed.wait_until(lock, Clock::now() + kWait, [&] { return heard == 2; }));
    heard = 0;
  }
  // Stopping calls the listeners once more, with the channel marked stopped.
  EXPECT_FALSE(channel->stopped());
  channel->Stop();
  EXPECT_TRUE(channel->stopped());
  std::unique_lock lock(mutex);
  EXPECT_EQ(heard, 2u);
}

TEST_F(ChannelTest, RestartReplaysAcknowledgedEnvelopesIntoBlocks) {
  ChannelBatchSettings batch;
  batch.max_message_count = 10;
  batch.batch_timeout = "1h";  // only MaxMessageCount cuts in this test
  MakeNetwork(batch);
  std::vector<Envelope> envelopes;
  for (int i = 0; i < 15; ++i) envelopes.push_back(MakeEnvelope(i));
  {
    auto channel = Join();
    ASSERT_NE(channel, nullptr);
    OrderAll(*channel, envelopes);
    ASSERT_TRUE(channel->block_store().WaitForBlock(1, Clock::now() + kWait));
    channel->Stop();
    EXPECT_EQ(channel->block_store().Height(), 2u);  // 5 envelopes still pending
  }
  auto reopened = Channel::Open(dir_, options_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  std::shared_ptr<Channel> channel = *reopened;
  ASSERT_FALSE(channel->recovery_notes().empty());
  EXPECT_NE(channel->recovery_notes().back().find("replayed 5 log entries"), std::string::npos);
  // A replayed-but-uncut envelope is still known: resending it is refused.
  EXPECT_FALSE(channel->tx_ids().Claim(envelopes[12].tx_id));
  EXPECT_FALSE(channel->tx_ids().Claim(envelopes[3].tx_id));  // in block 1

  std::vector<Envelope> more;
  for (int i = 15; i < 20; ++i) more.push_back(MakeEnvelope(i));
  OrderAll(*channel, more);
  ASSERT_TRUE(channel->block_store().WaitForBlock(2, Clock::now() + kWait));
  envelopes.insert(envelopes.end(), more.begin(), more.end());
  ExpectChainHoldsExactly(*channel, envelopes);
}

TEST_F(ChannelTest, JoinIsIdempotentButRefusesAnotherGenesis) {
  MakeNetwork({});
  {
    auto channel = Join();
    ASSERT_NE(channel, nullptr);
  }
  {
    auto again = Join();  // same genesis: opens
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->block_store().Height(), 1u);
  }
  auto other_genesis =
      channelconfig::BuildGenesisBlock(network_->scenario(), "mychannel", network_->crypto_dir());
  ASSERT_TRUE(other_genesis.ok());
  auto refused = Channel::Join(dir_, *other_genesis, options_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("different genesis block"), std::string::npos)
      << refused.status().ToString();
}

TEST_F(ChannelTest, OpeningRefusesWhatItCannotServe) {
  MakeNetwork({});
  auto missing = Channel::Open(scratch_.Path("nothing"), options_);
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();

  // An orderer whose MSP is not an orderer org of the channel.
  auto outsider = network_->UserSigner("Org1", "Admin").value();
  ChannelOptions outsider_options = options_;
  outsider_options.signer = outsider.get();
  auto refused = Channel::Join(dir_, network_->genesis(), outsider_options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("is not an orderer org of channel mychannel"), std::string::npos)
      << refused.status().ToString();

  common::Block not_genesis = network_->genesis();
  not_genesis.mutable_header()->set_number(3);
  EXPECT_TRUE(Channel::Join(dir_, not_genesis, options_).status().IsInvalidArgument());
}

TEST_F(ChannelTest, OrdersAfterStopAreRefused) {
  MakeNetwork({});
  auto channel = Join();
  ASSERT_NE(channel, nullptr);
  channel->Stop();
  Status result = Status::Ok();
  Envelope envelope = MakeEnvelope(0);
  channel->Order(envelope.bytes, envelope.tx_id, [&](Status status) { result = status; });
  EXPECT_EQ(result.code(), Status::Code::kUnavailable) << result.ToString();
}

TEST(ChannelIdTest, FabricChannelNames) {
  EXPECT_TRUE(ValidateChannelId("mychannel").ok());
  EXPECT_TRUE(ValidateChannelId("a.b-c9").ok());
  EXPECT_FALSE(ValidateChannelId("").ok());
  EXPECT_FALSE(ValidateChannelId("../etc").ok());
  EXPECT_FALSE(ValidateChannelId("MyChannel").ok());
  EXPECT_FALSE(ValidateChannelId("9lives").ok());
  EXPECT_EQ(ChannelDir("/data", "mychannel"), "/data/channels/mychannel");
}

}  // namespace
}  // namespace loom::orderer
