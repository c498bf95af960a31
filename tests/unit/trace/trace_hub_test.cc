#include "core/trace/trace_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

namespace loom::trace {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

steady_clock::time_point Soon() {
  return steady_clock::now() + seconds(10);
}

loom::TraceEvent Event(std::string channel, std::string tx_id,
                       loom::TraceEvent::Phase phase = loom::TraceEvent::BROADCAST_ACCEPTED) {
  loom::TraceEvent event;
  event.set_channel(std::move(channel));
  event.set_tx_id(std::move(tx_id));
  event.set_phase(phase);
  event.set_start_unix_nanos(UnixNanosNow());
  event.set_end_unix_nanos(event.start_unix_nanos());
  return event;
}

TraceHubOptions Options(size_t replay_capacity = 64) {
  TraceHubOptions options;
  options.node = "orderer0";
  options.incarnation = 42;
  options.replay_capacity = replay_capacity;
  return options;
}

std::vector<TraceDelivery> Drain(TraceSubscription& subscription) {
  std::vector<TraceDelivery> out;
  while (auto delivery = subscription.TryNext()) out.push_back(std::move(*delivery));
  return out;
}

TEST(TraceHub, StampsNodeIncarnationAndSequence) {
  TraceHub hub(Options());
  auto subscription = hub.Subscribe({});
  loom::TraceEvent event = Event("ch", "tx1");
  event.set_node("forged");
  event.set_sequence(99);
  event.set_dropped_before(7);
  EXPECT_EQ(hub.Publish(event), 1u);
  EXPECT_EQ(hub.Publish(Event("ch", "tx2")), 2u);

  std::vector<TraceDelivery> got = Drain(*subscription);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].event->node(), "orderer0");
  EXPECT_EQ(got[0].event->incarnation(), 42u);
  EXPECT_EQ(got[0].event->sequence(), 1u);
  EXPECT_EQ(got[0].event->dropped_before(), 0u);
  EXPECT_EQ(got[0].event->tx_id(), "tx1");
  EXPECT_EQ(got[1].event->sequence(), 2u);
  // Both subscribers and the buffer share one immutable event.
  EXPECT_EQ(hub.Buffered({}).front().get(), got[0].event.get());
}

TEST(TraceHub, DefaultIncarnationIsCreationTime) {
  int64_t before = UnixNanosNow();
  TraceHub hub(TraceHubOptions{.node = "peer0"});
  EXPECT_GE(static_cast<int64_t>(hub.incarnation()), before);
  EXPECT_LE(static_cast<int64_t>(hub.incarnation()), UnixNanosNow());
}

TEST(TraceHub, FansOutEveryEventToEverySubscriberInSequenceOrder) {
  TraceHub hub(Options());
  constexpr int kPublishers = 4;
  constexpr int kPerPublisher = 500;
  constexpr int kSubscribers = 3;
  std::vector<std::unique_ptr<TraceSubscription>> subscriptions;
  for (int i = 0; i < kSubscribers; ++i) {
    subscriptions.push_back(hub.Subscribe({.queue_capacity = kPublishers * kPerPublisher}));
  }

  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&hub, p] {
      for (int i = 0; i < kPerPublisher; ++i) {
        hub.Publish(Event("ch", std::to_string(p) + "/" + std::to_string(i)));
      }
    });
  }
  for (auto& thread : publishers) thread.join();

  for (auto& subscription : subscriptions) {
    std::vector<TraceDelivery> got = Drain(*subscription);
    ASSERT_EQ(got.size(), static_cast<size_t>(kPublishers * kPerPublisher));
    std::map<int, int> next_index;  // publisher -> the index it should publish next
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].event->sequence(), i + 1);  // no gap, no duplicate, in order
      EXPECT_EQ(got[i].dropped_before, 0u);
      // Each publisher's events arrive in the order it published them.
      const std::string& tx_id = got[i].event->tx_id();
      size_t slash = tx_id.find('/');
      int& expected = next_index[std::stoi(tx_id.substr(0, slash))];
      EXPECT_EQ(std::stoi(tx_id.substr(slash + 1)), expected);
      ++expected;
    }
    EXPECT_EQ(subscription->dropped_total(), 0u);
  }
  EXPECT_EQ(hub.Status().last_sequence(), static_cast<uint64_t>(kPublishers * kPerPublisher));
}

TEST(TraceHub, SlowSubscriberDropsAreCountedAndReportedOnTheNextEvent) {
  TraceHub hub(Options());
  auto slow = hub.Subscribe({.queue_capacity = 4});
  auto fast = hub.Subscribe({.queue_capacity = 100});
  for (int i = 1; i <= 10; ++i) hub.Publish(Event("ch", "tx" + std::to_string(i)));

  EXPECT_EQ(slow->queued(), 4u);
  EXPECT_EQ(slow->dropped_total(), 6u);
  std::vector<TraceDelivery> first = Drain(*slow);
  ASSERT_EQ(first.size(), 4u);
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].event->sequence(), i + 1);
    EXPECT_EQ(first[i].dropped_before, 0u);
  }
  hub.Publish(Event("ch", "tx11"));
  std::vector<TraceDelivery> next = Drain(*slow);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].event->sequence(), 11u);
  EXPECT_EQ(next[0].dropped_before, 6u);  // sequences 5..10
  loom::TraceEvent copy;
  next[0].CopyTo(&copy);
  EXPECT_EQ(copy.dropped_before(), 6u);
  EXPECT_EQ(copy.tx_id(), "tx11");
  EXPECT_EQ(next[0].event->dropped_before(), 0u);  // the shared event is untouched

  // The other subscriber was not affected.
  std::vector<TraceDelivery> all = Drain(*fast);
  ASSERT_EQ(all.size(), 11u);
  for (const TraceDelivery& delivery : all) EXPECT_EQ(delivery.dropped_before, 0u);
  EXPECT_EQ(hub.Status().dropped_total(), 6u);

  // Drops stay counted after the slow subscriber leaves.
  slow.reset();
  EXPECT_EQ(hub.Status().dropped_total(), 6u);
}

TEST(TraceHub, QueueCapacityIsCappedByTheHub) {
  TraceHubOptions options = Options();
  options.max_queue_capacity = 3;
  TraceHub hub(options);
  auto subscription = hub.Subscribe({.queue_capacity = 1000});
  for (int i = 0; i < 5; ++i) hub.Publish(Event("ch", "tx"));
  EXPECT_EQ(subscription->queued(), 3u);
  EXPECT_EQ(subscription->dropped_total(), 2u);
}

TEST(TraceHub, DestroyingTheHandleUnsubscribes) {
  TraceHub hub(Options());
  std::atomic<int> calls = 0;
  auto subscription = hub.Subscribe({.on_ready = [&] { ++calls; }});
  EXPECT_EQ(hub.subscriber_count(), 1u);
  EXPECT_FALSE(subscription->TryNext().has_value());  // arms on_ready
  subscription.reset();
  EXPECT_EQ(hub.subscriber_count(), 0u);
  hub.Publish(Event("ch", "tx"));
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(hub.Status().subscribers(), 0u);
}

TEST(TraceHub, OnReadyFiresOncePerArming) {
  TraceHub hub(Options());
  std::atomic<int> calls = 0;
  auto subscription = hub.Subscribe({.on_ready = [&] { ++calls; }});
  hub.Publish(Event("ch", "tx1"));
  EXPECT_EQ(calls.load(), 0);  // never armed: the consumer has not looked yet
  ASSERT_TRUE(subscription->TryNext().has_value());
  EXPECT_FALSE(subscription->TryNext().has_value());  // empty: armed
  hub.Publish(Event("ch", "tx2"));
  EXPECT_EQ(calls.load(), 1);
  hub.Publish(Event("ch", "tx3"));
  EXPECT_EQ(calls.load(), 1);  // not re-armed until the queue is seen empty
  EXPECT_EQ(Drain(*subscription).size(), 2u);
  hub.Publish(Event("ch", "tx4"));
  EXPECT_EQ(calls.load(), 2);
}

TEST(TraceHub, OnReadyMayTakeEventsFromInsideTheCallback) {
  TraceHub hub(Options());
  std::vector<std::string> seen;
  std::unique_ptr<TraceSubscription> subscription;
  subscription = hub.Subscribe({.on_ready = [&] {
    while (auto delivery = subscription->TryNext()) seen.push_back(delivery->event->tx_id());
  }});
  EXPECT_FALSE(subscription->TryNext().has_value());
  hub.Publish(Event("ch", "a"));
  hub.Publish(Event("ch", "b"));
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

// Handler contract: once the handle's destructor returns, on_ready is never
// called again, even with publishers running on other threads.
TEST(TraceHub, NoCallbackAfterTheHandleIsDestroyed) {
  TraceHub hub(Options());
  std::atomic<bool> stop = false;
  std::thread publisher([&] {
    while (!stop.load()) hub.Publish(Event("ch", "tx"));
  });
  std::atomic<int> late_calls = 0;
  for (int round = 0; round < 300; ++round) {
    auto alive = std::make_shared<std::atomic<bool>>(true);
    auto subscription = hub.Subscribe({.queue_capacity = 2, .on_ready = [alive, &late_calls] {
                                         if (!alive->load()) ++late_calls;
                                       }});
    for (int i = 0; i < 3; ++i) {
      while (subscription->TryNext()) {
      }
    }
    subscription.reset();
    alive->store(false);
  }
  stop.store(true);
  publisher.join();
  EXPECT_EQ(late_calls.load(), 0);
  EXPECT_EQ(hub.subscriber_count(), 0u);
}

TEST(TraceHub, FiltersSelectWhatASubscriberReceives) {
  TraceHub hub(Options());
  loom::EventFilter filter;
  filter.add_channels("ch1");
  filter.add_phases(loom::TraceEvent::BROADCAST_ACCEPTED);
  filter.add_phases(loom::TraceEvent::BLOCK_CUT);
  auto filtered = hub.Subscribe({.filter = filter});

  hub.Publish(Event("ch1", "a", loom::TraceEvent::BROADCAST_ACCEPTED));
  hub.Publish(Event("ch2", "b", loom::TraceEvent::BROADCAST_ACCEPTED));
  hub.Publish(Event("ch1", "c", loom::TraceEvent::BROADCAST_REJECTED));
  hub.Publish(Event("ch1", "", loom::TraceEvent::BLOCK_CUT));

  std::vector<TraceDelivery> got = Drain(*filtered);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].event->tx_id(), "a");
  EXPECT_EQ(got[1].event->phase(), loom::TraceEvent::BLOCK_CUT);
  EXPECT_EQ(got[1].event->sequence(), 4u);
  // Events filtered out are not drops.
  EXPECT_EQ(got[1].dropped_before, 0u);
}

TEST(TraceHub, ReplayStartsWithBufferedEventsThenLiveOnes) {
  TraceHub hub(Options());
  for (int i = 1; i <= 5; ++i) hub.Publish(Event("ch", "tx" + std::to_string(i)));

  auto all = hub.Subscribe({.replay = true});
  EXPECT_EQ(all->start_sequence(), 5u);
  auto from_three = hub.Subscribe({.replay = true, .replay_from_sequence = 3});
  auto live_only = hub.Subscribe({});
  hub.Publish(Event("ch", "tx6"));

  auto sequences = [](TraceSubscription& subscription) {
    std::vector<uint64_t> out;
    for (const TraceDelivery& delivery : Drain(subscription)) out.push_back(delivery.event->sequence());
    return out;
  };
  EXPECT_EQ(sequences(*all), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(sequences(*from_three), (std::vector<uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(sequences(*live_only), (std::vector<uint64_t>{6}));
}

TEST(TraceHub, ReplayReportsSequencesNoLongerBuffered) {
  TraceHub hub(Options(/*replay_capacity=*/4));
  for (int i = 1; i <= 10; ++i) hub.Publish(Event("ch", "tx" + std::to_string(i)));
  EXPECT_EQ(hub.Status().oldest_buffered_sequence(), 7u);

  auto subscription = hub.Subscribe({.replay = true, .replay_from_sequence = 5});
  std::vector<TraceDelivery> got = Drain(*subscription);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].event->sequence(), 7u);
  EXPECT_EQ(got[0].dropped_before, 2u);  // 5 and 6 are gone
  EXPECT_EQ(got[1].dropped_before, 0u);
  EXPECT_EQ(got[3].event->sequence(), 10u);
}

TEST(TraceHub, ReplayIsNotLimitedByTheLiveQueueCapacity) {
  TraceHub hub(Options(/*replay_capacity=*/16));
  for (int i = 0; i < 10; ++i) hub.Publish(Event("ch", "tx"));
  auto subscription = hub.Subscribe({.queue_capacity = 2, .replay = true});
  EXPECT_EQ(subscription->queued(), 10u);
  EXPECT_EQ(subscription->dropped_total(), 0u);
}

TEST(TraceHub, ReplayAppliesTheFilter) {
  TraceHub hub(Options());
  hub.Publish(Event("ch1", "a"));
  hub.Publish(Event("ch2", "b"));
  loom::EventFilter filter;
  filter.add_tx_ids("b");
  auto subscription = hub.Subscribe({.filter = filter, .replay = true});
  std::vector<TraceDelivery> got = Drain(*subscription);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event->tx_id(), "b");
}

TEST(TraceHub, ShutdownFinishesSubscriptionsAfterTheQueueDrains) {
  TraceHub hub(Options());
  std::atomic<int> calls = 0;
  auto subscription = hub.Subscribe({.on_ready = [&] { ++calls; }});
  hub.Publish(Event("ch", "tx1"));
  EXPECT_FALSE(subscription->finished());
  hub.Shutdown();
  EXPECT_FALSE(subscription->finished());  // one event still queued
  ASSERT_TRUE(subscription->TryNext().has_value());
  EXPECT_TRUE(subscription->finished());
  EXPECT_FALSE(subscription->WaitNext(Soon()).has_value());  // returns at once

  // Armed consumers are told that the subscription finished.
  TraceHub hub2(Options());
  auto armed = hub2.Subscribe({.on_ready = [&] { ++calls; }});
  EXPECT_FALSE(armed->TryNext().has_value());
  hub2.Shutdown();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_TRUE(armed->finished());

  // Later events are buffered and numbered but reach no subscriber.
  hub.Publish(Event("ch", "tx2"));
  EXPECT_FALSE(subscription->TryNext().has_value());
  auto late = hub.Subscribe({.replay = true});
  EXPECT_EQ(Drain(*late).size(), 2u);
  EXPECT_TRUE(late->finished());
}

TEST(TraceHub, SubscriptionMayOutliveTheHub) {
  auto hub = std::make_unique<TraceHub>(Options());
  auto subscription = hub->Subscribe({});
  hub->Publish(Event("ch", "tx"));
  hub.reset();
  ASSERT_TRUE(subscription->TryNext().has_value());
  EXPECT_TRUE(subscription->finished());
}

TEST(TraceHub, WaitNextWakesUpForAnEventFromAnotherThread) {
  TraceHub hub(Options());
  auto subscription = hub.Subscribe({});
  std::thread publisher([&] { hub.Publish(Event("ch", "late")); });
  std::optional<TraceDelivery> delivery = subscription->WaitNext(Soon());
  publisher.join();
  ASSERT_TRUE(delivery.has_value());
  EXPECT_EQ(delivery->event->tx_id(), "late");
  EXPECT_FALSE(subscription->WaitNext(steady_clock::now()).has_value());
}

TEST(TraceHub, BufferedReturnsTheMostRecentMatchingEventsOldestFirst) {
  TraceHub hub(Options(/*replay_capacity=*/5));
  for (int i = 1; i <= 8; ++i) hub.Publish(Event(i % 2 == 0 ? "even" : "odd", "tx" + std::to_string(i)));
  auto tx_ids = [](const std::vector<std::shared_ptr<const loom::TraceEvent>>& events) {
    std::vector<std::string> out;
    for (const auto& event : events) out.push_back(event->tx_id());
    return out;
  };
  EXPECT_EQ(tx_ids(hub.Buffered({})), (std::vector<std::string>{"tx4", "tx5", "tx6", "tx7", "tx8"}));
  loom::EventFilter even;
  even.add_channels("even");
  EXPECT_EQ(tx_ids(hub.Buffered(even)), (std::vector<std::string>{"tx4", "tx6", "tx8"}));
  EXPECT_EQ(tx_ids(hub.Buffered(even, 2)), (std::vector<std::string>{"tx6", "tx8"}));

  loom::TraceStatus status = hub.Status();
  EXPECT_EQ(status.node(), "orderer0");
  EXPECT_EQ(status.incarnation(), 42u);
  EXPECT_EQ(status.last_sequence(), 8u);
  EXPECT_EQ(status.oldest_buffered_sequence(), 4u);
  EXPECT_EQ(status.buffer_capacity(), 5u);
}

TEST(TraceHub, WaitForSubscriberCount) {
  TraceHub hub(Options());
  EXPECT_TRUE(hub.WaitForSubscriberCount(0, steady_clock::now()));
  EXPECT_FALSE(hub.WaitForSubscriberCount(1, steady_clock::now() + std::chrono::milliseconds(1)));
  std::unique_ptr<TraceSubscription> subscription;
  std::thread subscriber([&] { subscription = hub.Subscribe({}); });
  EXPECT_TRUE(hub.WaitForSubscriberCount(1, Soon()));
  subscriber.join();
  subscription.reset();
  EXPECT_TRUE(hub.WaitForSubscriberCount(0, Soon()));
}

}  // namespace
}  // namespace loom::trace
