#include "core/orderer/atomic_broadcast_service.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/ledger/block_store.h"
#include "orderer/ab.grpc.pb.h"

namespace loom::orderer {
namespace {

using RawReactor = grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

std::string BufferToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  bytes.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return bytes;
}

grpc::ByteBuffer MessageBuffer(const google::protobuf::MessageLite& message) {
  grpc::Slice slice(message.SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

// DeliverResponse{block: <stored bytes>} framed by hand: the field 2 tag, the
// length as a varint, then the block exactly as the store holds it (handed
// to gRPC without a copy).
grpc::ByteBuffer BlockResponseBuffer(std::string block_bytes) {
  std::string header(1, '\x12');
  uint64_t length = block_bytes.size();
  while (length >= 0x80) {
    header.push_back(static_cast<char>((length & 0x7f) | 0x80));
    length >>= 7;
  }
  header.push_back(static_cast<char>(length));
  auto* owned = new std::string(std::move(block_bytes));
  grpc::Slice slices[2] = {
      grpc::Slice(header),
      grpc::Slice(
          owned->data(), owned->size(), [](void* data) { delete static_cast<std::string*>(data); }, owned)};
  return grpc::ByteBuffer(slices, 2);
}

// Deletes a reactor once gRPC is done with it (OnDone) and every piece of
// work that refers to it has finished; counts it as a live stream until then.
class RefCounted {
 public:
  explicit RefCounted(ActiveStreams* streams) : streams_(streams) {
    if (streams_) streams_->Opened();
  }
  virtual ~RefCounted() {
    if (streams_) streams_->Closed();
  }
  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  ActiveStreams* streams_;
  std::atomic<int> refs_{1};  // gRPC's, released in OnDone
};

// Reactor operations to start once the reactor's lock is released (gRPC may
// run a reaction inline; it must not find the lock held).
struct Actions {
  std::optional<grpc::ByteBuffer*> write;
  bool read = false;
  std::optional<grpc::Status> finish;
};

class BroadcastReactor final : public RawReactor, public RefCounted {
 public:
  BroadcastReactor(const BroadcastHandler* handler, util::WorkerPool* workers, size_t max_in_flight,
                   ActiveStreams* streams)
      : RefCounted(streams),
        handler_(handler),
        workers_(workers),
        max_in_flight_(max_in_flight == 0 ? 1 : max_in_flight) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or the stream broke)
      std::unique_lock lock(mutex_);
      read_closed_ = true;
      Run(NextLocked(), lock);
      return;
    }
    std::string bytes = BufferToString(request_);
    request_.Clear();
    uint64_t sequence;
    {
      std::lock_guard lock(mutex_);
      sequence = first_sequence_ + slots_.size();
      slots_.emplace_back();
    }
    Ref();
    bool posted = workers_->Post(
        [this, sequence, bytes = std::move(bytes)] { OnChecked(sequence, handler_->Check(bytes)); });
    if (!posted) {
      BroadcastHandler::Checked refused;
      refused.reply = BroadcastReply{common::SERVICE_UNAVAILABLE, "the orderer is shutting down"};
      refused.event = std::make_shared<BroadcastEvent>();
      OnChecked(sequence, std::move(refused));
    }

    std::unique_lock lock(mutex_);
    read_paused_ = true;  // NextLocked resumes reading while there is room
    Run(NextLocked(), lock);
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock lock(mutex_);
    writing_ = false;
    if (!ok) broken_ = true;
    Run(NextLocked(), lock);
  }

  void OnCancel() override {
    std::unique_lock lock(mutex_);
    broken_ = true;
    Run(NextLocked(), lock);
  }

  void OnDone() override { Unref(); }

 private:
  // Envelopes are checked in parallel but submitted (duplicate check, log
  // append) in the order they arrived, one thread at a time.
  void OnChecked(uint64_t sequence, BroadcastHandler::Checked checked) {
    std::unique_lock lock(mutex_);
    checked_.emplace(sequence, std::move(checked));
    if (submitting_) return;  // the thread submitting will take it in turn
    submitting_ = true;
    for (auto next = checked_.find(next_submit_); next != checked_.end();
         next = checked_.find(next_submit_)) {
      BroadcastHandler::Checked ready = std::move(next->second);
      checked_.erase(next);
      uint64_t submitted = next_submit_++;
      lock.unlock();
      handler_->Submit(std::move(ready),
                       [this, submitted](BroadcastReply reply) { Complete(submitted, std::move(reply)); });
      lock.lock();
    }
    submitting_ = false;
  }

  void Complete(uint64_t sequence, BroadcastReply reply) {
    {
      std::unique_lock lock(mutex_);
      slots_[sequence - first_sequence_] = std::move(reply);
      Run(NextLocked(), lock);
    }
    Unref();
  }

  // What to do next, given the state; updates the state as if done.
  Actions NextLocked() {
    Actions actions;
    if (finished_) return actions;
    if (!writing_ && !broken_ && !slots_.empty() && slots_.front().has_value()) {
      ::orderer::BroadcastResponse response;
      response.set_status(slots_.front()->status);
      response.set_info(slots_.front()->info);
      response_ = MessageBuffer(response);
      slots_.pop_front();
      ++first_sequence_;
      writing_ = true;
      actions.write = &response_;
    }
    if (read_paused_ && !read_closed_ && !broken_ && slots_.size() < max_in_flight_) {
      read_paused_ = false;
      actions.read = true;
    }
    if (!writing_ && (broken_ || (read_closed_ && slots_.empty()))) {
      finished_ = true;
      actions.finish = broken_ ? grpc::Status::CANCELLED : grpc::Status::OK;
    }
    return actions;
  }

  void Run(Actions actions, std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    if (actions.write) StartWrite(*actions.write);
    if (actions.read) StartRead(&request_);
    if (actions.finish) Finish(*actions.finish);
  }

  const BroadcastHandler* handler_;
  util::WorkerPool* workers_;
  const size_t max_in_flight_;

  grpc::ByteBuffer request_;  // owned by the outstanding read
  std::mutex mutex_;
  grpc::ByteBuffer response_;                              // owned by the outstanding write
  std::map<uint64_t, BroadcastHandler::Checked> checked_;  // checked, waiting for their turn to submit
  uint64_t next_submit_ = 0;
  bool submitting_ = false;
  std::deque<std::optional<BroadcastReply>> slots_;  // one per envelope read, in order
  uint64_t first_sequence_ = 0;                      // sequence of slots_.front()
  bool writing_ = false;
  bool read_paused_ = false;
  bool read_closed_ = false;
  bool broken_ = false;
  bool finished_ = false;
};

class DeliverReactor final : public RawReactor, public RefCounted {
 public:
  DeliverReactor(const DeliverHandler* handler, util::WorkerPool* workers, DeliverStreamEvents* events,
                 ActiveStreams* streams)
      : RefCounted(streams), handler_(handler), workers_(workers), events_(events) {
    if (events_) events_->OnDeliverStreamOpened();
    StartRead(&request_);
  }
  ~DeliverReactor() override {
    if (events_) events_->OnDeliverStreamClosed();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // no further request: the stream is over
      std::unique_lock lock(mutex_);
      FinishLocked(grpc::Status::OK, lock);
      return;
    }
    std::string bytes = BufferToString(request_);
    request_.Clear();
    Post([this, bytes = std::move(bytes)] { StartRequest(bytes); });
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock lock(mutex_);
    writing_ = false;
    if (!ok || cancelled_) {
      FinishLocked(grpc::Status::CANCELLED, lock);
      return;
    }
    if (!status_written_) {
      lock.unlock();
      Post([this] { Pump(); });
      return;
    }
    // The request is over. Fabric reads the next one after SUCCESS only.
    if (last_status_ != common::SUCCESS) {
      FinishLocked(grpc::Status::OK, lock);
      return;
    }
    lock.unlock();
    StartRead(&request_);
  }

  void OnCancel() override {
    std::unique_lock lock(mutex_);
    cancelled_ = true;
    if (!writing_) FinishLocked(grpc::Status::CANCELLED, lock);
  }

  void OnDone() override {
    // Destroying the handle waits for a listener call in progress; after it
    // no listener call can refer to this reactor.
    std::unique_ptr<OrderingChannel::ListenerHandle> listener;
    {
      std::lock_guard lock(mutex_);
      listener = std::move(listener_);
    }
    listener.reset();
    Unref();
  }

 private:
  void Post(std::function<void()> task) {
    Ref();
    bool posted = workers_->Post([this, task = std::move(task)] {
      task();
      Unref();
    });
    if (!posted) {
      std::unique_lock lock(mutex_);
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the orderer is shutting down"), lock);
      lock.unlock();
      Unref();
    }
  }

  void StartRequest(const std::string& bytes) {
    auto checked = handler_->Check(bytes);
    if (auto* refused = std::get_if<DeliverStatus>(&checked)) {
      if (events_) {
        events_->OnDeliverRequestReceived("");
        events_->OnDeliverRequestCompleted("", refused->status);
      }
      WriteStatus(refused->status);
      return;
    }
    SeekRequest request = std::move(std::get<SeekRequest>(checked));
    std::shared_ptr<DeliverSource> channel = request.channel;
    channel_id_ = channel->channel_id();
    if (events_) events_->OnDeliverRequestReceived(channel_id_);
    auto listener = channel->AddBlockListener([this](uint64_t) {
      std::unique_lock lock(mutex_);
      if (!waiting_ || finished_) return;
      waiting_ = false;
      lock.unlock();
      Post([this] { Pump(); });
    });
    std::unique_ptr<OrderingChannel::ListenerHandle> previous;
    {
      std::lock_guard lock(mutex_);
      previous = std::move(listener_);
      listener_ = std::move(listener);
      status_written_ = false;
    }
    previous.reset();
    cursor_.emplace(std::move(request));
    Pump();
  }

  // One step of the current request: a block, a status, or a wait.
  void Pump() {
    {
      std::lock_guard lock(mutex_);
      if (finished_) return;
    }
    DeliverCursor::Step step = cursor_->TryNext();
    switch (step.kind) {
      case DeliverCursor::Step::kBlock: {
        if (events_) events_->OnBlockSent(channel_id_);
        std::unique_lock lock(mutex_);
        if (finished_) return;
        response_ = BlockResponseBuffer(std::move(step.block_bytes));
        writing_ = true;
        lock.unlock();
        StartWrite(&response_);
        return;
      }
      case DeliverCursor::Step::kDone:
        // FORBIDDEN here means access was revoked mid-request (expired
        // certificate, or a config change); say so, as Fabric warns.
        if (step.status.status == common::FORBIDDEN) {
          std::fprintf(stderr, "loom-orderer: channel %s: Deliver ended FORBIDDEN: %s\n", channel_id_.c_str(),
                       step.status.info.c_str());
        }
        if (events_) events_->OnDeliverRequestCompleted(channel_id_, step.status.status);
        WriteStatus(step.status.status);
        return;
      case DeliverCursor::Step::kWait: {
        // Read before waiting_ is set: from then on the listener may start
        // the next Pump, which advances the cursor.
        uint64_t next = cursor_->next_number();
        std::shared_ptr<DeliverSource> channel = cursor_->request().channel;
        std::unique_lock lock(mutex_);
        if (finished_) return;
        waiting_ = true;
        lock.unlock();
        // A block appended between TryNext and setting waiting_ found no
        // waiter; look again.
        if (channel->deliverable_height() > next) {
          lock.lock();
          if (!waiting_) return;  // the listener took it
          waiting_ = false;
          lock.unlock();
          Post([this] { Pump(); });
        }
        return;
      }
    }
  }

  void WriteStatus(common::Status status) {
    ::orderer::DeliverResponse response;
    response.set_status(status);
    std::unique_lock lock(mutex_);
    if (finished_) return;
    last_status_ = status;
    status_written_ = true;
    response_ = MessageBuffer(response);
    writing_ = true;
    lock.unlock();
    StartWrite(&response_);
  }

  void FinishLocked(grpc::Status status, std::unique_lock<std::mutex>& lock) {
    if (finished_) return;
    finished_ = true;
    lock.unlock();
    Finish(status);
  }

  const DeliverHandler* handler_;
  util::WorkerPool* workers_;
  DeliverStreamEvents* events_;

  grpc::ByteBuffer request_;
  // The current request; used by one Pump at a time (Pumps are started one
  // after another: by the request, a finished write, or the listener).
  std::optional<DeliverCursor> cursor_;
  std::string channel_id_;

  std::mutex mutex_;
  grpc::ByteBuffer response_;
  std::unique_ptr<OrderingChannel::ListenerHandle> listener_;
  bool writing_ = false;
  bool waiting_ = false;  // a Pump found no block and waits for the listener
  bool status_written_ = false;
  common::Status last_status_ = common::SUCCESS;
  bool cancelled_ = false;
  bool finished_ = false;
};

class AtomicBroadcastService final
    : public ::orderer::AtomicBroadcast::WithRawCallbackMethod_Broadcast<
          ::orderer::AtomicBroadcast::WithRawCallbackMethod_Deliver<::orderer::AtomicBroadcast::Service>> {
 public:
  AtomicBroadcastService(const BroadcastHandler* broadcast, const DeliverHandler* deliver,
                         util::WorkerPool* workers, AtomicBroadcastOptions options)
      : broadcast_(broadcast), deliver_(deliver), workers_(workers), options_(options) {}

  RawReactor* Broadcast(grpc::CallbackServerContext*) override {
    return new BroadcastReactor(broadcast_, workers_, options_.max_in_flight_per_stream,
                                options_.active_streams);
  }
  RawReactor* Deliver(grpc::CallbackServerContext*) override {
    return new DeliverReactor(deliver_, workers_, options_.deliver_events, options_.active_streams);
  }

 private:
  const BroadcastHandler* broadcast_;
  const DeliverHandler* deliver_;
  util::WorkerPool* workers_;
  AtomicBroadcastOptions options_;
};

}  // namespace

void ActiveStreams::Opened() {
  std::lock_guard lock(mutex_);
  ++count_;
}

void ActiveStreams::Closed() {
  std::lock_guard lock(mutex_);
  if (--count_ == 0) changed_.notify_all();
}

size_t ActiveStreams::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

bool ActiveStreams::WaitForNone(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return count_ == 0; });
}

std::unique_ptr<grpc::Service> MakeAtomicBroadcastService(const BroadcastHandler* broadcast,
                                                          const DeliverHandler* deliver,
                                                          util::WorkerPool* workers,
                                                          AtomicBroadcastOptions options) {
  return std::make_unique<AtomicBroadcastService>(broadcast, deliver, workers, options);
}

}  // namespace loom::orderer
