// A Deliver stream over gRPC (the real AtomicBroadcast service) whose
// requester's certificate expires while it waits for blocks: the blocks
// before expiry arrive, then DeliverResponse.status FORBIDDEN ends the
// stream and the orderer logs why. An unexpired requester keeps receiving.
// The orderer's clock is injected; nothing sleeps.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/ledger/block_store.h"
#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/broadcast_handler.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/block.h"
#include "core/util/worker_pool.h"
#include "orderer/ab.grpc.pb.h"
#include "tests/support/atomic_broadcast_server.h"
#include "tests/support/orderer_network.h"
#include "tests/support/orderer_network_suite.h"
#include "tests/unit/orderer_node/short_lived_client.h"
#include "tests/unit/orderer_node/test_channel.h"

namespace loom::orderer {
namespace {

using loom::testing::OrdererNetwork;
using loom::testing::ScratchDir;
using testing::TestChannel;
using Clock = crypto::Clock;

class DeliverStreamTest : public loom::testing::OrdererNetworkSuite<DeliverStreamTest> {
 protected:
  void SetUp() override {
    store_dir_ = std::make_unique<ScratchDir>("loom_deliver_stream_store");
    channel_ = TestChannel::Create(*network_, store_dir_->Path("store"));
    ASSERT_TRUE(registry_.Add(channel_).ok());
    while (channel_->block_store().Height() < 3) AppendBlock();

    server_ = std::make_unique<loom::testing::AtomicBroadcastServer>(
        &registry_, grpc::InsecureServerCredentials(), AtomicBroadcastOptions{}, [this] { return Now(); });
    stub_ = ::orderer::AtomicBroadcast::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_.reset(); }

  Clock::time_point Now() const { return Clock::time_point(Clock::duration(now_ticks_.load())); }
  void SetNow(Clock::time_point now) { now_ticks_.store(now.time_since_epoch().count()); }

  // Appends a block and wakes the streams waiting for it.
  void AppendBlock() {
    ledger::BlockStore& store = channel_->mutable_store();
    uint64_t number = store.Height();
    common::Block block =
        protocol::NewBlock(number, store.LastHeaderHash(), {"envelope " + std::to_string(number)});
    ASSERT_TRUE(store.Append(block).ok());
    channel_->NotifyListeners();
  }

  // Opens a Deliver stream that asks, as `signer`, for every block forever.
  std::unique_ptr<grpc::ClientReaderWriter<common::Envelope, ::orderer::DeliverResponse>> OpenForever(
      grpc::ClientContext* context, const protocol::Signer& signer) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stream = stub_->Deliver(context);
    auto seek = CreateSeekEnvelope("mychannel", signer,
                                   MakeSeekInfo(SeekPoint::Oldest(), SeekPoint::Number(kDeliverForever),
                                                ::orderer::SeekInfo::BLOCK_UNTIL_READY));
    EXPECT_TRUE(seek.ok()) << seek.status().ToString();
    EXPECT_TRUE(stream->Write(*seek));
    return stream;
  }

  // Reads one response: the block's number, or -1 - status for a status.
  static int64_t ReadOne(grpc::ClientReaderWriter<common::Envelope, ::orderer::DeliverResponse>& stream) {
    ::orderer::DeliverResponse response;
    if (!stream.Read(&response)) {
      ADD_FAILURE() << "the stream ended without a response";
      return -1000;
    }
    if (response.has_block()) return static_cast<int64_t>(response.block().header().number());
    return -1 - static_cast<int64_t>(response.status());
  }
  static constexpr int64_t StatusCode(common::Status status) { return -1 - static_cast<int64_t>(status); }

  std::atomic<Clock::rep> now_ticks_{Clock::now().time_since_epoch().count()};
  std::unique_ptr<ScratchDir> store_dir_;
  ChannelRegistry registry_;
  std::shared_ptr<TestChannel> channel_;
  std::unique_ptr<loom::testing::AtomicBroadcastServer> server_;
  std::unique_ptr<::orderer::AtomicBroadcast::Stub> stub_;
};

TEST_F(DeliverStreamTest, ExpiredRequesterGetsForbiddenAndTheStreamEnds) {
  const Clock::time_point expiry = Now() + std::chrono::hours(2);
  auto client =
      testing::ShortLivedClient(*network_, "Org1", "Brief", Now() - std::chrono::minutes(5), expiry);
  grpc::ClientContext context;
  auto stream = OpenForever(&context, *client);
  for (int64_t number = 0; number < 3; ++number) EXPECT_EQ(ReadOne(*stream), number);

  // The stream now waits. A block appended an hour before expiry is sent.
  SetNow(expiry - std::chrono::hours(1));
  AppendBlock();
  EXPECT_EQ(ReadOne(*stream), 3);

  ::testing::internal::CaptureStderr();
  SetNow(expiry + std::chrono::seconds(1));
  AppendBlock();
  EXPECT_EQ(ReadOne(*stream), StatusCode(common::FORBIDDEN));
  ::orderer::DeliverResponse after;
  EXPECT_FALSE(stream->Read(&after)) << "the stream goes on after FORBIDDEN";
  grpc::Status finished = stream->Finish();
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  EXPECT_NE(log.find("loom-orderer: channel mychannel: Deliver ended FORBIDDEN: Org1MSP"), std::string::npos)
      << log;
  EXPECT_NE(log.find("Brief@org1.example.com"), std::string::npos) << log;
  EXPECT_NE(log.find("its certificate expired at"), std::string::npos) << log;
}

TEST_F(DeliverStreamTest, UnexpiredRequesterKeepsReceiving) {
  const Clock::time_point expiry = Now() + std::chrono::hours(2);
  auto client =
      testing::ShortLivedClient(*network_, "Org1", "Brief", Now() - std::chrono::minutes(5), expiry);
  grpc::ClientContext context;
  auto stream = OpenForever(&context, *client);
  for (int64_t number = 0; number < 3; ++number) EXPECT_EQ(ReadOne(*stream), number);
  for (int64_t number = 3; number < 6; ++number) {
    SetNow(Now() + std::chrono::minutes(30));  // 1.5 hours in by the last block
    AppendBlock();
    EXPECT_EQ(ReadOne(*stream), number);
  }
  context.TryCancel();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace loom::orderer
