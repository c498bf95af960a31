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
#include "core/orderer/deliver_reactor.h"
#include "core/util/grpc_bytes.h"
#include "orderer/ab.grpc.pb.h"

namespace loom::orderer {
namespace {

using RawReactor = RawBidiReactor;

// orderer.DeliverResponse: a block is framed by hand as field 2 around the
// bytes exactly as the store holds them (no re-encoding, no copy).
class OrdererDeliverEncoder final : public DeliverResponseEncoder {
 public:
  Result<grpc::ByteBuffer> EncodeBlock(const DeliverSource&, std::string block_bytes) const override {
    std::string header;
    AppendLengthDelimitedKey(&header, 2, block_bytes.size());
    return FramedBlockBuffer(header, std::move(block_bytes));
  }
  grpc::ByteBuffer EncodeStatus(common::Status status) const override {
    ::orderer::DeliverResponse response;
    response.set_status(status);
    return util::MessageToByteBuffer(response);
  }
};

// Reactor operations to start once the reactor's lock is released (gRPC may
// run a reaction inline; it must not find the lock held).
struct Actions {
  std::optional<grpc::ByteBuffer*> write;
  bool read = false;
  std::optional<grpc::Status> finish;
};

class BroadcastReactor final : public RawReactor, public RefCountedReactor {
 public:
  BroadcastReactor(const BroadcastHandler* handler, util::WorkerPool* workers, size_t max_in_flight,
                   ActiveStreams* streams)
      : RefCountedReactor(streams),
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
    std::string bytes = util::ByteBufferToString(request_);
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
      response_ = util::MessageToByteBuffer(response);
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

class AtomicBroadcastService final
    : public ::orderer::AtomicBroadcast::WithRawCallbackMethod_Broadcast<
          ::orderer::AtomicBroadcast::WithRawCallbackMethod_Deliver<::orderer::AtomicBroadcast::Service>> {
 public:
  AtomicBroadcastService(const BroadcastHandler* broadcast, const DeliverHandler* deliver,
                         util::WorkerPool* workers, AtomicBroadcastOptions options)
      : broadcast_(broadcast), workers_(workers), options_(options) {
    deliver_config_.handler = deliver;
    deliver_config_.workers = workers;
    deliver_config_.encoder = &deliver_encoder_;
    deliver_config_.events = options.deliver_events;
    deliver_config_.streams = options.active_streams;
    deliver_config_.log = [](const std::string& line) {
      std::fprintf(stderr, "loom-orderer: %s\n", line.c_str());
    };
    deliver_config_.shutting_down_message = "the orderer is shutting down";
  }

  RawReactor* Broadcast(grpc::CallbackServerContext*) override {
    return new BroadcastReactor(broadcast_, workers_, options_.max_in_flight_per_stream,
                                options_.active_streams);
  }
  RawReactor* Deliver(grpc::CallbackServerContext*) override { return NewDeliverReactor(&deliver_config_); }

 private:
  const BroadcastHandler* broadcast_;
  util::WorkerPool* workers_;
  AtomicBroadcastOptions options_;
  const OrdererDeliverEncoder deliver_encoder_;
  DeliverReactorConfig deliver_config_;
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
