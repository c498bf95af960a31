// loom.Observer end to end: a real gRPC server on 127.0.0.1 (ephemeral port)
// and real clients of the generated stub.
#include "core/trace/observer_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "core/trace/trace_hub.h"
#include "loom/observer.grpc.pb.h"

namespace loom::trace {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

loom::TraceEvent Event(const std::string& channel, const std::string& tx_id) {
  loom::TraceEvent event;
  event.set_channel(channel);
  event.set_tx_id(tx_id);
  event.set_phase(loom::TraceEvent::BROADCAST_ACCEPTED);
  event.mutable_broadcast()->set_envelope_bytes(3000);
  return event;
}

std::string Metadata(const grpc::ClientContext& context, const std::string& key) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find(key);
  return it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
}

class ObserverServiceTest : public ::testing::Test {
 protected:
  ObserverServiceTest() : hub_(TraceHubOptions{.node = "orderer0", .incarnation = 7}), service_(&hub_) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.grpc_service());
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_GT(port_, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
    stub_ = loom::Observer::NewStub(channel_);
  }

  ~ObserverServiceTest() override {
    hub_.Shutdown();  // ends the Watch streams still open
    server_->Shutdown(std::chrono::system_clock::now() + seconds(5));
  }

  static void SetDeadline(grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() + seconds(30));
  }

  TraceHub hub_;
  ObserverService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<loom::Observer::Stub> stub_;
};

TEST_F(ObserverServiceTest, WatchStreamsEventsPublishedAfterSubscribingUntilCancelled) {
  hub_.Publish(Event("ch1", "before"));  // not replayed: the request does not ask

  grpc::ClientContext context;
  SetDeadline(&context);
  loom::WatchRequest request;
  request.mutable_filter()->add_channels("ch1");
  std::unique_ptr<grpc::ClientReader<loom::TraceEvent>> reader = stub_->Watch(&context, request);
  reader->WaitForInitialMetadata();  // the subscription is live now
  EXPECT_EQ(Metadata(context, "loom-trace-node"), "orderer0");
  EXPECT_EQ(Metadata(context, "loom-trace-incarnation"), "7");
  EXPECT_EQ(Metadata(context, "loom-trace-last-sequence"), "1");
  EXPECT_EQ(hub_.subscriber_count(), 1u);

  hub_.Publish(Event("ch1", "tx-a"));
  hub_.Publish(Event("ch2", "other-channel"));
  hub_.Publish(Event("ch1", "tx-b"));

  loom::TraceEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.tx_id(), "tx-a");
  EXPECT_EQ(event.node(), "orderer0");
  EXPECT_EQ(event.incarnation(), 7u);
  EXPECT_EQ(event.sequence(), 2u);
  EXPECT_EQ(event.broadcast().envelope_bytes(), 3000u);
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.tx_id(), "tx-b");
  EXPECT_EQ(event.sequence(), 4u);
  EXPECT_EQ(event.dropped_before(), 0u);

  context.TryCancel();
  while (reader->Read(&event)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server side ended too: its subscription is gone.
  EXPECT_TRUE(hub_.WaitForSubscriberCount(0, steady_clock::now() + seconds(10)));
}

TEST_F(ObserverServiceTest, WatchReplaysTheBufferThenContinuesLive) {
  for (int i = 1; i <= 3; ++i) hub_.Publish(Event("ch", "old" + std::to_string(i)));

  grpc::ClientContext context;
  SetDeadline(&context);
  loom::WatchRequest request;
  request.set_replay(true);
  request.set_replay_from_sequence(2);
  auto reader = stub_->Watch(&context, request);
  reader->WaitForInitialMetadata();
  hub_.Publish(Event("ch", "new"));

  std::vector<std::string> tx_ids;
  loom::TraceEvent event;
  for (int i = 0; i < 3 && reader->Read(&event); ++i) tx_ids.push_back(event.tx_id());
  EXPECT_EQ(tx_ids, (std::vector<std::string>{"old2", "old3", "new"}));
  context.TryCancel();
  while (reader->Read(&event)) {
  }
  reader->Finish();
}

TEST_F(ObserverServiceTest, HubShutdownEndsTheStreamWithOkAfterQueuedEvents) {
  grpc::ClientContext context;
  SetDeadline(&context);
  auto reader = stub_->Watch(&context, loom::WatchRequest{});
  reader->WaitForInitialMetadata();
  hub_.Publish(Event("ch", "last"));
  hub_.Shutdown();

  loom::TraceEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.tx_id(), "last");
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(ObserverServiceTest, ManyWatchersSeeEveryEventInOrderFromConcurrentPublishers) {
  constexpr int kWatchers = 3;
  constexpr int kPublishers = 2;
  constexpr int kPerPublisher = 300;
  constexpr int kTotal = kPublishers * kPerPublisher;

  struct Watcher {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<loom::TraceEvent>> reader;
  };
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < kWatchers; ++i) {
    auto watcher = std::make_unique<Watcher>();
    SetDeadline(&watcher->context);
    loom::WatchRequest request;
    request.set_queue_capacity(kTotal);  // no drops: this test is about ordering
    watcher->reader = stub_->Watch(&watcher->context, request);
    watcher->reader->WaitForInitialMetadata();
    watchers.push_back(std::move(watcher));
  }

  std::vector<std::thread> readers;
  std::vector<std::vector<uint64_t>> sequences(kWatchers);
  for (int i = 0; i < kWatchers; ++i) {
    readers.emplace_back([&, i] {
      loom::TraceEvent event;
      while (sequences[i].size() < kTotal && watchers[i]->reader->Read(&event)) {
        sequences[i].push_back(event.sequence());
      }
    });
  }
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&, p] {
      for (int i = 0; i < kPerPublisher; ++i)
        hub_.Publish(Event("ch", std::to_string(p) + "/" + std::to_string(i)));
    });
  }
  for (auto& thread : publishers) thread.join();
  for (auto& thread : readers) thread.join();

  for (int i = 0; i < kWatchers; ++i) {
    ASSERT_EQ(sequences[i].size(), static_cast<size_t>(kTotal)) << "watcher " << i;
    for (int j = 0; j < kTotal; ++j) EXPECT_EQ(sequences[i][j], static_cast<uint64_t>(j + 1));
    watchers[i]->context.TryCancel();
    loom::TraceEvent event;
    while (watchers[i]->reader->Read(&event)) {
    }
    watchers[i]->reader->Finish();
  }
  EXPECT_TRUE(hub_.WaitForSubscriberCount(0, steady_clock::now() + seconds(10)));
}

TEST_F(ObserverServiceTest, SnapshotReturnsStatusAndBufferedEvents) {
  for (int i = 1; i <= 4; ++i) hub_.Publish(Event(i <= 2 ? "a" : "b", "tx" + std::to_string(i)));

  grpc::ClientContext context;
  SetDeadline(&context);
  loom::SnapshotRequest request;
  request.mutable_filter()->add_channels("b");
  loom::TraceSnapshot snapshot;
  grpc::Status status = stub_->Snapshot(&context, request, &snapshot);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(snapshot.status().node(), "orderer0");
  EXPECT_EQ(snapshot.status().incarnation(), 7u);
  EXPECT_EQ(snapshot.status().last_sequence(), 4u);
  EXPECT_EQ(snapshot.status().oldest_buffered_sequence(), 1u);
  ASSERT_EQ(snapshot.events_size(), 2);
  EXPECT_EQ(snapshot.events(0).tx_id(), "tx3");
  EXPECT_EQ(snapshot.events(1).tx_id(), "tx4");

  grpc::ClientContext limited_context;
  SetDeadline(&limited_context);
  loom::SnapshotRequest limited;
  limited.set_max_events(1);
  ASSERT_TRUE(stub_->Snapshot(&limited_context, limited, &snapshot).ok());
  ASSERT_EQ(snapshot.events_size(), 1);
  EXPECT_EQ(snapshot.events(0).sequence(), 4u);
}

}  // namespace
}  // namespace loom::trace
