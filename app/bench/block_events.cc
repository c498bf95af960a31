#include "app/bench/block_events.h"

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <limits>
#include <mutex>

#include "core/orderer/seek_envelope.h"
#include "orderer/ab.grpc.pb.h"
#include "peer/events.grpc.pb.h"

namespace loom::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The tx ids of a full block's envelopes (unparsable ones are skipped: the
// bench only looks for its own transactions).
std::vector<BlockTx> TxsOfBlock(const common::Block& block) {
  std::vector<BlockTx> txs;
  for (const std::string& data : block.data().data()) {
    common::Envelope envelope;
    common::Payload payload;
    common::ChannelHeader header;
    if (envelope.ParseFromString(data) && payload.ParseFromString(envelope.payload()) &&
        header.ParseFromString(payload.header().channel_header())) {
      txs.push_back({header.tx_id(), 0});
    }
  }
  return txs;
}

}  // namespace

struct BlockEventStream::Impl {
  grpc::ClientContext context;
  std::unique_ptr<protos::Deliver::Stub> peer_stub;
  std::unique_ptr<::orderer::AtomicBroadcast::Stub> orderer_stub;
  std::unique_ptr<grpc::ClientReaderWriter<common::Envelope, protos::DeliverResponse>> peer_stream;
  std::unique_ptr<grpc::ClientReaderWriter<common::Envelope, ::orderer::DeliverResponse>> orderer_stream;
  BlockCallback on_block;

  std::mutex mutex;
  std::condition_variable changed;
  bool started = false, ended = false;
  std::string end_reason;

  void MarkStarted() {
    std::lock_guard lock(mutex);
    started = true;
    changed.notify_all();
  }
  void MarkEnded(std::string reason) {
    std::lock_guard lock(mutex);
    ended = true;
    end_reason = std::move(reason);
    changed.notify_all();
  }

  void ReadPeer() {
    protos::DeliverResponse response;
    while (peer_stream->Read(&response)) {
      if (response.has_filtered_block()) {
        auto arrived = SteadyClock::now();
        std::vector<BlockTx> txs;
        for (const protos::FilteredTransaction& tx : response.filtered_block().filtered_transactions()) {
          txs.push_back({tx.txid(), tx.tx_validation_code()});
        }
        MarkStarted();
        on_block(response.filtered_block().number(), txs, arrived);
      } else if (response.Type_case() == protos::DeliverResponse::kStatus) {
        MarkEnded("DeliverFiltered ended with status " + common::Status_Name(response.status()));
        break;
      }
    }
    grpc::Status status = peer_stream->Finish();
    MarkEnded(status.ok() ? "the peer ended DeliverFiltered" : status.error_message());
  }

  void ReadOrderer() {
    ::orderer::DeliverResponse response;
    while (orderer_stream->Read(&response)) {
      if (response.has_block()) {
        auto arrived = SteadyClock::now();
        MarkStarted();
        on_block(response.block().header().number(), TxsOfBlock(response.block()), arrived);
      } else if (response.Type_case() == ::orderer::DeliverResponse::kStatus) {
        MarkEnded("Deliver ended with status " + common::Status_Name(response.status()));
        break;
      }
    }
    grpc::Status status = orderer_stream->Finish();
    MarkEnded(status.ok() ? "the orderer ended Deliver" : status.error_message());
  }
};

Result<std::unique_ptr<BlockEventStream>> BlockEventStream::Start(
    Source source, const std::shared_ptr<grpc::Channel>& node, const std::string& channel,
    const protocol::Signer& signer, BlockCallback on_block, std::chrono::milliseconds timeout) {
  ::orderer::SeekInfo seek = orderer::MakeSeekInfo(
      orderer::SeekPoint::Newest(), orderer::SeekPoint::Number(std::numeric_limits<uint64_t>::max()));
  LOOM_ASSIGN_OR_RETURN(common::Envelope request, orderer::CreateSeekEnvelope(channel, signer, seek));
  std::unique_ptr<BlockEventStream> stream(new BlockEventStream());
  stream->impl_ = std::make_unique<Impl>();
  Impl& impl = *stream->impl_;
  impl.on_block = std::move(on_block);
  bool written = false;
  const char* what = source == Source::kPeerFiltered ? "DeliverFiltered" : "Deliver";
  if (source == Source::kPeerFiltered) {
    impl.peer_stub = protos::Deliver::NewStub(node);
    impl.peer_stream = impl.peer_stub->DeliverFiltered(&impl.context);
    written = impl.peer_stream->Write(request);
    stream->reader_ = std::thread([&impl] { impl.ReadPeer(); });
  } else {
    impl.orderer_stub = ::orderer::AtomicBroadcast::NewStub(node);
    impl.orderer_stream = impl.orderer_stub->Deliver(&impl.context);
    written = impl.orderer_stream->Write(request);
    stream->reader_ = std::thread([&impl] { impl.ReadOrderer(); });
  }
  std::unique_lock lock(impl.mutex);
  bool settled = impl.changed.wait_for(lock, timeout, [&] { return impl.started || impl.ended; });
  if (impl.started) return stream;
  std::string reason = !written     ? std::string("the request could not be sent")
                       : impl.ended ? impl.end_reason
                       : !settled   ? "no block within " + std::to_string(timeout.count()) + " ms"
                                    : std::string("no answer");
  lock.unlock();
  return Status::Unavailable(std::string(what) + " on channel " + channel + ": " + reason);
}

BlockEventStream::~BlockEventStream() {
  if (impl_) impl_->context.TryCancel();
  if (reader_.joinable()) reader_.join();
}

struct BroadcastStream::Impl {
  grpc::ClientContext context;
  std::unique_ptr<::orderer::AtomicBroadcast::Stub> stub;
  std::unique_ptr<grpc::ClientReaderWriter<common::Envelope, ::orderer::BroadcastResponse>> stream;
};

BroadcastStream::BroadcastStream(std::vector<std::shared_ptr<grpc::Channel>> orderers,
                                 std::chrono::system_clock::time_point deadline)
    : orderers_(std::move(orderers)), deadline_(deadline) {}

BroadcastStream::~BroadcastStream() {
  Close();
}

void BroadcastStream::Close() {
  if (!impl_) return;
  impl_->stream->WritesDone();
  impl_->context.TryCancel();
  impl_->stream->Finish();
  impl_.reset();
}

Result<std::pair<int, std::string>> BroadcastStream::Send(const common::Envelope& envelope) {
  std::string failure;
  if (orderers_.empty()) return Status::InvalidArgument("Broadcast: no orderer");
  // The current stream may just have gone stale: one extra attempt at it.
  for (size_t attempt = 0; attempt <= orderers_.size(); ++attempt) {
    if (!impl_) {
      impl_ = std::make_unique<Impl>();
      impl_->context.set_deadline(deadline_);
      impl_->stub = ::orderer::AtomicBroadcast::NewStub(orderers_[current_]);
      impl_->stream = impl_->stub->Broadcast(&impl_->context);
    }
    ::orderer::BroadcastResponse response;
    if (impl_->stream->Write(envelope) && impl_->stream->Read(&response)) {
      return std::make_pair(static_cast<int>(response.status()), response.info());
    }
    impl_->context.TryCancel();
    grpc::Status status = impl_->stream->Finish();
    failure = status.ok() ? "the orderer closed the stream" : status.error_message();
    impl_.reset();
    if (attempt > 0) current_ = (current_ + 1) % orderers_.size();
    if (std::chrono::system_clock::now() >= deadline_) break;
  }
  return Status::Unavailable("Broadcast: " + failure);
}

}  // namespace loom::bench
