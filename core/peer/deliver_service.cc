#include "core/peer/deliver_service.h"

#include <grpcpp/grpcpp.h>

#include <string>

#include "core/ops/fabric_metrics.h"
#include "core/ops/metrics.h"
#include "core/orderer/deliver_reactor.h"
#include "core/peer/deliver_service_filter.h"
#include "core/protocol/block.h"
#include "core/util/grpc_bytes.h"
#include "peer/events.grpc.pb.h"

namespace loom::peer {
namespace {

using RawReactor = orderer::RawBidiReactor;
using orderer::DeliverHandler;
using orderer::DeliverSource;

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

// protos.DeliverResponse for one kind of Deliver: block = 2,
// filtered_block = 3, block_and_private_data = 4 (BlockAndPrivateData.block
// = 1; an empty private_data_map is no bytes). Stored block bytes are framed
// without re-encoding.
class PeerDeliverEncoder final : public orderer::DeliverResponseEncoder {
 public:
  explicit PeerDeliverEncoder(Kind kind) : kind_(kind) {}

  Result<grpc::ByteBuffer> EncodeBlock(const DeliverSource& channel, std::string block_bytes) const override {
    std::string header;
    switch (kind_) {
      case Kind::kBlock:
        orderer::AppendLengthDelimitedKey(&header, 2, block_bytes.size());
        return orderer::FramedBlockBuffer(header, std::move(block_bytes));
      case Kind::kPrivateData: {
        std::string inner;
        orderer::AppendLengthDelimitedKey(&inner, 1, block_bytes.size());
        orderer::AppendLengthDelimitedKey(&header, 4, inner.size() + block_bytes.size());
        header += inner;
        return orderer::FramedBlockBuffer(header, std::move(block_bytes));
      }
      case Kind::kFiltered: {
        LOOM_ASSIGN_OR_RETURN(common::Block block, protocol::ParseBlock(block_bytes));
        protos::DeliverResponse response;
        *response.mutable_filtered_block() = FilterBlock(block, channel.channel_id());
        return util::MessageToByteBuffer(response);
      }
    }
    return Status::Internal("unknown Deliver kind");
  }

  grpc::ByteBuffer EncodeStatus(common::Status status) const override {
    protos::DeliverResponse response;
    response.set_status(status);
    return util::MessageToByteBuffer(response);
  }

 private:
  const Kind kind_;
};

// Fabric's deliver metrics of one kind of Deliver, labelled with its
// filtered / data_type.
class PeerDeliverEvents final : public orderer::DeliverStreamEvents {
 public:
  PeerDeliverEvents(const DeliverMetrics* metrics, Kind kind) : metrics_(metrics), kind_(kind) {}

  void OnDeliverStreamOpened() override { metrics_->streams_opened->Get().Inc(); }
  void OnDeliverStreamClosed() override { metrics_->streams_closed->Get().Inc(); }
  void OnDeliverRequestReceived(const std::string& channel) override {
    metrics_->requests_received->With({channel, FilteredLabel(kind_), DataTypeLabel(kind_)}).Inc();
  }
  void OnDeliverRequestCompleted(const std::string& channel, common::Status status) override {
    metrics_->requests_completed
        ->With({channel, FilteredLabel(kind_), DataTypeLabel(kind_),
                status == common::SUCCESS ? ops::kBoolTrue : ops::kBoolFalse})
        .Inc();
  }
  void OnBlockSent(const std::string& channel) override {
    metrics_->blocks_sent->With({channel, FilteredLabel(kind_), DataTypeLabel(kind_)}).Inc();
  }

 private:
  const DeliverMetrics* metrics_;
  const Kind kind_;
};

// What the reactors of one kind of Deliver share.
struct KindContext {
  KindContext(Kind kind, const DeliverMetrics* metrics) : encoder(kind), events(metrics, kind) {}
  PeerDeliverEncoder encoder;
  PeerDeliverEvents events;
  orderer::DeliverReactorConfig config;
};

class PeerDeliverService final
    : public protos::Deliver::WithRawCallbackMethod_Deliver<
          protos::Deliver::WithRawCallbackMethod_DeliverFiltered<
              protos::Deliver::WithRawCallbackMethod_DeliverWithPrivateData<protos::Deliver::Service>>> {
 public:
  PeerDeliverService(const DeliverHandler* blocks, const DeliverHandler* filtered, util::WorkerPool* workers,
                     DeliverMetrics metrics, PeerDeliverServiceOptions options)
      : metrics_(metrics),
        block_(Kind::kBlock, &metrics_),
        filtered_(Kind::kFiltered, &metrics_),
        private_data_(Kind::kPrivateData, &metrics_) {
    for (KindContext* context : {&block_, &filtered_, &private_data_}) {
      orderer::DeliverReactorConfig& config = context->config;
      config.handler = context == &filtered_ ? filtered : blocks;
      config.workers = workers;
      config.encoder = &context->encoder;
      config.events = metrics_.enabled() ? &context->events : nullptr;
      config.streams = options.active_streams;
      config.log = options.log;
      config.shutting_down_message = "the peer is shutting down";
    }
  }

  RawReactor* Deliver(grpc::CallbackServerContext*) override {
    return orderer::NewDeliverReactor(&block_.config);
  }
  RawReactor* DeliverFiltered(grpc::CallbackServerContext*) override {
    return orderer::NewDeliverReactor(&filtered_.config);
  }
  RawReactor* DeliverWithPrivateData(grpc::CallbackServerContext*) override {
    return orderer::NewDeliverReactor(&private_data_.config);
  }

 private:
  const DeliverMetrics metrics_;
  KindContext block_;
  KindContext filtered_;
  KindContext private_data_;
};

}  // namespace

Result<std::unique_ptr<grpc::Service>> MakePeerDeliverService(const DeliverHandler* blocks,
                                                              const DeliverHandler* filtered,
                                                              util::WorkerPool* workers,
                                                              PeerDeliverServiceOptions options) {
  LOOM_ASSIGN_OR_RETURN(DeliverMetrics metrics, DeliverMetrics::Create(options.metrics));
  return std::unique_ptr<grpc::Service>(
      std::make_unique<PeerDeliverService>(blocks, filtered, workers, metrics, std::move(options)));
}

}  // namespace loom::peer
