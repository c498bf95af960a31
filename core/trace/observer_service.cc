#include "core/trace/observer_service.h"

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <string>

#include "core/trace/trace_hub.h"
#include "loom/observer.grpc.pb.h"

namespace loom::trace {
namespace {

// One Watch stream: takes events from its subscription and writes them one
// at a time. Reactions never block: when the queue is empty the subscription
// calls on_ready (on the publisher's thread) once an event arrives.
//
// Every grpc Start*/Finish call is the last thing a method does with `this`,
// because OnDone (which deletes the reactor) may run as soon as the RPC's
// operations are complete.
class WatchReactor : public grpc::ServerWriteReactor<loom::TraceEvent> {
 public:
  WatchReactor(grpc::CallbackServerContext* context, TraceHub* hub, const loom::WatchRequest& request) {
    SubscribeOptions options;
    options.filter = request.filter();
    options.queue_capacity = request.queue_capacity();
    options.replay = request.replay();
    options.replay_from_sequence = request.replay_from_sequence();
    options.on_ready = [this] { Pump(); };
    subscription_ = hub->Subscribe(std::move(options));

    // The initial metadata tells the client that the subscription is live.
    context->AddInitialMetadata("loom-trace-node", hub->node());
    context->AddInitialMetadata("loom-trace-incarnation", std::to_string(hub->incarnation()));
    context->AddInitialMetadata("loom-trace-last-sequence", std::to_string(subscription_->start_sequence()));
    StartSendInitialMetadata();
    {
      std::lock_guard lock(mu_);
      started_ = true;
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      if (!ok) broken_ = true;  // the client is gone
    }
    Pump();
  }

  void OnCancel() override {
    {
      std::lock_guard lock(mu_);
      broken_ = true;
    }
    Pump();
  }

  void OnDone() override {
    subscription_.reset();  // no on_ready after this returns
    delete this;
  }

 private:
  void Pump() {
    enum class Action { kWrite, kFinish } action;
    grpc::Status finish_status;
    {
      std::lock_guard lock(mu_);
      if (!started_ || writing_ || finished_) return;
      if (broken_) {
        finished_ = true;
        action = Action::kFinish;
        finish_status = grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
      } else if (std::optional<TraceDelivery> delivery = subscription_->TryNext()) {
        delivery->CopyTo(&message_);
        writing_ = true;
        action = Action::kWrite;
      } else if (subscription_->finished()) {
        finished_ = true;
        action = Action::kFinish;
        finish_status = grpc::Status::OK;
      } else {
        return;  // armed: on_ready calls Pump again
      }
    }
    if (action == Action::kWrite) {
      StartWrite(&message_);
    } else {
      Finish(finish_status);
    }
  }

  std::unique_ptr<TraceSubscription> subscription_;
  std::mutex mu_;
  bool started_ = false;      // guarded by mu_
  bool writing_ = false;      // guarded by mu_
  bool finished_ = false;     // guarded by mu_
  bool broken_ = false;       // guarded by mu_
  loom::TraceEvent message_;  // owned by the write in flight while writing_
};

}  // namespace

class ObserverService::Impl : public loom::Observer::CallbackService {
 public:
  explicit Impl(TraceHub* hub) : hub_(hub) {}

  grpc::ServerWriteReactor<loom::TraceEvent>* Watch(grpc::CallbackServerContext* context,
                                                    const loom::WatchRequest* request) override {
    return new WatchReactor(context, hub_, *request);
  }

  grpc::ServerUnaryReactor* Snapshot(grpc::CallbackServerContext* context,
                                     const loom::SnapshotRequest* request,
                                     loom::TraceSnapshot* response) override {
    *response->mutable_status() = hub_->Status();
    for (const auto& event : hub_->Buffered(request->filter(), request->max_events())) {
      *response->add_events() = *event;
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  TraceHub* hub_;
};

ObserverService::ObserverService(TraceHub* hub) : impl_(std::make_unique<Impl>(hub)) {}

ObserverService::~ObserverService() = default;

grpc::Service* ObserverService::grpc_service() {
  return impl_.get();
}

}  // namespace loom::trace
