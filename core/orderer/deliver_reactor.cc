#include "core/orderer/deliver_reactor.h"

#include <memory>
#include <mutex>
#include <optional>

#include "core/util/grpc_bytes.h"

namespace loom::orderer {
namespace {

class DeliverReactor final : public RawBidiReactor, public RefCountedReactor {
 public:
  explicit DeliverReactor(const DeliverReactorConfig* config)
      : RefCountedReactor(config->streams), config_(config), events_(config->events) {
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
    std::string bytes = util::ByteBufferToString(request_);
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
    std::unique_ptr<DeliverSource::ListenerHandle> listener;
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
    bool posted = config_->workers->Post([this, task = std::move(task)] {
      task();
      Unref();
    });
    if (!posted) {
      std::unique_lock lock(mutex_);
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, config_->shutting_down_message), lock);
      lock.unlock();
      Unref();
    }
  }

  void StartRequest(const std::string& bytes) {
    auto checked = config_->handler->Check(bytes);
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
    std::unique_ptr<DeliverSource::ListenerHandle> previous;
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
        auto response =
            config_->encoder->EncodeBlock(*cursor_->request().channel, std::move(step.block_bytes));
        if (!response.ok()) {
          Log("channel " + channel_id_ + ": block " + std::to_string(step.number) +
              " cannot be sent: " + response.status().ToString());
          if (events_) events_->OnDeliverRequestCompleted(channel_id_, common::INTERNAL_SERVER_ERROR);
          WriteStatus(common::INTERNAL_SERVER_ERROR);
          return;
        }
        if (events_) events_->OnBlockSent(channel_id_);
        std::unique_lock lock(mutex_);
        if (finished_) return;
        response_ = std::move(*response);
        writing_ = true;
        lock.unlock();
        StartWrite(&response_);
        return;
      }
      case DeliverCursor::Step::kDone:
        // FORBIDDEN here means access was revoked mid-request (expired
        // certificate, or a config change); say so, as Fabric warns.
        if (step.status.status == common::FORBIDDEN) {
          Log("channel " + channel_id_ + ": Deliver ended FORBIDDEN: " + step.status.info);
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
        // A block made deliverable between TryNext and setting waiting_
        // found no waiter; look again. So does a stop.
        if (channel->deliverable_height() > next || channel->stopped()) {
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

  void Log(const std::string& line) {
    if (config_->log) config_->log(line);
  }

  void WriteStatus(common::Status status) {
    grpc::ByteBuffer response = config_->encoder->EncodeStatus(status);
    std::unique_lock lock(mutex_);
    if (finished_) return;
    last_status_ = status;
    status_written_ = true;
    response_ = std::move(response);
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

  const DeliverReactorConfig* config_;
  DeliverStreamEvents* events_;

  grpc::ByteBuffer request_;
  // The current request; used by one Pump at a time (Pumps are started one
  // after another: by the request, a finished write, or the listener).
  std::optional<DeliverCursor> cursor_;
  std::string channel_id_;

  std::mutex mutex_;
  grpc::ByteBuffer response_;
  std::unique_ptr<DeliverSource::ListenerHandle> listener_;
  bool writing_ = false;
  bool waiting_ = false;  // a Pump found no block and waits for the listener
  bool status_written_ = false;
  common::Status last_status_ = common::SUCCESS;
  bool cancelled_ = false;
  bool finished_ = false;
};

}  // namespace

RawBidiReactor* NewDeliverReactor(const DeliverReactorConfig* config) {
  return new DeliverReactor(config);
}

RefCountedReactor::RefCountedReactor(ActiveStreams* streams) : streams_(streams) {
  if (streams_) streams_->Opened();
}

RefCountedReactor::~RefCountedReactor() {
  if (streams_) streams_->Closed();
}

void AppendLengthDelimitedKey(std::string* out, int field, uint64_t length) {
  out->push_back(static_cast<char>((field << 3) | 2));
  while (length >= 0x80) {
    out->push_back(static_cast<char>((length & 0x7f) | 0x80));
    length >>= 7;
  }
  out->push_back(static_cast<char>(length));
}

grpc::ByteBuffer FramedBlockBuffer(const std::string& header, std::string block_bytes) {
  auto* owned = new std::string(std::move(block_bytes));
  grpc::Slice slices[2] = {
      grpc::Slice(header),
      grpc::Slice(
          owned->data(), owned->size(), [](void* data) { delete static_cast<std::string*>(data); }, owned)};
  return grpc::ByteBuffer(slices, 2);
}

}  // namespace loom::orderer
