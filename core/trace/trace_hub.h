// TraceHub: the in-process fan-out of one node's trace events (loom.TraceEvent)
// to its subscribers — the Observer gRPC stream, tests, local tools.
//
// Contract:
// - Publish() may be called from any thread and never blocks on a consumer:
//   each subscriber has a bounded queue; when it is full the event is dropped
//   for that subscriber only and counted, and the next event the subscriber
//   does get carries the count in dropped_before.
// - The hub stamps node, incarnation and sequence (1, 2, 3, ... in
//   publication order); every subscriber sees its events in sequence order.
// - The last `replay_capacity` events stay in a ring buffer; a subscription can
//   start with them (Subscribe with replay) with no gap or duplicate between
//   the replayed and the live events.
// - Subscribe() returns a handle; destroying it unsubscribes, and once the
//   destructor returns its on_ready callback is never called again (Bitcoin
//   Core's Handler pattern). The handle may outlive the hub.
// - Shutdown() (or the hub's destructor) finishes every subscription: the
//   consumer drains what is queued, then finished() is true.
// TraceHub and TraceSubscription are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loom/observer.pb.h"

namespace loom::trace {

// Wall clock in Unix nanoseconds, the time base of TraceEvent timestamps.
int64_t UnixNanosNow();

struct TraceHubOptions {
  std::string node = {};          // stamped on every event
  uint64_t incarnation = 0;       // 0: the hub's creation time in Unix ns
  size_t replay_capacity = 4096;  // events kept for replay and Snapshot
  size_t default_queue_capacity = 1024;
  size_t max_queue_capacity = 65536;
};

// One event handed to a subscriber. The event is shared by every subscriber
// and the ring buffer, and never changes; dropped_before is this subscriber's.
struct TraceDelivery {
  std::shared_ptr<const loom::TraceEvent> event;
  uint64_t dropped_before = 0;

  // The event as this subscriber should see it (dropped_before filled in).
  void CopyTo(loom::TraceEvent* out) const;
};

struct SubscribeOptions {
  loom::EventFilter filter = {};      // empty: every event
  size_t queue_capacity = 0;          // 0: the hub's default; capped at its maximum
  bool replay = false;                // start with the matching buffered events
  uint64_t replay_from_sequence = 0;  // with replay: sequences >= this only
  // Called when the queue goes from empty (as last seen by TryNext) to
  // non-empty, or when the subscription finishes. Runs on the publisher's
  // thread, so it must be quick and must not block; it may call TryNext().
  std::function<void()> on_ready = nullptr;
};

namespace internal {
struct HubCore;
struct SubscriberState;
}  // namespace internal

class TraceSubscription {
 public:
  ~TraceSubscription();
  TraceSubscription(const TraceSubscription&) = delete;
  TraceSubscription& operator=(const TraceSubscription&) = delete;

  // The next queued event, if any. When the queue is empty this arms on_ready:
  // the next event (or finishing) will call it once.
  std::optional<TraceDelivery> TryNext();
  // Waits for the next event until `deadline`; nullopt on timeout or when
  // finished.
  std::optional<TraceDelivery> WaitNext(std::chrono::steady_clock::time_point deadline);

  // The hub shut down and every queued event has been taken.
  bool finished() const;
  // Events published before the subscription; live events have larger ones.
  uint64_t start_sequence() const { return start_sequence_; }
  uint64_t dropped_total() const;
  size_t queued() const;

 private:
  friend class TraceHub;
  TraceSubscription(std::shared_ptr<internal::HubCore> hub, std::shared_ptr<internal::SubscriberState> state,
                    uint64_t start_sequence);

  std::shared_ptr<internal::HubCore> hub_;
  std::shared_ptr<internal::SubscriberState> state_;
  uint64_t start_sequence_;
};

class TraceHub {
 public:
  explicit TraceHub(TraceHubOptions options);
  ~TraceHub();  // Shutdown()
  TraceHub(const TraceHub&) = delete;
  TraceHub& operator=(const TraceHub&) = delete;

  // Stamps node, incarnation and sequence on `event`, buffers it and offers it
  // to every matching subscriber. Returns the sequence. After Shutdown() events
  // are still numbered and buffered, but no subscriber receives them.
  uint64_t Publish(loom::TraceEvent event);

  std::unique_ptr<TraceSubscription> Subscribe(SubscribeOptions options);

  // Finishes every subscription, present and future.
  void Shutdown();

  loom::TraceStatus Status() const;
  // Buffered events matching `filter`, oldest first; at most the `max_events`
  // most recent ones (0: no limit).
  std::vector<std::shared_ptr<const loom::TraceEvent>> Buffered(const loom::EventFilter& filter,
                                                                size_t max_events = 0) const;
  size_t subscriber_count() const;
  // Waits until exactly `count` subscriptions are live or `deadline` passes.
  // For tests and start-up ordering ("the collector is attached").
  bool WaitForSubscriberCount(size_t count, std::chrono::steady_clock::time_point deadline) const;

  const std::string& node() const;
  uint64_t incarnation() const;

 private:
  std::shared_ptr<internal::HubCore> core_;
};

}  // namespace loom::trace
