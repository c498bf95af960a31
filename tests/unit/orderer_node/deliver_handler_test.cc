// DeliverHandler and DeliverCursor: request checks and the seek semantics
// table (oldest / newest / specified, BLOCK_UNTIL_READY / FAIL_IF_NOT_READY)
// over a real block store, and the access re-check of running requests
// (certificate expiry by an injected clock, /Channel/Readers after a config
// change).
#include "core/orderer/deliver_handler.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/ledger/block_store.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "core/protocol/txid.h"
#include "tests/support/orderer_network.h"
#include "tests/support/orderer_network_suite.h"
#include "tests/unit/orderer_node/short_lived_client.h"
#include "tests/unit/orderer_node/test_channel.h"

namespace loom::orderer {
namespace {

using loom::testing::OrdererNetwork;
using loom::testing::ScratchDir;
using ::orderer::SeekInfo;
using testing::TestChannel;

constexpr uint64_t kHeight = 5;  // blocks 0..4

class DeliverHandlerTest : public loom::testing::OrdererNetworkSuite<DeliverHandlerTest> {
 protected:
  void SetUp() override {
    store_dir_ = std::make_unique<ScratchDir>("loom_deliver_store");
    channel_ = TestChannel::Create(*network_, store_dir_->Path("store"));
    ASSERT_TRUE(registry_.Add(channel_).ok());
    while (channel_->block_store().Height() < kHeight) AppendBlock();
    reader_ = network_->PeerSigner("Org1").value();
  }

  void AppendBlock() {
    ledger::BlockStore& store = channel_->mutable_store();
    uint64_t number = store.Height();
    common::Block block =
        protocol::NewBlock(number, store.LastHeaderHash(), {"envelope " + std::to_string(number)});
    ASSERT_TRUE(store.Append(block).ok());
  }

  std::string Request(SeekPoint start, SeekPoint stop,
                      SeekInfo::SeekBehavior behavior = SeekInfo::BLOCK_UNTIL_READY,
                      const std::string& channel = "mychannel") {
    auto envelope = CreateSeekEnvelope(channel, *reader_, MakeSeekInfo(start, stop, behavior));
    EXPECT_TRUE(envelope.ok()) << envelope.status().ToString();
    return envelope->SerializeAsString();
  }

  SeekRequest Accept(std::string_view bytes) {
    auto checked = handler_.Check(bytes);
    if (auto* refused = std::get_if<DeliverStatus>(&checked)) {
      ADD_FAILURE() << common::Status_Name(refused->status) << ": " << refused->info;
      return SeekRequest{};
    }
    return std::get<SeekRequest>(checked);
  }

  void ExpectRefused(std::string_view bytes, common::Status status, const std::string& info_part) {
    auto checked = handler_.Check(bytes);
    auto* refused = std::get_if<DeliverStatus>(&checked);
    ASSERT_NE(refused, nullptr) << "request was accepted";
    EXPECT_EQ(refused->status, status) << common::Status_Name(refused->status) << ": " << refused->info;
    EXPECT_NE(refused->info.find(info_part), std::string::npos) << refused->info;
  }

  // Runs a cursor without waiting: the block numbers it yields and how it ends
  // (kWait when it would block).
  struct Walk {
    std::vector<uint64_t> blocks;
    DeliverCursor::Step::Kind end = DeliverCursor::Step::kWait;
    common::Status status = common::UNKNOWN;
  };
  Walk WalkRequest(std::string_view bytes) {
    DeliverCursor cursor(Accept(bytes));
    Walk walk;
    for (int i = 0; i < 100; ++i) {
      DeliverCursor::Step step = cursor.TryNext();
      if (step.kind == DeliverCursor::Step::kBlock) {
        auto stored = channel_->block_store().GetBlockBytes(step.number);
        EXPECT_EQ(step.block_bytes, stored.value()) << "block " << step.number << " is not the stored bytes";
        walk.blocks.push_back(step.number);
        continue;
      }
      walk.end = step.kind;
      walk.status = step.status.status;
      break;
    }
    return walk;
  }

  // A client of Org1 whose certificate is valid from 5 minutes before now_
  // until `not_after`.
  std::shared_ptr<protocol::Signer> ShortLivedClient(crypto::Clock::time_point not_after) const {
    return testing::ShortLivedClient(*network_, "Org1", "Brief", now_ - std::chrono::minutes(5), not_after);
  }

  // A policy manager for the genesis config, with `drop_org` (if any) taken
  // out of the Application group: what a config update would install.
  std::shared_ptr<const channelconfig::PolicyManager> PoliciesWithout(const std::string& drop_org) const {
    auto genesis = channelconfig::ReadChannelConfig(network_->genesis());
    EXPECT_TRUE(genesis.ok()) << genesis.status().ToString();
    common::Config config = genesis->config;
    if (!drop_org.empty()) {
      auto* orgs = config.mutable_channel_group()->mutable_groups()->at("Application").mutable_groups();
      EXPECT_EQ(orgs->erase(drop_org), 1u) << drop_org;
    }
    auto changed = channelconfig::ReadChannelConfig(config, genesis->channel_id);
    EXPECT_TRUE(changed.ok()) << changed.status().ToString();
    auto policies = channelconfig::PolicyManager::Create(*changed);
    EXPECT_TRUE(policies.ok()) << policies.status().ToString();
    return *policies;
  }

  std::unique_ptr<ScratchDir> store_dir_;
  ChannelRegistry registry_;
  std::shared_ptr<TestChannel> channel_;
  // The handler's clock; tests move it to judge certificate expiry.
  crypto::Clock::time_point now_ = crypto::Clock::now();
  DeliverHandler handler_{&registry_, [this] { return now_; }};
  std::shared_ptr<protocol::Signer> reader_;
};

using Kind = DeliverCursor::Step::Kind;
const auto kOldest = SeekPoint::Oldest();
const auto kNewest = SeekPoint::Newest();
SeekPoint At(uint64_t number) {
  return SeekPoint::Number(number);
}
std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> numbers;
  for (uint64_t n = first; n <= last; ++n) numbers.push_back(n);
  return numbers;
}

struct SeekCase {
  const char* name;
  SeekPoint start;
  SeekPoint stop;
  SeekInfo::SeekBehavior behavior;
  std::vector<uint64_t> blocks;
  Kind end;
  common::Status status;  // when end == kDone
};

TEST_F(DeliverHandlerTest, SeekSemanticsTable) {
  const auto kBlock = SeekInfo::BLOCK_UNTIL_READY;
  const auto kFail = SeekInfo::FAIL_IF_NOT_READY;
  const std::vector<SeekCase> cases = {
      {"oldest..newest", kOldest, kNewest, kBlock, Range(0, 4), Kind::kDone, common::SUCCESS},
      {"oldest..oldest", kOldest, kOldest, kBlock, {0}, Kind::kDone, common::SUCCESS},
      {"newest..newest", kNewest, kNewest, kBlock, {4}, Kind::kDone, common::SUCCESS},
      {"2..3", At(2), At(3), kBlock, {2, 3}, Kind::kDone, common::SUCCESS},
      {"2..newest", At(2), kNewest, kBlock, Range(2, 4), Kind::kDone, common::SUCCESS},
      {"4..4", At(4), At(4), kFail, {4}, Kind::kDone, common::SUCCESS},
      {"oldest..forever", kOldest, At(kDeliverForever), kBlock, Range(0, 4), Kind::kWait, common::UNKNOWN},
      {"newest..forever", kNewest, At(kDeliverForever), kBlock, {4}, Kind::kWait, common::UNKNOWN},
      {"3..6 waits", At(3), At(6), kBlock, {3, 4}, Kind::kWait, common::UNKNOWN},
      {"3..6 fails", At(3), At(6), kFail, {3, 4}, Kind::kDone, common::NOT_FOUND},
      {"10 waits", At(10), At(10), kBlock, {}, Kind::kWait, common::UNKNOWN},
      {"10 fails", At(10), At(10), kFail, {}, Kind::kDone, common::NOT_FOUND},
      {"5..forever fails", At(kHeight), At(kDeliverForever), kFail, {}, Kind::kDone, common::NOT_FOUND},
  };
  for (const SeekCase& c : cases) {
    SCOPED_TRACE(c.name);
    Walk walk = WalkRequest(Request(c.start, c.stop, c.behavior));
    EXPECT_EQ(walk.blocks, c.blocks);
    EXPECT_EQ(walk.end, c.end);
    if (c.end == Kind::kDone) {
      EXPECT_EQ(walk.status, c.status) << common::Status_Name(walk.status);
    }
  }
}

TEST_F(DeliverHandlerTest, StopBeforeStartIsABadRequest) {
  ExpectRefused(Request(At(3), At(1)), common::BAD_REQUEST, "start block 3 is after stop block 1");
  ExpectRefused(Request(kNewest, kOldest), common::BAD_REQUEST, "start block 4 is after stop block 0");
  ExpectRefused(Request(At(9), kNewest), common::BAD_REQUEST, "start block 9 is after stop block 4");
}

TEST_F(DeliverHandlerTest, WaitingCursorYieldsBlocksAsTheyAreAppended) {
  DeliverCursor cursor(Accept(Request(At(kHeight), At(kHeight + 1))));
  EXPECT_EQ(cursor.TryNext().kind, Kind::kWait);
  AppendBlock();
  DeliverCursor::Step step = cursor.TryNext();
  ASSERT_EQ(step.kind, Kind::kBlock);
  EXPECT_EQ(step.number, kHeight);

  // Next() blocks until another thread appends.
  std::thread appender([this] { AppendBlock(); });
  step = cursor.Next(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  appender.join();
  ASSERT_EQ(step.kind, Kind::kBlock);
  EXPECT_EQ(step.number, kHeight + 1);
  step = cursor.Next(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  EXPECT_EQ(step.kind, Kind::kDone);
  EXPECT_EQ(step.status.status, common::SUCCESS);
}

TEST_F(DeliverHandlerTest, NextGivesUpAtTheDeadlineAndOnClose) {
  DeliverCursor cursor(Accept(Request(At(kHeight), At(kDeliverForever))));
  EXPECT_EQ(cursor.Next(std::chrono::steady_clock::now()).kind, Kind::kWait);
  channel_->mutable_store().Close();
  DeliverCursor::Step step = cursor.Next(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  EXPECT_EQ(step.kind, Kind::kDone);
  EXPECT_EQ(step.status.status, common::SERVICE_UNAVAILABLE);
}

TEST_F(DeliverHandlerTest, WaitsEndWhenTheChannelStops) {
  DeliverCursor cursor(Accept(Request(At(kHeight - 1), At(kDeliverForever))));
  EXPECT_EQ(cursor.TryNext().kind, Kind::kBlock);  // stored blocks still go out
  EXPECT_EQ(cursor.TryNext().kind, Kind::kWait);
  channel_->stopped_flag = true;
  DeliverCursor::Step step = cursor.TryNext();
  EXPECT_EQ(step.kind, Kind::kDone);
  EXPECT_EQ(step.status.status, common::SERVICE_UNAVAILABLE);
  EXPECT_NE(step.status.info.find("shutting down"), std::string::npos);
}

TEST_F(DeliverHandlerTest, MalformedRequestsAreBadRequests) {
  ExpectRefused("garbage\xff", common::BAD_REQUEST, "not a common.Envelope");
  auto transaction = protocol::CreateSignedEnvelope(common::ENDORSER_TRANSACTION, "mychannel", *reader_, "x");
  ExpectRefused(transaction->SerializeAsString(), common::BAD_REQUEST,
                "ENDORSER_TRANSACTION is not a Deliver request");
  auto not_seek =
      protocol::CreateSignedEnvelope(common::DELIVER_SEEK_INFO, "mychannel", *reader_, "\xff\xff");
  ExpectRefused(not_seek->SerializeAsString(), common::BAD_REQUEST, "not an orderer.SeekInfo");

  SeekInfo no_stop = MakeSeekInfo(kOldest, kNewest);
  no_stop.clear_stop();
  ExpectRefused(CreateSeekEnvelope("mychannel", *reader_, no_stop)->SerializeAsString(), common::BAD_REQUEST,
                "no stop position");
  SeekInfo no_start = MakeSeekInfo(kOldest, kNewest);
  no_start.clear_start();
  ExpectRefused(CreateSeekEnvelope("mychannel", *reader_, no_start)->SerializeAsString(), common::BAD_REQUEST,
                "no start position");
  SeekInfo empty_position = MakeSeekInfo(kOldest, kNewest);
  empty_position.mutable_start()->Clear();
  ExpectRefused(CreateSeekEnvelope("mychannel", *reader_, empty_position)->SerializeAsString(),
                common::BAD_REQUEST, "SeekInfo.start has no position type");
}

TEST_F(DeliverHandlerTest, StaleTimestampIsABadRequest) {
  auto sent = std::chrono::system_clock::now() - std::chrono::minutes(20);
  std::string nonce = protocol::NewNonce();
  const std::string& creator = reader_->serialized_identity();
  common::Payload payload = protocol::MakePayload(
      protocol::MakeChannelHeader(common::DELIVER_SEEK_INFO, "mychannel",
                                  protocol::ComputeTxId(nonce, creator), sent),
      protocol::MakeSignatureHeader(creator, nonce), MakeSeekInfo(kOldest, kNewest).SerializeAsString());
  auto envelope = protocol::SignPayload(payload, *reader_);
  ExpectRefused(envelope->SerializeAsString(), common::BAD_REQUEST, "more than 15m from the orderer's time");
}

TEST_F(DeliverHandlerTest, UnknownChannelIsNotFound) {
  ExpectRefused(Request(kOldest, kNewest, SeekInfo::BLOCK_UNTIL_READY, "nochannel"), common::NOT_FOUND,
                "nochannel");
}

TEST_F(DeliverHandlerTest, OnlyReadersMayDeliver) {
  // Members of the channel's orgs and the orderer read; Org3 is outside.
  for (auto signer : {network_->UserSigner("Org1", "User1"), network_->UserSigner("Org2", "Admin"),
                      network_->PeerSigner("Org2"), network_->OrdererSigner()}) {
    ASSERT_TRUE(signer.ok());
    reader_ = *signer;
    EXPECT_EQ(WalkRequest(Request(kOldest, kOldest)).blocks, std::vector<uint64_t>{0});
  }
  reader_ = network_->UserSigner("Org3", "User1").value();
  ExpectRefused(Request(kOldest, kNewest), common::FORBIDDEN, "may not read channel mychannel: unknown MSP");

  reader_ = network_->UserSigner("Org1", "User1").value();
  common::Envelope high_s;
  ASSERT_TRUE(high_s.ParseFromString(Request(kOldest, kNewest)));
  high_s.set_signature(loom::testing::ToHighS(high_s.signature()));
  ExpectRefused(high_s.SerializeAsString(), common::FORBIDDEN, "high-S");
  high_s.clear_signature();
  ExpectRefused(high_s.SerializeAsString(), common::FORBIDDEN, "not signed");
}

TEST_F(DeliverHandlerTest, StreamEndsForbiddenOnceTheRequesterCertificateExpires) {
  const crypto::Clock::time_point expiry = now_ + std::chrono::hours(1);
  reader_ = ShortLivedClient(expiry);
  SeekRequest request = Accept(Request(kOldest, At(kDeliverForever)));
  ASSERT_NE(request.channel, nullptr);
  EXPECT_EQ(request.requester, "Org1MSP");
  // Second precision: X.509 times have no fraction.
  EXPECT_LE(request.access.expires_at(), expiry);
  EXPECT_GT(request.access.expires_at(), expiry - std::chrono::seconds(1));
  DeliverCursor cursor(std::move(request));
  for (uint64_t number = 0; number < kHeight; ++number) {
    DeliverCursor::Step step = cursor.TryNext();
    ASSERT_EQ(step.kind, Kind::kBlock) << common::Status_Name(step.status.status) << ": " << step.status.info;
    EXPECT_EQ(step.number, number);
  }
  EXPECT_EQ(cursor.TryNext().kind, Kind::kWait);

  // Still valid a minute before expiry: the waiting stream gets the block.
  now_ = expiry - std::chrono::minutes(1);
  std::thread appender([this] { AppendBlock(); });
  DeliverCursor::Step step = cursor.Next(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  appender.join();
  ASSERT_EQ(step.kind, Kind::kBlock) << step.status.info;
  EXPECT_EQ(step.number, kHeight);

  // Past expiry the next block is not sent: the request ends FORBIDDEN.
  now_ = expiry + std::chrono::minutes(1);
  AppendBlock();
  step = cursor.TryNext();
  ASSERT_EQ(step.kind, Kind::kDone);
  EXPECT_EQ(step.status.status, common::FORBIDDEN) << common::Status_Name(step.status.status);
  EXPECT_NE(step.status.info.find("Org1MSP"), std::string::npos) << step.status.info;
  EXPECT_NE(step.status.info.find("may no longer read channel mychannel: its certificate expired at"),
            std::string::npos)
      << step.status.info;
  EXPECT_EQ(cursor.TryNext().kind, Kind::kDone);  // over for good
}

TEST_F(DeliverHandlerTest, ExpiryIsJudgedBeforeEachBlockOfAFailIfNotReadyRequestToo) {
  const crypto::Clock::time_point expiry = now_ + std::chrono::hours(1);
  reader_ = ShortLivedClient(expiry);
  DeliverCursor cursor(Accept(Request(kOldest, kNewest, SeekInfo::FAIL_IF_NOT_READY)));
  ASSERT_EQ(cursor.TryNext().kind, Kind::kBlock);
  now_ = expiry + std::chrono::seconds(1);
  DeliverCursor::Step step = cursor.TryNext();
  ASSERT_EQ(step.kind, Kind::kDone);
  EXPECT_EQ(step.status.status, common::FORBIDDEN) << step.status.info;
}

TEST_F(DeliverHandlerTest, UnexpiredRequesterKeepsReceiving) {
  reader_ = ShortLivedClient(now_ + std::chrono::hours(24 * 30));
  DeliverCursor cursor(Accept(Request(At(kHeight - 1), At(kDeliverForever))));
  ASSERT_EQ(cursor.TryNext().kind, Kind::kBlock);
  // A block a week for four weeks, the last two days before expiry.
  for (int week = 1; week <= 4; ++week) {
    now_ += std::chrono::hours(24 * 7);
    AppendBlock();
    DeliverCursor::Step step = cursor.TryNext();
    ASSERT_EQ(step.kind, Kind::kBlock) << "week " << week << ": " << step.status.info;
  }
  EXPECT_EQ(cursor.TryNext().kind, Kind::kWait);
}

TEST_F(DeliverHandlerTest, ConfigChangeRechecksReaders) {
  DeliverCursor cursor(Accept(Request(At(kHeight - 1), At(kDeliverForever))));
  ASSERT_EQ(cursor.TryNext().kind, Kind::kBlock);

  // A new config under which Org1 still reads: the stream goes on.
  channel_->set_policy_manager(PoliciesWithout(""));
  AppendBlock();
  DeliverCursor::Step step = cursor.TryNext();
  ASSERT_EQ(step.kind, Kind::kBlock) << step.status.info;

  // Org1 removed from the channel: the next block is refused.
  channel_->set_policy_manager(PoliciesWithout("Org1"));
  AppendBlock();
  step = cursor.TryNext();
  ASSERT_EQ(step.kind, Kind::kDone);
  EXPECT_EQ(step.status.status, common::FORBIDDEN);
  EXPECT_NE(step.status.info.find("may no longer read channel mychannel after a config change"),
            std::string::npos)
      << step.status.info;
  EXPECT_NE(step.status.info.find("unknown MSP"), std::string::npos) << step.status.info;
}

TEST_F(DeliverHandlerTest, OtherReadersAreUnaffectedByAnOrgsRemoval) {
  reader_ = network_->PeerSigner("Org2").value();
  DeliverCursor cursor(Accept(Request(At(kHeight - 1), At(kDeliverForever))));
  ASSERT_EQ(cursor.TryNext().kind, Kind::kBlock);
  channel_->set_policy_manager(PoliciesWithout("Org1"));
  AppendBlock();
  DeliverCursor::Step step = cursor.TryNext();
  EXPECT_EQ(step.kind, Kind::kBlock) << step.status.info;
}

}  // namespace
}  // namespace loom::orderer
