#include "app/lab/trace_collector.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "loom/observer.grpc.pb.h"

namespace loom::lab {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string MetadataValue(const grpc::ClientContext& context, const char* key) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find(key);
  return it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
}

uint64_t ParseU64(const std::string& text) {
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

struct NodeTarget {
  std::string name;
  client::Endpoint endpoint;
};

std::vector<NodeTarget> Targets(const NetworkEndpoints& endpoints) {
  std::vector<NodeTarget> targets;
  for (const OrdererEndpoint& orderer : endpoints.orderers)
    targets.push_back({orderer.name, orderer.endpoint});
  for (const PeerEndpoint& peer : endpoints.peers) targets.push_back({peer.name, peer.endpoint});
  return targets;
}

}  // namespace

// The state shared by the collector's threads.
struct TraceCollector::Core {
  struct Node {
    NodeTarget target;
    NodeTraceStatus status;                       // guarded by Core::mutex
    std::shared_ptr<grpc::ClientContext> active;  // guarded by Core::mutex
    std::thread thread;
  };

  struct Listener : TimelineSubscription {
    Listener(std::shared_ptr<Core> core, TimelineCallback callback)
        : core(std::move(core)), callback(std::make_shared<const TimelineCallback>(std::move(callback))) {}
    ~Listener() override {
      std::lock_guard lock(core->listeners_mutex);
      core->listeners.erase(std::remove(core->listeners.begin(), core->listeners.end(), this),
                            core->listeners.end());
      core->listener_count = core->listeners.size();
    }
    std::shared_ptr<Core> core;
    // Shared so that a call in progress keeps it alive when the callback
    // destroys its own subscription.
    std::shared_ptr<const TimelineCallback> callback;
  };

  explicit Core(TraceCollectorOptions opts) : options(std::move(opts)), joiner(options.joiner) {}

  void Run(Node* node);
  // One stream: true when it got as far as the initial metadata.
  bool Stream(Node* node, bool* restart_now);
  void OnEvent(std::shared_ptr<const loom::TraceEvent> event);
  void Stop();

  const TraceCollectorOptions options;
  std::unique_ptr<TraceStoreWriter> store;  // set before the threads start

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  TimelineJoiner joiner;                     // guarded by mutex
  std::vector<std::unique_ptr<Node>> nodes;  // the vector is fixed before the threads start
  bool stopping = false;                     // guarded by mutex
  uint64_t events = 0;                       // guarded by mutex; from the nodes, not client spans
  Status store_error;                        // guarded by mutex

  std::recursive_mutex listeners_mutex;  // held while callbacks run
  std::vector<Listener*> listeners;      // guarded by listeners_mutex
  std::atomic<size_t> listener_count{0};
};

void TraceCollector::Core::Run(Node* node) {
  std::chrono::milliseconds backoff = options.initial_backoff;
  while (true) {
    bool restart_now = false;
    bool connected = Stream(node, &restart_now);
    std::unique_lock lock(mutex);
    if (stopping) return;
    if (restart_now) continue;
    if (connected) backoff = options.initial_backoff;
    changed.wait_for(lock, backoff, [this] { return stopping; });
    if (stopping) return;
    backoff = std::min(backoff * 2, options.max_backoff);
  }
}

bool TraceCollector::Core::Stream(Node* node, bool* restart_now) {
  auto context = std::make_shared<grpc::ClientContext>();
  loom::WatchRequest request;
  *request.mutable_filter() = options.filter;
  request.set_replay(true);
  request.set_queue_capacity(options.queue_capacity);
  {
    std::lock_guard lock(mutex);
    if (stopping) return false;
    // From 1, not 0 ("whatever is buffered"), so that the node counts what it
    // no longer buffers as dropped_before: events are lost to the record
    // whether they went by before the collector started or while it was away.
    request.set_replay_from_sequence(node->status.last_sequence + 1);
    node->active = context;
  }
  // A fresh channel per attempt: a restarted node is dialled at once instead
  // of after the old channel's own reconnect backoff.
  auto stub = loom::Observer::NewStub(client::Dial(node->target.endpoint));
  std::unique_ptr<grpc::ClientReader<loom::TraceEvent>> reader = stub->Watch(context.get(), request);
  reader->WaitForInitialMetadata();
  const uint64_t incarnation = ParseU64(MetadataValue(*context, "loom-trace-incarnation"));
  bool connected = incarnation != 0;
  if (connected) {
    std::lock_guard lock(mutex);
    NodeTraceStatus& status = node->status;
    if (status.incarnation != 0 && status.incarnation != incarnation) {
      ++status.restarts_seen;
      status.incarnation = incarnation;
      status.last_sequence = 0;
      if (request.replay_from_sequence() > 1) {
        // We asked a new incarnation to skip sequences it never showed us.
        *restart_now = true;
        context->TryCancel();
      }
    }
    status.incarnation = incarnation;
    if (!*restart_now) {
      status.connected = true;
      status.last_error.clear();
      ++status.connections;
    }
    changed.notify_all();
  }

  loom::TraceEvent event;
  while (!*restart_now && reader->Read(&event)) {
    {
      std::lock_guard lock(mutex);
      NodeTraceStatus& status = node->status;
      if (event.incarnation() != status.incarnation) {
        if (status.incarnation != 0) ++status.restarts_seen;
        status.incarnation = event.incarnation();
      }
      status.last_sequence = event.sequence();
      status.lost += event.dropped_before();
      ++status.events;
      ++events;
    }
    OnEvent(std::make_shared<const loom::TraceEvent>(std::move(event)));
    event = loom::TraceEvent();
  }
  grpc::Status finished = reader->Finish();
  std::lock_guard lock(mutex);
  node->active.reset();
  node->status.connected = false;
  if (!*restart_now && !stopping) {
    node->status.last_error = finished.ok() ? "the node ended the stream" : finished.error_message();
  }
  changed.notify_all();
  return connected;
}

void TraceCollector::Core::OnEvent(std::shared_ptr<const loom::TraceEvent> event) {
  if (store) {
    Status stored = store->Append(*event);
    if (!stored.ok()) {
      std::lock_guard lock(mutex);
      if (store_error.ok()) store_error = stored;
    }
  }
  std::vector<TxTimeline> updated;
  {
    std::lock_guard lock(mutex);
    std::vector<std::string> changed_ids = joiner.Add(std::move(event));
    if (listener_count.load() > 0 && !changed_ids.empty()) updated = joiner.Timelines(changed_ids);
  }
  if (!updated.empty()) {
    std::lock_guard lock(listeners_mutex);
    // A callback may destroy its own (or another) subscription on this
    // thread: walk a copy and skip listeners that are gone by their turn.
    std::vector<std::pair<Listener*, std::shared_ptr<const TimelineCallback>>> current;
    for (Listener* listener : listeners) current.emplace_back(listener, listener->callback);
    for (const auto& [listener, callback] : current) {
      if (std::find(listeners.begin(), listeners.end(), listener) != listeners.end()) (*callback)(updated);
    }
  }
  changed.notify_all();
}

void TraceCollector::Core::Stop() {
  {
    std::lock_guard lock(mutex);
    if (!stopping) {
      stopping = true;
      for (auto& node : nodes) {
        if (node->active) node->active->TryCancel();
      }
    }
  }
  changed.notify_all();
  for (auto& node : nodes) {
    if (node->thread.joinable()) node->thread.join();
  }
  if (store) (void)store->Flush();
}

Result<std::unique_ptr<TraceCollector>> TraceCollector::Start(const NetworkEndpoints& endpoints,
                                                              TraceCollectorOptions options) {
  std::vector<NodeTarget> targets = Targets(endpoints);
  if (targets.empty())
    return Status::InvalidArgument("the network has no orderer or peer to collect traces from");
  auto core = std::make_shared<Core>(std::move(options));
  if (!core->options.store_dir.empty()) {
    LOOM_ASSIGN_OR_RETURN(core->store, TraceStoreWriter::Open(core->options.store_dir, core->options.store));
  }
  for (NodeTarget& target : targets) {
    auto node = std::make_unique<Core::Node>();
    node->status.name = target.name;
    node->status.address = target.endpoint.address;
    node->target = std::move(target);
    core->nodes.push_back(std::move(node));
  }
  for (auto& node : core->nodes) {
    Core::Node* raw = node.get();
    Core* raw_core = core.get();
    node->thread = std::thread([raw_core, raw] { raw_core->Run(raw); });
  }
  return std::unique_ptr<TraceCollector>(new TraceCollector(std::move(core)));
}

TraceCollector::~TraceCollector() {
  Stop();
}

void TraceCollector::Stop() {
  core_->Stop();
}

void TraceCollector::AddClientSpan(const std::string& tx_id, std::string_view phase, int64_t start_unix_nanos,
                                   int64_t end_unix_nanos, const Facts& facts, const std::string& client,
                                   const std::string& channel) {
  core_->OnEvent(std::make_shared<const loom::TraceEvent>(
      MakeClientSpanEvent(tx_id, phase, start_unix_nanos, end_unix_nanos, facts, client, channel)));
}

std::optional<TxTimeline> TraceCollector::Timeline(const std::string& tx_id) const {
  std::lock_guard lock(core_->mutex);
  const TxTimeline* found = core_->joiner.Find(tx_id);
  if (found == nullptr) return std::nullopt;
  return *found;
}

std::vector<TxTimeline> TraceCollector::Timelines() const {
  std::lock_guard lock(core_->mutex);
  return core_->joiner.Timelines();
}

std::vector<TxTimeline> TraceCollector::Timelines(const std::vector<std::string>& tx_ids) const {
  std::lock_guard lock(core_->mutex);
  return core_->joiner.Timelines(tx_ids);
}

std::vector<NodeTraceStatus> TraceCollector::Nodes() const {
  std::lock_guard lock(core_->mutex);
  std::vector<NodeTraceStatus> out;
  for (const auto& node : core_->nodes) out.push_back(node->status);
  return out;
}

uint64_t TraceCollector::events_received() const {
  std::lock_guard lock(core_->mutex);
  return core_->events;
}

uint64_t TraceCollector::events_lost() const {
  std::lock_guard lock(core_->mutex);
  uint64_t lost = 0;
  for (const auto& node : core_->nodes) lost += node->status.lost;
  return lost;
}

Status TraceCollector::store_status() const {
  std::lock_guard lock(core_->mutex);
  return core_->store_error;
}

std::optional<TraceStoreStats> TraceCollector::store_stats() const {
  if (!core_->store) return std::nullopt;
  return core_->store->stats();
}

std::unique_ptr<TimelineSubscription> TraceCollector::OnTimelineUpdated(TimelineCallback callback) {
  auto listener = std::make_unique<Core::Listener>(core_, std::move(callback));
  std::lock_guard lock(core_->listeners_mutex);
  core_->listeners.push_back(listener.get());
  core_->listener_count = core_->listeners.size();
  return listener;
}

bool TraceCollector::WaitUntilConnected(SteadyClock::time_point deadline) const {
  return WaitForNodes(
      [](const std::vector<NodeTraceStatus>& nodes) {
        return std::all_of(nodes.begin(), nodes.end(),
                           [](const NodeTraceStatus& node) { return node.connected; });
      },
      deadline);
}

bool TraceCollector::WaitForNodes(const std::function<bool(const std::vector<NodeTraceStatus>&)>& done,
                                  SteadyClock::time_point deadline) const {
  std::unique_lock lock(core_->mutex);
  return core_->changed.wait_until(lock, deadline, [&] {
    std::vector<NodeTraceStatus> statuses;
    for (const auto& node : core_->nodes) statuses.push_back(node->status);
    return done(statuses);
  });
}

bool TraceCollector::WaitForTimeline(const std::string& tx_id,
                                     const std::function<bool(const TxTimeline&)>& done,
                                     SteadyClock::time_point deadline) const {
  std::unique_lock lock(core_->mutex);
  return core_->changed.wait_until(lock, deadline, [&] {
    const TxTimeline* timeline = core_->joiner.Find(tx_id);
    return timeline != nullptr && done(*timeline);
  });
}

std::vector<loom::TraceEvent> FetchBufferedEvents(const NetworkEndpoints& endpoints,
                                                  std::chrono::milliseconds timeout,
                                                  std::vector<std::string>* unreachable) {
  std::vector<loom::TraceEvent> events;
  for (const NodeTarget& target : Targets(endpoints)) {
    auto stub = loom::Observer::NewStub(client::Dial(target.endpoint));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    loom::SnapshotRequest request;
    loom::TraceSnapshot snapshot;
    grpc::Status status = stub->Snapshot(&context, request, &snapshot);
    if (!status.ok()) {
      if (unreachable != nullptr) unreachable->push_back(target.name + " (" + status.error_message() + ")");
      continue;
    }
    for (loom::TraceEvent& event : *snapshot.mutable_events()) events.push_back(std::move(event));
  }
  return events;
}

}  // namespace loom::lab
