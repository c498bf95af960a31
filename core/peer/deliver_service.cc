#include "core/peer/deliver_service.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/ops/fabric_metrics.h"
#include "core/ops/metrics.h"
#include "core/peer/deliver_service_filter.h"
#include "core/protocol/block.h"
#include "peer/events.grpc.pb.h"

namespace loom::peer {
namespace {

using RawReactor = grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;
using orderer::DeliverCursor;
using orderer::DeliverHandler;
using orderer::DeliverSource;
using orderer::DeliverStatus;
using orderer::SeekRequest;

enum class Kind { kBlock, kFiltered, kPrivateData };

std::string_view FilteredLabel(Kind kind) {
  return kind == Kind::kFiltered ? ops::kBoolTrue : ops::kBoolFalse;
}

std::string_view DataTypeLabel(Kind kind) {
  switch (kind) {
    case Kind::kBlock: return "block";
    case Kind::kFiltered: return "filtered_block";
    case Kind::kPrivateData: return "block_and_pvtdata";
  }
  return "block";
}

struct DeliverMetrics {
  ops::CounterFamily* streams_opened = nullptr;
  ops::CounterFamily* streams_closed = nullptr;
  ops::CounterFamily* requests_received = nullptr;
  ops::CounterFamily* requests_completed = nullptr;
  ops::CounterFamily* blocks_sent = nullptr;

  static Result<DeliverMetrics> Create(ops::MetricsRegistry* registry) {
    DeliverMetrics metrics;
    if (registry == nullptr) return metrics;
    LOOM_ASSIGN_OR_RETURN(metrics.streams_opened, registry->NewCounter(ops::kDeliverStreamsOpened));
    LOOM_ASSIGN_OR_RETURN(metrics.streams_closed, registry->NewCounter(ops::kDeliverStreamsClosed));
    LOOM_ASSIGN_OR_RETURN(metrics.requests_received, registry->NewCounter(ops::kDeliverRequestsReceived));
    LOOM_ASSIGN_OR_RETURN(metrics.requests_completed, registry->NewCounter(ops::kDeliverRequestsCompleted));
    LOOM_ASSIGN_OR_RETURN(metrics.blocks_sent, registry->NewCounter(ops::kDeliverBlocksSent));
    return metrics;
  }
  bool enabled() const { return streams_opened != nullptr; }
};

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

void AppendTag(std::string* out, int field) {
  out->push_back(static_cast<char>((field << 3) | 2));  // length-delimited
}

void AppendVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// `header` then the block exactly as stored, handed to gRPC without a copy.
grpc::ByteBuffer FramedBlock(const std::string& header, std::string block_bytes) {
  auto* owned = new std::string(std::move(block_bytes));
  grpc::Slice slices[2] = {
      grpc::Slice(header),
      grpc::Slice(
          owned->data(), owned->size(), [](void* data) { delete static_cast<std::string*>(data); }, owned)};
  return grpc::ByteBuffer(slices, 2);
}

// The DeliverResponse for one committed block. protos.DeliverResponse:
// block = 2, filtered_block = 3, block_and_private_data = 4
// (BlockAndPrivateData.block = 1, an empty private_data_map is no bytes).
Result<grpc::ByteBuffer> BlockResponse(Kind kind, const DeliverSource& channel, std::string block_bytes) {
  std::string header;
  switch (kind) {
    case Kind::kBlock:
      AppendTag(&header, 2);
      AppendVarint(&header, block_bytes.size());
      return FramedBlock(header, std::move(block_bytes));
    case Kind::kPrivateData: {
      std::string inner;
      AppendTag(&inner, 1);
      AppendVarint(&inner, block_bytes.size());
      AppendTag(&header, 4);
      AppendVarint(&header, inner.size() + block_bytes.size());
      header += inner;
      return FramedBlock(header, std::move(block_bytes));
    }
    case Kind::kFiltered: {
      LOOM_ASSIGN_OR_RETURN(common::Block block, protocol::ParseBlock(block_bytes));
      protos::DeliverResponse response;
      *response.mutable_filtered_block() = FilterBlock(block, channel.channel_id());
      return MessageBuffer(response);
    }
  }
  return Status::Internal("unknown Deliver kind");
}

// Deletes the reactor once gRPC is done with it (OnDone) and every piece of
// work that refers to it has finished; counts it as a live stream until then.
class RefCounted {
 public:
  explicit RefCounted(orderer::ActiveStreams* streams) : streams_(streams) {
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
  orderer::ActiveStreams* streams_;
  std::atomic<int> refs_{1};  // gRPC's, released in OnDone
};

struct ReactorContext {
  const DeliverHandler* blocks;
  const DeliverHandler* filtered;
  util::WorkerPool* workers;
  DeliverMetrics metrics;
  orderer::ActiveStreams* streams;
  std::function<void(const std::string&)> log;
};

// One Deliver stream: the orderer's Deliver reactor with the response
// shaped by `kind`.
class PeerDeliverReactor final : public RawReactor, public RefCounted {
 public:
  PeerDeliverReactor(const ReactorContext* context, Kind kind)
      : RefCounted(context->streams), context_(context), kind_(kind) {
    if (context_->metrics.enabled()) context_->metrics.streams_opened->Get().Inc();
    StartRead(&request_);
  }
  ~PeerDeliverReactor() override {
    if (context_->metrics.enabled()) context_->metrics.streams_closed->Get().Inc();
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
    bool posted = context_->workers->Post([this, task = std::move(task)] {
      task();
      Unref();
    });
    if (!posted) {
      std::unique_lock lock(mutex_);
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the peer is shutting down"), lock);
      lock.unlock();
      Unref();
    }
  }

  void CountCompleted(const std::string& channel, common::Status status) {
    if (!context_->metrics.enabled()) return;
    context_->metrics.requests_completed
        ->With({channel, FilteredLabel(kind_), DataTypeLabel(kind_),
                status == common::SUCCESS ? ops::kBoolTrue : ops::kBoolFalse})
        .Inc();
  }

  void StartRequest(const std::string& bytes) {
    const DeliverHandler* handler = kind_ == Kind::kFiltered ? context_->filtered : context_->blocks;
    auto checked = handler->Check(bytes);
    if (auto* refused = std::get_if<DeliverStatus>(&checked)) {
      if (context_->metrics.enabled()) {
        context_->metrics.requests_received->With({"", FilteredLabel(kind_), DataTypeLabel(kind_)}).Inc();
      }
      CountCompleted("", refused->status);
      WriteStatus(refused->status);
      return;
    }
    SeekRequest request = std::move(std::get<SeekRequest>(checked));
    std::shared_ptr<DeliverSource> channel = request.channel;
    channel_id_ = channel->channel_id();
    if (context_->metrics.enabled()) {
      context_->metrics.requests_received->With({channel_id_, FilteredLabel(kind_), DataTypeLabel(kind_)})
          .Inc();
    }
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
        auto response = BlockResponse(kind_, *cursor_->request().channel, std::move(step.block_bytes));
        if (!response.ok()) {
          Log("channel " + channel_id_ + ": block " + std::to_string(step.number) +
              " cannot be sent: " + response.status().ToString());
          CountCompleted(channel_id_, common::INTERNAL_SERVER_ERROR);
          WriteStatus(common::INTERNAL_SERVER_ERROR);
          return;
        }
        if (context_->metrics.enabled()) {
          context_->metrics.blocks_sent->With({channel_id_, FilteredLabel(kind_), DataTypeLabel(kind_)})
              .Inc();
        }
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
        CountCompleted(channel_id_, step.status.status);
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
        // A block committed between TryNext and setting waiting_ found no
        // waiter; look again. So does a stop.
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
    if (context_->log) context_->log(line);
  }

  void WriteStatus(common::Status status) {
    protos::DeliverResponse response;
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

  const ReactorContext* context_;
  const Kind kind_;

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

class PeerDeliverService final
    : public protos::Deliver::WithRawCallbackMethod_Deliver<
          protos::Deliver::WithRawCallbackMethod_DeliverFiltered<
              protos::Deliver::WithRawCallbackMethod_DeliverWithPrivateData<protos::Deliver::Service>>> {
 public:
  explicit PeerDeliverService(ReactorContext context) : context_(std::move(context)) {}

  RawReactor* Deliver(grpc::CallbackServerContext*) override {
    return new PeerDeliverReactor(&context_, Kind::kBlock);
  }
  RawReactor* DeliverFiltered(grpc::CallbackServerContext*) override {
    return new PeerDeliverReactor(&context_, Kind::kFiltered);
  }
  RawReactor* DeliverWithPrivateData(grpc::CallbackServerContext*) override {
    return new PeerDeliverReactor(&context_, Kind::kPrivateData);
  }

 private:
  const ReactorContext context_;
};

}  // namespace

Result<std::unique_ptr<grpc::Service>> MakePeerDeliverService(const DeliverHandler* blocks,
                                                              const DeliverHandler* filtered,
                                                              util::WorkerPool* workers,
                                                              PeerDeliverServiceOptions options) {
  ReactorContext context;
  context.blocks = blocks;
  context.filtered = filtered;
  context.workers = workers;
  LOOM_ASSIGN_OR_RETURN(context.metrics, DeliverMetrics::Create(options.metrics));
  context.streams = options.active_streams;
  context.log = std::move(options.log);
  return std::unique_ptr<grpc::Service>(std::make_unique<PeerDeliverService>(std::move(context)));
}

}  // namespace loom::peer
