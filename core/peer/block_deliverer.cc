#include "core/peer/block_deliverer.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "core/orderer/deliver_client_channel.h"
#include "core/orderer/seek_envelope.h"
#include "orderer/ab.grpc.pb.h"

namespace loom::peer {
namespace {

Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return Status::Unavailable("the orderer ended the Deliver stream");
  return orderer::DeliverCallFailure(status);
}

}  // namespace

class BlockDeliverer::Impl {
 public:
  Impl(PeerChannel* channel, const protocol::Signer* signer, BlockDelivererOptions options)
      : channel_(channel),
        signer_(signer),
        options_(std::move(options)),
        credentials_(orderer::DeliverClientCredentials(
            options_.tls_root_certs_pem, options_.tls_client_cert_pem, options_.tls_client_key_pem)) {}

  ~Impl() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      if (current_call_ != nullptr) current_call_->TryCancel();
    }
    wakeup_.notify_all();
    std::lock_guard join(join_mutex_);
    if (thread_.joinable()) thread_.join();
  }

  std::string current_endpoint() const {
    std::lock_guard lock(mutex_);
    return current_endpoint_;
  }
  uint64_t streams_opened() const {
    std::lock_guard lock(mutex_);
    return streams_opened_;
  }
  Status last_problem() const {
    std::lock_guard lock(mutex_);
    return last_problem_;
  }

 private:
  void Log(const std::string& line) const {
    if (options_.log) options_.log("deliver " + channel_->channel_id() + ": " + line);
  }

  bool Stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

  void Run() {
    size_t next = 0;
    std::chrono::milliseconds backoff = options_.initial_backoff;
    while (!Stopping()) {
      std::vector<std::string> endpoints =
          options_.endpoints.empty() ? channel_->OrdererEndpoints() : options_.endpoints;
      Status problem;
      bool delivered = false;
      std::string address;
      if (endpoints.empty()) {
        problem = Status::FailedPrecondition("the channel config names no orderer endpoint");
      } else {
        address = endpoints[next % endpoints.size()];
        problem = RunStream(address, &delivered);
        ++next;
      }
      if (Stopping()) break;
      if (delivered) backoff = options_.initial_backoff;
      {
        std::lock_guard lock(mutex_);
        last_problem_ = problem;
      }
      std::string next_address = endpoints.empty() ? "" : endpoints[next % endpoints.size()];
      Log((address.empty() ? std::string("no stream") : "the stream from " + address + " ended") + ": " +
          problem.ToString() + "; trying " + (next_address.empty() ? "again" : next_address) + " in " +
          std::to_string(backoff.count()) + " ms");
      std::unique_lock lock(mutex_);
      wakeup_.wait_for(lock, backoff, [&] { return stopping_; });
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }

  std::shared_ptr<grpc::Channel> ChannelFor(const std::string& address) {
    auto found = channels_.find(address);
    if (found != channels_.end()) return found->second;
    auto channel = orderer::DialDeliverEndpoint(address, credentials_, options_.max_message_bytes,
                                                options_.tls_server_name_override);
    channels_.emplace(address, channel);
    return channel;
  }

  // One Deliver stream from `address`, from the channel's height on, until
  // it ends, fails, a block is refused or Stop. Returns why it ended.
  Status RunStream(const std::string& address, bool* delivered) {
    const uint64_t start = channel_->Height();
    auto seek = orderer::CreateSeekEnvelope(
        channel_->channel_id(), *signer_,
        orderer::MakeSeekInfo(orderer::SeekPoint::Number(start),
                              orderer::SeekPoint::Number(std::numeric_limits<uint64_t>::max()),
                              ::orderer::SeekInfo::BLOCK_UNTIL_READY));
    if (!seek.ok()) return seek.status().WithContext("signing the seek request");

    grpc::ClientContext context;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return Status::FailedPrecondition("stopping");
      current_call_ = &context;
      current_endpoint_ = address;
      ++streams_opened_;
    }
    Log("asking " + address + " for blocks from " + std::to_string(start));
    ::orderer::AtomicBroadcast::Stub stub(ChannelFor(address));
    std::unique_ptr<grpc::ClientReaderWriter<common::Envelope, ::orderer::DeliverResponse>> stream =
        stub.Deliver(&context);
    Status problem;
    bool answered = false;  // ended by us or by a status: the gRPC status does not matter
    if (stream->Write(*seek)) {
      ::orderer::DeliverResponse response;
      while (stream->Read(&response)) {
        if (response.has_block()) {
          Status submitted = channel_->SubmitBlock(std::move(*response.mutable_block()), address);
          if (!submitted.ok()) {
            problem = submitted.WithContext("block from " + address + " refused");
            answered = true;
            break;
          }
          *delivered = true;
          continue;
        }
        answered = true;
        problem = response.Type_case() == ::orderer::DeliverResponse::kStatus
                      ? Status::Unavailable("answered " + common::Status_Name(response.status()) +
                                            " when asked from block " + std::to_string(start))
                      : Status::Unavailable("sent a DeliverResponse with neither block nor status");
        break;
      }
    }
    context.TryCancel();
    grpc::Status final_status = stream->Finish();
    {
      std::lock_guard lock(mutex_);
      current_call_ = nullptr;
    }
    if (!answered) problem = FromGrpcStatus(final_status);
    return problem;
  }

  PeerChannel* const channel_;
  const protocol::Signer* const signer_;
  const BlockDelivererOptions options_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;  // deliver thread only

  mutable std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;                        // guarded by mutex_
  grpc::ClientContext* current_call_ = nullptr;  // guarded by mutex_
  std::string current_endpoint_;                 // guarded by mutex_
  uint64_t streams_opened_ = 0;                  // guarded by mutex_
  Status last_problem_;                          // guarded by mutex_

  std::mutex join_mutex_;
  std::thread thread_;
};

Result<std::unique_ptr<BlockDeliverer>> BlockDeliverer::Start(PeerChannel* channel,
                                                              const protocol::Signer* signer,
                                                              BlockDelivererOptions options) {
  if (channel == nullptr) return Status::InvalidArgument("block deliverer: no channel");
  const std::string what = "block deliverer of channel " + channel->channel_id();
  if (signer == nullptr) return Status::InvalidArgument(what + ": no signer");
  for (size_t i = 0; i < options.endpoints.size(); ++i) {
    if (options.endpoints[i].empty()) {
      return Status::InvalidArgument(what + ": endpoints[" + std::to_string(i) + "] is empty");
    }
  }
  LOOM_RETURN_IF_ERROR(orderer::CheckDeliverClientTls(options.tls_root_certs_pem, options.tls_client_cert_pem,
                                                      options.tls_client_key_pem,
                                                      options.tls_server_name_override)
                           .WithContext(what));
  if (options.initial_backoff.count() <= 0 || options.max_backoff < options.initial_backoff) {
    return Status::InvalidArgument(what + ": backoff must be positive with max_backoff >= initial_backoff");
  }
  if (options.max_message_bytes == 0 ||
      options.max_message_bytes > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::InvalidArgument(what + ": max_message_bytes must be between 1 and 2 GiB");
  }
  auto impl = std::make_unique<Impl>(channel, signer, std::move(options));
  impl->Start();
  return std::unique_ptr<BlockDeliverer>(new BlockDeliverer(std::move(impl)));
}

BlockDeliverer::BlockDeliverer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BlockDeliverer::~BlockDeliverer() = default;

void BlockDeliverer::Stop() {
  impl_->Stop();
}
std::string BlockDeliverer::current_endpoint() const {
  return impl_->current_endpoint();
}
uint64_t BlockDeliverer::streams_opened() const {
  return impl_->streams_opened();
}
Status BlockDeliverer::last_problem() const {
  return impl_->last_problem();
}

}  // namespace loom::peer
