#include "core/trace/trace_hub.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "core/trace/event_filter.h"

namespace loom::trace {

int64_t UnixNanosNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void TraceDelivery::CopyTo(loom::TraceEvent* out) const {
  out->CopyFrom(*event);
  out->set_dropped_before(dropped_before);
}

namespace internal {

struct SubscriberState {
  SubscriberState(CompiledFilter filter, size_t capacity, std::function<void()> on_ready)
      : filter(std::move(filter)), capacity(capacity), on_ready(std::move(on_ready)) {}

  const CompiledFilter filter;
  const size_t capacity;
  const std::function<void()> on_ready;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<TraceDelivery> queue;  // guarded by mu
  uint64_t pending_drops = 0;       // guarded by mu; goes on the next delivery
  uint64_t dropped_total = 0;       // guarded by mu
  bool armed = false;               // guarded by mu; TryNext found the queue empty
  bool closed = false;              // guarded by mu; no more events will come

  // Held while on_ready runs, so the handle's destructor can wait for a call
  // in progress. Recursive because on_ready may (through gRPC) end up
  // destroying the handle on the same thread.
  std::recursive_mutex callback_mu;
  bool callbacks_enabled = true;  // guarded by callback_mu

  // Queues `event` (or counts it as dropped). Returns whether on_ready is due.
  bool Offer(const std::shared_ptr<const loom::TraceEvent>& event, bool bounded) {
    std::lock_guard lock(mu);
    if (closed) return false;
    if (bounded && queue.size() >= capacity) {
      ++pending_drops;
      ++dropped_total;
      return false;
    }
    queue.push_back(TraceDelivery{event, pending_drops});
    pending_drops = 0;
    cv.notify_one();
    return TakeArmed();
  }

  bool Close() {
    std::lock_guard lock(mu);
    if (closed) return false;
    closed = true;
    cv.notify_all();
    return TakeArmed();
  }

  bool TakeArmed() {
    bool was_armed = armed;
    armed = false;
    return was_armed && on_ready != nullptr;
  }

  void NotifyReady() {
    std::lock_guard lock(callback_mu);
    if (callbacks_enabled) on_ready();
  }
};

struct HubCore {
  explicit HubCore(TraceHubOptions opts) : options(std::move(opts)) {
    if (options.incarnation == 0) options.incarnation = static_cast<uint64_t>(UnixNanosNow());
    options.replay_capacity = std::max<size_t>(options.replay_capacity, 1);
    options.max_queue_capacity = std::max<size_t>(options.max_queue_capacity, 1);
    options.default_queue_capacity =
        std::clamp<size_t>(options.default_queue_capacity, 1, options.max_queue_capacity);
    ring.reserve(options.replay_capacity);
  }

  TraceHubOptions options;

  mutable std::mutex mu;
  mutable std::condition_variable subscribers_changed;
  uint64_t last_sequence = 0;                                 // guarded by mu
  std::vector<std::shared_ptr<const loom::TraceEvent>> ring;  // guarded by mu
  size_t ring_oldest = 0;  // guarded by mu; index of the oldest event once the ring is full
  std::vector<std::shared_ptr<SubscriberState>> subscribers;  // guarded by mu
  bool shut_down = false;                                     // guarded by mu
  uint64_t dropped_from_departed = 0;  // guarded by mu; drops of subscriptions already gone

  // Calls `visit` on the buffered events, oldest first.
  template <typename Visit>
  void ForEachBuffered(Visit&& visit) const {
    for (size_t i = 0; i < ring.size(); ++i) visit(ring[(ring_oldest + i) % ring.size()]);
  }

  uint64_t OldestBufferedSequence() const {
    return ring.empty() ? 0 : ring[ring_oldest % ring.size()]->sequence();
  }

  void Remove(const std::shared_ptr<SubscriberState>& state) {
    std::lock_guard lock(mu);
    auto it = std::find(subscribers.begin(), subscribers.end(), state);
    if (it == subscribers.end()) return;
    subscribers.erase(it);
    {
      std::lock_guard state_lock(state->mu);
      dropped_from_departed += state->dropped_total;
    }
    subscribers_changed.notify_all();
  }
};

}  // namespace internal

using internal::HubCore;
using internal::SubscriberState;

// --- TraceSubscription ---

TraceSubscription::TraceSubscription(std::shared_ptr<HubCore> hub, std::shared_ptr<SubscriberState> state,
                                     uint64_t start_sequence)
    : hub_(std::move(hub)), state_(std::move(state)), start_sequence_(start_sequence) {}

TraceSubscription::~TraceSubscription() {
  hub_->Remove(state_);
  // A publisher that picked this subscriber before Remove may still be about
  // to call on_ready; it checks callbacks_enabled under callback_mu.
  std::lock_guard lock(state_->callback_mu);
  state_->callbacks_enabled = false;
}

std::optional<TraceDelivery> TraceSubscription::TryNext() {
  std::lock_guard lock(state_->mu);
  if (state_->queue.empty()) {
    state_->armed = !state_->closed;
    return std::nullopt;
  }
  TraceDelivery delivery = std::move(state_->queue.front());
  state_->queue.pop_front();
  return delivery;
}

std::optional<TraceDelivery> TraceSubscription::WaitNext(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(state_->mu);
  state_->cv.wait_until(lock, deadline, [&] { return !state_->queue.empty() || state_->closed; });
  if (state_->queue.empty()) return std::nullopt;
  TraceDelivery delivery = std::move(state_->queue.front());
  state_->queue.pop_front();
  return delivery;
}

bool TraceSubscription::finished() const {
  std::lock_guard lock(state_->mu);
  return state_->closed && state_->queue.empty();
}

uint64_t TraceSubscription::dropped_total() const {
  std::lock_guard lock(state_->mu);
  return state_->dropped_total;
}

size_t TraceSubscription::queued() const {
  std::lock_guard lock(state_->mu);
  return state_->queue.size();
}

// --- TraceHub ---

TraceHub::TraceHub(TraceHubOptions options) : core_(std::make_shared<HubCore>(std::move(options))) {}

TraceHub::~TraceHub() {
  Shutdown();
}

uint64_t TraceHub::Publish(loom::TraceEvent event) {
  event.set_node(core_->options.node);
  event.set_incarnation(core_->options.incarnation);
  event.set_dropped_before(0);
  auto shared = std::make_shared<loom::TraceEvent>(std::move(event));

  uint64_t sequence;
  std::vector<std::shared_ptr<SubscriberState>> to_notify;
  {
    std::lock_guard lock(core_->mu);
    sequence = ++core_->last_sequence;
    shared->set_sequence(sequence);
    std::shared_ptr<const loom::TraceEvent> frozen = shared;
    if (core_->ring.size() < core_->options.replay_capacity) {
      core_->ring.push_back(frozen);
    } else {
      core_->ring[core_->ring_oldest] = frozen;
      core_->ring_oldest = (core_->ring_oldest + 1) % core_->ring.size();
    }
    // Offering under the hub lock keeps every subscriber's queue in sequence
    // order when several threads publish at once.
    for (const auto& subscriber : core_->subscribers) {
      if (subscriber->filter.Matches(*frozen) && subscriber->Offer(frozen, /*bounded=*/true)) {
        to_notify.push_back(subscriber);
      }
    }
  }
  for (const auto& subscriber : to_notify) subscriber->NotifyReady();
  return sequence;
}

std::unique_ptr<TraceSubscription> TraceHub::Subscribe(SubscribeOptions options) {
  const TraceHubOptions& hub_options = core_->options;
  size_t capacity = options.queue_capacity == 0
                        ? hub_options.default_queue_capacity
                        : std::min(options.queue_capacity, hub_options.max_queue_capacity);
  auto state = std::make_shared<SubscriberState>(CompiledFilter(options.filter), capacity,
                                                 std::move(options.on_ready));

  std::lock_guard lock(core_->mu);
  const uint64_t start_sequence = core_->last_sequence;
  if (options.replay) {
    const uint64_t from = options.replay_from_sequence;
    // Sequences asked for that the ring no longer holds are reported as
    // dropped on the first delivery.
    if (from > 0 && from <= core_->last_sequence) {
      uint64_t first_kept = core_->ring.empty() ? core_->last_sequence + 1 : core_->OldestBufferedSequence();
      if (from < first_kept) state->pending_drops = first_kept - from;
    }
    core_->ForEachBuffered([&](const std::shared_ptr<const loom::TraceEvent>& event) {
      if (event->sequence() >= from && state->filter.Matches(*event)) state->Offer(event, /*bounded=*/false);
    });
  }
  if (core_->shut_down) {
    state->Close();
  } else {
    core_->subscribers.push_back(state);
    core_->subscribers_changed.notify_all();
  }
  return std::unique_ptr<TraceSubscription>(new TraceSubscription(core_, std::move(state), start_sequence));
}

void TraceHub::Shutdown() {
  std::vector<std::shared_ptr<SubscriberState>> to_notify;
  {
    std::lock_guard lock(core_->mu);
    core_->shut_down = true;
    for (const auto& subscriber : core_->subscribers) {
      if (subscriber->Close()) to_notify.push_back(subscriber);
    }
  }
  for (const auto& subscriber : to_notify) subscriber->NotifyReady();
}

loom::TraceStatus TraceHub::Status() const {
  loom::TraceStatus status;
  std::lock_guard lock(core_->mu);
  status.set_node(core_->options.node);
  status.set_incarnation(core_->options.incarnation);
  status.set_last_sequence(core_->last_sequence);
  status.set_oldest_buffered_sequence(core_->OldestBufferedSequence());
  status.set_buffer_capacity(static_cast<uint32_t>(core_->options.replay_capacity));
  status.set_subscribers(static_cast<uint32_t>(core_->subscribers.size()));
  uint64_t dropped = core_->dropped_from_departed;
  for (const auto& subscriber : core_->subscribers) {
    std::lock_guard state_lock(subscriber->mu);
    dropped += subscriber->dropped_total;
  }
  status.set_dropped_total(dropped);
  return status;
}

std::vector<std::shared_ptr<const loom::TraceEvent>> TraceHub::Buffered(const loom::EventFilter& filter,
                                                                        size_t max_events) const {
  CompiledFilter compiled(filter);
  std::vector<std::shared_ptr<const loom::TraceEvent>> events;
  std::lock_guard lock(core_->mu);
  core_->ForEachBuffered([&](const std::shared_ptr<const loom::TraceEvent>& event) {
    if (compiled.Matches(*event)) events.push_back(event);
  });
  if (max_events != 0 && events.size() > max_events) {
    events.erase(events.begin(), events.end() - static_cast<std::ptrdiff_t>(max_events));
  }
  return events;
}

size_t TraceHub::subscriber_count() const {
  std::lock_guard lock(core_->mu);
  return core_->subscribers.size();
}

bool TraceHub::WaitForSubscriberCount(size_t count, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(core_->mu);
  return core_->subscribers_changed.wait_until(lock, deadline,
                                               [&] { return core_->subscribers.size() == count; });
}

const std::string& TraceHub::node() const {
  return core_->options.node;
}

uint64_t TraceHub::incarnation() const {
  return core_->options.incarnation;
}

}  // namespace loom::trace
