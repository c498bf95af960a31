#include "core/client/network_client.h"

#include <grpcpp/grpcpp.h>

#include <limits>

#include "core/orderer/seek_envelope.h"
#include "orderer/ab.grpc.pb.h"
#include "peer/events.grpc.pb.h"
#include "peer/peer.grpc.pb.h"

namespace loom::client {
namespace {

constexpr int kMaxMessageBytes = 100 << 20;

std::chrono::system_clock::time_point DeadlineIn(std::chrono::milliseconds timeout) {
  return std::chrono::system_clock::now() + timeout;
}

Status FromGrpc(const grpc::Status& status, const std::string& what) {
  std::string message = what + ": " + status.error_message();
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) return Status::DeadlineExceeded(message);
  return Status::Unavailable(message + " (gRPC code " + std::to_string(status.error_code()) + ")");
}

}  // namespace

std::shared_ptr<grpc::Channel> Dial(const Endpoint& endpoint) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  if (endpoint.tls_root_certs_pem.empty()) {
    return grpc::CreateCustomChannel(endpoint.address, grpc::InsecureChannelCredentials(), arguments);
  }
  if (!endpoint.tls_server_name.empty()) arguments.SetSslTargetNameOverride(endpoint.tls_server_name);
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = endpoint.tls_root_certs_pem;
  return grpc::CreateCustomChannel(endpoint.address, grpc::SslCredentials(tls), arguments);
}

Result<protos::ProposalResponse> Endorse(const std::shared_ptr<grpc::Channel>& peer,
                                         const protos::SignedProposal& proposal,
                                         std::chrono::milliseconds timeout) {
  auto stub = protos::Endorser::NewStub(peer);
  grpc::ClientContext context;
  context.set_deadline(DeadlineIn(timeout));
  protos::ProposalResponse response;
  grpc::Status status = stub->ProcessProposal(&context, proposal, &response);
  if (!status.ok()) return FromGrpc(status, "ProcessProposal at " + context.peer());
  return response;
}

Result<::orderer::BroadcastResponse> Broadcast(const std::shared_ptr<grpc::Channel>& orderer,
                                               const common::Envelope& envelope,
                                               std::chrono::milliseconds timeout) {
  auto stub = ::orderer::AtomicBroadcast::NewStub(orderer);
  grpc::ClientContext context;
  context.set_deadline(DeadlineIn(timeout));
  auto stream = stub->Broadcast(&context);
  ::orderer::BroadcastResponse response;
  bool answered = stream->Write(envelope) && stream->Read(&response);
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  if (answered) return response;
  if (status.ok()) return Status::Unavailable("Broadcast: the orderer closed the stream without an answer");
  return FromGrpc(status, "Broadcast");
}

struct CommitWatcher::Stream {
  std::unique_ptr<protos::Deliver::Stub> stub;
  std::unique_ptr<grpc::ClientReaderWriter<common::Envelope, protos::DeliverResponse>> rw;
};

Result<std::unique_ptr<CommitWatcher>> CommitWatcher::Start(const std::shared_ptr<grpc::Channel>& peer,
                                                            const std::string& channel,
                                                            const protocol::Signer& signer,
                                                            std::chrono::milliseconds timeout) {
  ::orderer::SeekInfo seek = orderer::MakeSeekInfo(
      orderer::SeekPoint::Newest(), orderer::SeekPoint::Number(std::numeric_limits<uint64_t>::max()));
  LOOM_ASSIGN_OR_RETURN(common::Envelope request, orderer::CreateSeekEnvelope(channel, signer, seek));

  std::unique_ptr<CommitWatcher> watcher(new CommitWatcher());
  watcher->context_ = std::make_unique<grpc::ClientContext>();
  watcher->stream_ = std::make_unique<Stream>();
  watcher->stream_->stub = protos::Deliver::NewStub(peer);
  watcher->stream_->rw = watcher->stream_->stub->DeliverFiltered(watcher->context_.get());
  if (!watcher->stream_->rw->Write(request)) {
    watcher->context_->TryCancel();
    grpc::Status status = watcher->stream_->rw->Finish();
    return FromGrpc(status, "DeliverFiltered on channel " + channel);
  }
  watcher->reader_ = std::thread([w = watcher.get()] { w->ReadLoop(); });

  std::unique_lock lock(watcher->mutex_);
  bool started = watcher->changed_.wait_for(
      lock, timeout, [&] { return watcher->first_response_ || watcher->ended_.has_value(); });
  if (watcher->ended_ && !watcher->first_response_) return *watcher->ended_;
  if (!started) {
    return Status::DeadlineExceeded("DeliverFiltered on channel " + channel + ": no answer within " +
                                    std::to_string(timeout.count()) + " ms");
  }
  lock.unlock();
  return watcher;
}

CommitWatcher::~CommitWatcher() {
  if (context_) context_->TryCancel();
  if (reader_.joinable()) reader_.join();
}

void CommitWatcher::ReadLoop() {
  protos::DeliverResponse response;
  std::optional<Status> ended;
  while (stream_->rw->Read(&response)) {
    std::lock_guard lock(mutex_);
    first_response_ = true;
    if (response.has_filtered_block()) {
      const protos::FilteredBlock& block = response.filtered_block();
      for (const protos::FilteredTransaction& tx : block.filtered_transactions()) {
        commits_[tx.txid()] = TxCommit{block.number(), tx.tx_validation_code()};
      }
      height_seen_ = std::max(height_seen_, block.number() + 1);
    } else if (response.Type_case() == protos::DeliverResponse::kStatus) {
      ended =
          Status::Unavailable("DeliverFiltered ended with status " + common::Status_Name(response.status()));
    }
    changed_.notify_all();
  }
  grpc::Status status = stream_->rw->Finish();
  std::lock_guard lock(mutex_);
  if (!ended) {
    ended = status.ok() ? Status::Unavailable("DeliverFiltered: the peer ended the stream")
                        : FromGrpc(status, "DeliverFiltered");
  }
  ended_ = ended;
  changed_.notify_all();
}

Result<TxCommit> CommitWatcher::Wait(const std::string& tx_id,
                                     std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] { return commits_.count(tx_id) != 0 || ended_.has_value(); });
  auto it = commits_.find(tx_id);
  if (it != commits_.end()) return it->second;
  if (ended_) return *ended_;
  return Status::DeadlineExceeded("tx " + tx_id +
                                  " was not committed before the deadline (blocks seen up to " +
                                  std::to_string(height_seen_) + ")");
}

uint64_t CommitWatcher::height_seen() const {
  std::lock_guard lock(mutex_);
  return height_seen_;
}

}  // namespace loom::client
