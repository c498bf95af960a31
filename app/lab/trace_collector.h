// TraceCollector: subscribes to every node's loom.Observer/Watch stream,
// joins the events by tx id into TxTimelines (in memory, bounded) and appends
// every raw event to the trace store (trace_store.h).
//
// Streams: one per node, each read by its own thread. The first connection
// replays the node's buffer from sequence 1. On a broken stream the thread
// reconnects with exponential backoff (initial_backoff doubling up to
// max_backoff): same incarnation → replay_from_sequence = last + 1, so nothing
// is read twice; a new incarnation (the node restarted) → from 1 again.
// Events the node could not deliver (dropped_before: this collector was slower
// than the node, or a replay asked for events already out of the node's
// buffer — including those published before the collector started) are
// counted as lost per node. The collector never slows a node down: the node's hub
// drops for a slow subscriber instead of waiting (queue_capacity asks for a
// deep queue). The Watch streams have no deadline (they are meant to live as
// long as the collector); Stop() cancels them.
//
// Clocks: span times are each node's wall clock; on one machine they agree,
// remote nodes are assumed NTP-synchronised (as the Fabric paper assumes).
//
// Thread safety: every method may be called from any thread. Listener
// callbacks run on the collector's threads (one call at a time, in event
// order per node), so they must be quick and must not call Stop() or destroy
// the collector; they may read the collector. Destroying the handle returned
// by OnTimelineUpdated unsubscribes: once the destructor returns, the callback
// is never called again. Stop() joins every thread; it is idempotent, and the
// collector may be stopped and destroyed while nodes are down.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/lab/endpoints.h"
#include "app/lab/trace_store.h"
#include "app/lab/tx_timeline.h"
#include "app/lab/tx_timeline_joiner.h"
#include "core/util/status.h"
#include "loom/observer.pb.h"

namespace loom::lab {

struct TraceCollectorOptions {
  std::string store_dir = {};  // empty: no store (memory only)
  TraceStoreOptions store = {};
  JoinerOptions joiner = {};
  loom::EventFilter filter = {};    // what to ask each node for (empty: everything)
  uint32_t queue_capacity = 65536;  // per-node queue asked for (the node caps it)
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
};

// What the collector knows about one node's stream.
struct NodeTraceStatus {
  std::string name;     // as in NetworkEndpoints
  std::string address;  // host:port
  bool connected = false;
  uint64_t incarnation = 0;    // of the node's current (or last) stream; 0: never connected
  uint64_t last_sequence = 0;  // last event received from that incarnation
  uint64_t events = 0;         // received over all connections
  uint64_t lost = 0;           // sum of dropped_before
  uint64_t connections = 0;    // successful stream starts
  uint64_t restarts_seen = 0;  // incarnation changes after the first connection
  std::string last_error;      // why the last stream ended or could not start; cleared on connecting
};

// Unsubscribes when destroyed (see the header comment).
class TimelineSubscription {
 public:
  virtual ~TimelineSubscription() = default;
};

class TraceCollector {
 public:
  using TimelineCallback = std::function<void(const std::vector<TxTimeline>& updated)>;

  // Starts one stream per orderer and peer of `endpoints`; returns at once
  // (connections happen on the collector's threads). Fails only when the
  // store cannot be opened or there is no node.
  static Result<std::unique_ptr<TraceCollector>> Start(const NetworkEndpoints& endpoints,
                                                       TraceCollectorOptions options = {});
  ~TraceCollector();  // Stop()
  TraceCollector(const TraceCollector&) = delete;
  TraceCollector& operator=(const TraceCollector&) = delete;

  // Cancels every stream, joins the threads and flushes the store.
  void Stop();

  // A span measured by one of the lab's clients (gateway, loom-bench):
  // `phase` is kClientSubmit, kClientEndorse, kClientBroadcast or
  // kClientCommitSeen (other names are kept as given). Joined and stored like
  // a node's event.
  void AddClientSpan(const std::string& tx_id, std::string_view phase, int64_t start_unix_nanos,
                     int64_t end_unix_nanos, const Facts& facts = {}, const std::string& client = "client",
                     const std::string& channel = "");

  std::optional<TxTimeline> Timeline(const std::string& tx_id) const;
  std::vector<TxTimeline> Timelines() const;  // oldest first
  // The kept timelines of `tx_ids`, in that order.
  std::vector<TxTimeline> Timelines(const std::vector<std::string>& tx_ids) const;
  std::vector<NodeTraceStatus> Nodes() const;
  uint64_t events_received() const;  // from the nodes (client spans not counted)
  uint64_t events_lost() const;
  // The first error of the store (OK when there is none or no store).
  Status store_status() const;
  std::optional<TraceStoreStats> store_stats() const;

  // Called with the timelines an event changed (a block-level event: every
  // transaction of its block). See the header comment for threads.
  std::unique_ptr<TimelineSubscription> OnTimelineUpdated(TimelineCallback callback);

  // Waits until every node's stream is live (or `deadline`).
  bool WaitUntilConnected(std::chrono::steady_clock::time_point deadline) const;
  // Waits until `done` holds for the timeline of `tx_id` (or `deadline`).
  bool WaitForTimeline(const std::string& tx_id, const std::function<bool(const TxTimeline&)>& done,
                       std::chrono::steady_clock::time_point deadline) const;
  // Waits until `done` holds for the collector's node statuses.
  bool WaitForNodes(const std::function<bool(const std::vector<NodeTraceStatus>&)>& done,
                    std::chrono::steady_clock::time_point deadline) const;

  struct Core;

 private:
  explicit TraceCollector(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  std::shared_ptr<Core> core_;
};

// Every node's buffered events (loom.Observer/Snapshot, one call per node
// with `timeout`), oldest first per node: what the running network still
// remembers, without a collector. Nodes that do not answer are named in
// `unreachable` (may be null) and skipped.
std::vector<loom::TraceEvent> FetchBufferedEvents(const NetworkEndpoints& endpoints,
                                                  std::chrono::milliseconds timeout,
                                                  std::vector<std::string>* unreachable);

}  // namespace loom::lab
