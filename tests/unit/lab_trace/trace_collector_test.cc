#include "app/lab/trace_collector.h"

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "core/trace/observer_service.h"
#include "core/trace/trace_hub.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/lab_trace/trace_events.h"

namespace loom::lab {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kWait = std::chrono::seconds(20);

// A node's trace side in this process: a TraceHub served as loom.Observer on
// 127.0.0.1. The server can go down and come back on the same port, with the
// same hub (a network blip) or a new one (the node restarted).
class FakeNode {
 public:
  explicit FakeNode(std::string name, uint64_t incarnation = 1000) : name_(std::move(name)) {
    NewHub(incarnation);
    Serve("127.0.0.1:0");
  }
  ~FakeNode() { StopServer(); }

  void NewHub(uint64_t incarnation) {
    trace::TraceHubOptions options;
    options.node = name_;
    options.incarnation = incarnation;
    hub_ = std::make_unique<trace::TraceHub>(options);
  }
  void StopServer() {
    if (!server_) return;
    hub_->Shutdown();  // ends the Watch streams so the server can stop
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_.reset();
    service_.reset();
  }
  void Restart(std::optional<uint64_t> new_incarnation) {
    StopServer();
    if (new_incarnation) {
      NewHub(*new_incarnation);
    } else {
      // Same incarnation, same buffered events: a hub that was shut down
      // serves no one, so keep its events in a fresh hub with the same
      // identity, publishing them again with the same sequences.
      auto old = std::move(hub_);
      NewHub(old->incarnation());
      for (const auto& event : old->Buffered({})) hub_->Publish(*event);
    }
    Serve(address_);
  }
  void StartServer() { Serve(address_); }

  uint64_t Publish(loom::TraceEvent event) { return hub_->Publish(std::move(event)); }
  trace::TraceHub& hub() { return *hub_; }
  const std::string& address() const { return address_; }

 private:
  void Serve(const std::string& address) {
    service_ = std::make_unique<trace::ObserverService>(hub_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_->grpc_service());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    address_ = "127.0.0.1:" + std::to_string(port);
  }

  std::string name_;
  std::unique_ptr<trace::TraceHub> hub_;
  std::unique_ptr<trace::ObserverService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

NetworkEndpoints EndpointsOf(const std::vector<FakeNode*>& peers) {
  NetworkEndpoints endpoints;
  for (FakeNode* node : peers) {
    PeerEndpoint peer;
    peer.name = "node-at-" + node->address();
    peer.endpoint.address = node->address();
    endpoints.peers.push_back(peer);
  }
  return endpoints;
}

TraceCollectorOptions FastOptions() {
  TraceCollectorOptions options;
  options.initial_backoff = std::chrono::milliseconds(10);
  options.max_backoff = std::chrono::milliseconds(100);
  return options;
}

bool HasSpans(const TraceCollector& collector, const std::string& tx_id, size_t count) {
  return collector.WaitForTimeline(
      tx_id, [count](const TxTimeline& timeline) { return timeline.spans.size() >= count; },
      SteadyClock::now() + kWait);
}

TEST(TraceCollector, JoinsEventsFromSeveralNodesIncludingTheReplayBuffer) {
  FakeNode org1("peer0.org1"), org2("peer0.org2");
  // Published before the collector exists: it comes from the replay buffer.
  org1.Publish(testing::Endorsed("peer0.org1", "tx1", 10, 20));
  auto collector = TraceCollector::Start(EndpointsOf({&org1, &org2}), FastOptions());
  ASSERT_TRUE(collector.ok()) << collector.status().ToString();
  ASSERT_TRUE((*collector)->WaitUntilConnected(SteadyClock::now() + kWait));
  org2.Publish(testing::Endorsed("peer0.org2", "tx1", 11, 25));
  org1.Publish(
      testing::BlockLevel("peer0.org1", loom::TraceEvent::BLOCK_RECEIVED, 3, {"tx0", "tx1"}, 30, 30));
  ASSERT_TRUE(HasSpans(**collector, "tx1", 3));

  std::optional<TxTimeline> timeline = (*collector)->Timeline("tx1");
  ASSERT_TRUE(timeline.has_value());
  EXPECT_EQ(timeline->block_number, 3u);
  EXPECT_EQ(timeline->tx_index, 1u);
  EXPECT_EQ(timeline->spans[0].node, "peer0.org1");
  EXPECT_EQ(timeline->spans[1].node, "peer0.org2");
  EXPECT_NE((*collector)->Timeline("tx0"), std::nullopt);
  EXPECT_EQ((*collector)->events_received(), 3u);
  EXPECT_EQ((*collector)->events_lost(), 0u);
  for (const NodeTraceStatus& node : (*collector)->Nodes()) {
    EXPECT_TRUE(node.connected);
    EXPECT_EQ(node.incarnation, 1000u);
  }
}

TEST(TraceCollector, ReconnectsToARestartedNodeAndStartsItsNewIncarnationFromZero) {
  FakeNode node("peer0.org1", 1000);
  auto collector = TraceCollector::Start(EndpointsOf({&node}), FastOptions());
  ASSERT_TRUE(collector.ok());
  ASSERT_TRUE((*collector)->WaitUntilConnected(SteadyClock::now() + kWait));
  node.Publish(testing::Endorsed("peer0.org1", "before", 1, 2));
  ASSERT_TRUE(HasSpans(**collector, "before", 1));

  // Killed and started again: a new incarnation whose sequences restart at 1.
  // Its first events are published before the collector is back; the
  // collector must still get them (replay from 0, not from its old last + 1).
  node.StopServer();
  node.NewHub(2000);
  node.Publish(testing::Endorsed("peer0.org1", "after-1", 3, 4));
  node.Publish(testing::Endorsed("peer0.org1", "after-2", 5, 6));
  node.StartServer();
  ASSERT_TRUE(HasSpans(**collector, "after-1", 1));
  ASSERT_TRUE(HasSpans(**collector, "after-2", 1));
  ASSERT_TRUE((*collector)
                  ->WaitForNodes(
                      [](const std::vector<NodeTraceStatus>& nodes) {
                        return nodes[0].connected && nodes[0].last_sequence == 2;
                      },
                      SteadyClock::now() + kWait));
  NodeTraceStatus status = (*collector)->Nodes()[0];
  EXPECT_EQ(status.incarnation, 2000u);
  EXPECT_EQ(status.restarts_seen, 1u);
  EXPECT_GE(status.connections, 2u);
  EXPECT_EQ((*collector)->events_received(), 3u);
  // Live events keep flowing on the new stream.
  node.Publish(testing::Endorsed("peer0.org1", "live", 7, 8));
  ASSERT_TRUE(HasSpans(**collector, "live", 1));
}

TEST(TraceCollector, ASameIncarnationReconnectResumesAfterTheLastSequence) {
  FakeNode node("peer0.org1", 1000);
  node.Publish(testing::Endorsed("peer0.org1", "a", 1, 2));
  auto collector = TraceCollector::Start(EndpointsOf({&node}), FastOptions());
  ASSERT_TRUE(collector.ok());
  ASSERT_TRUE(HasSpans(**collector, "a", 1));
  node.Publish(testing::Endorsed("peer0.org1", "b", 3, 4));
  ASSERT_TRUE(HasSpans(**collector, "b", 1));

  node.Restart(std::nullopt);  // the stream breaks; the node keeps its incarnation and buffer
  node.Publish(testing::Endorsed("peer0.org1", "c", 5, 6));
  ASSERT_TRUE(HasSpans(**collector, "c", 1));
  // a and b were in the node's buffer again, but were not asked for twice.
  EXPECT_EQ((*collector)->events_received(), 3u);
  EXPECT_EQ((*collector)->Timeline("a")->spans.size(), 1u);
  NodeTraceStatus status = (*collector)->Nodes()[0];
  EXPECT_EQ(status.restarts_seen, 0u);
  EXPECT_EQ(status.last_sequence, 3u);
}

TEST(TraceCollector, CountsEventsTheNodeCouldNotReplay) {
  FakeNode node("peer0.org1");
  // 5000 events with the hub's default replay buffer of 4096: 904 are gone
  // before the collector asks for them.
  for (int i = 0; i < 5000; ++i)
    node.Publish(testing::Endorsed("peer0.org1", "tx" + std::to_string(i), i, i));
  auto collector = TraceCollector::Start(EndpointsOf({&node}), FastOptions());
  ASSERT_TRUE(collector.ok());
  ASSERT_TRUE(HasSpans(**collector, "tx4999", 1));
  EXPECT_EQ((*collector)->events_lost(), 904u);
  EXPECT_EQ((*collector)->events_received(), 4096u);
}

TEST(TraceCollector, StoresEveryEventAndTheStoreReloadsToTheSameTimelines) {
  loom::testing::TempDir dir("trace-collector");
  FakeNode node("peer0.org1");
  TraceCollectorOptions options = FastOptions();
  options.store_dir = dir.File("traces");
  auto collector = TraceCollector::Start(EndpointsOf({&node}), options);
  ASSERT_TRUE(collector.ok());
  for (const auto& event : testing::FlowEvents("tx", 4, testing::Flow{})) node.Publish(event);
  (*collector)->AddClientSpan("tx", kClientSubmit, 1, 2, {{"rate", "10"}}, "bench");
  ASSERT_TRUE(HasSpans(**collector, "tx", 16));
  (*collector)->Stop();
  EXPECT_TRUE((*collector)->store_status().ok());

  auto loaded = LoadTimelines(dir.File("traces"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<TxTimeline> live = (*collector)->Timelines();
  ASSERT_EQ(loaded->timelines.size(), live.size());
  ASSERT_EQ(loaded->timelines[0].spans.size(), live[0].spans.size());
  for (size_t i = 0; i < live[0].spans.size(); ++i) {
    EXPECT_EQ(loaded->timelines[0].spans[i].phase, live[0].spans[i].phase);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(loaded->timelines[0].spans[i].event(),
                                                                   live[0].spans[i].event()))
        << i;
  }
  EXPECT_EQ(loaded->timelines[0].Find("submit")->node, "bench");
}

TEST(TraceCollector, ListenersGetUpdatesUntilTheirHandleIsDestroyed) {
  FakeNode node("peer0.org1");
  auto collector = TraceCollector::Start(EndpointsOf({&node}), FastOptions());
  ASSERT_TRUE(collector.ok());
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> seen;
  auto subscription = (*collector)->OnTimelineUpdated([&](const std::vector<TxTimeline>& updated) {
    std::lock_guard lock(mutex);
    for (const TxTimeline& timeline : updated) seen.push_back(timeline.tx_id);
    changed.notify_all();
  });
  node.Publish(testing::BlockLevel("peer0.org1", loom::TraceEvent::BLOCK_RECEIVED, 1, {"x", "y"}, 1, 1));
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_until(lock, SteadyClock::now() + kWait, [&] { return !seen.empty(); }));
    EXPECT_EQ(seen, (std::vector<std::string>{"x", "y"}));
  }
  subscription.reset();
  node.Publish(testing::Endorsed("peer0.org1", "z", 1, 2));
  ASSERT_TRUE(HasSpans(**collector, "z", 1));
  (*collector)->Stop();  // every callback that was going to run has run
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.size(), 2u);
}

TEST(TraceCollector, ACallbackMayUnsubscribeItself) {
  FakeNode node("peer0.org1");
  auto collector = TraceCollector::Start(EndpointsOf({&node}), FastOptions());
  ASSERT_TRUE(collector.ok());
  std::atomic<int> calls{0};
  std::unique_ptr<TimelineSubscription> self;
  std::unique_ptr<TimelineSubscription> other;
  self = (*collector)->OnTimelineUpdated([&](const std::vector<TxTimeline>&) {
    ++calls;
    other.reset();  // the next one in line, before its turn
    self.reset();   // and this very subscription (its captures are not used after this)
  });
  other = (*collector)->OnTimelineUpdated([&](const std::vector<TxTimeline>&) { calls += 100; });
  node.Publish(testing::Endorsed("peer0.org1", "a", 1, 2));
  ASSERT_TRUE(HasSpans(**collector, "a", 1));
  node.Publish(testing::Endorsed("peer0.org1", "b", 1, 2));
  ASSERT_TRUE(HasSpans(**collector, "b", 1));
  EXPECT_EQ(calls.load(), 1);
}

TEST(TraceCollector, StopsPromptlyWhileANodeIsDown) {
  std::string address;
  {
    FakeNode gone("peer0.org1");
    address = gone.address();
  }
  NetworkEndpoints endpoints;
  endpoints.peers.push_back({"down", "Org1", "Org1MSP", {address, "", ""}, "", {}});
  auto collector = TraceCollector::Start(endpoints, FastOptions());
  ASSERT_TRUE(collector.ok());
  ASSERT_TRUE((*collector)
                  ->WaitForNodes(
                      [](const std::vector<NodeTraceStatus>& nodes) { return !nodes[0].last_error.empty(); },
                      SteadyClock::now() + kWait));
  EXPECT_FALSE((*collector)->Nodes()[0].connected);
  const auto before = SteadyClock::now();
  collector->reset();
  EXPECT_LT(SteadyClock::now() - before, std::chrono::seconds(5));
}

TEST(TraceCollector, RefusesANetworkWithoutNodes) {
  auto collector = TraceCollector::Start(NetworkEndpoints{}, FastOptions());
  ASSERT_FALSE(collector.ok());
  EXPECT_TRUE(collector.status().IsInvalidArgument());
}

}  // namespace
}  // namespace loom::lab
