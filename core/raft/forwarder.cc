// Forward streams: the leader side (ServerConn's forward stage) and the
// follower side (ForwardClient), plus TransportCore's forwarding entry points.
#include <atomic>

#include "core/raft/transport_core.h"

namespace loom::raft::internal {
namespace {

// A peer that does not read its responses must not grow our write queue
// without bound.
constexpr size_t kMaxQueuedResponseBytes = 16u << 20;

}  // namespace

int WriteBytes(uv_tcp_t* tcp, std::string bytes, std::function<void(int)> on_error) {
  struct Write {
    uv_write_t request;
    std::string bytes;
    std::function<void(int)> on_error;
  };
  auto* write = new Write;
  write->bytes = std::move(bytes);
  write->on_error = std::move(on_error);
  write->request.data = write;
  uv_buf_t buf = uv_buf_init(write->bytes.data(), static_cast<unsigned>(write->bytes.size()));
  int rv = uv_write(&write->request, reinterpret_cast<uv_stream_t*>(tcp), &buf, 1,
                    [](uv_write_t* req, int status) {
                      auto* write = static_cast<Write*>(req->data);
                      if (status != 0 && status != UV_ECANCELED && write->on_error) write->on_error(status);
                      delete write;
                    });
  if (rv != 0) delete write;
  return rv;
}

// ------------------------------------------------- leader side (server) ----

void ServerConn::StartForwarding() {
  stage_ = Stage::kForward;
  frames_ = std::make_unique<FrameReader>(kForwardRequestHeaderBytes, core_->options().max_frame_bytes);
  chunk_ = std::make_unique<char[]>(kReadChunkBytes);
  reply_target_ = std::make_shared<ServerConn*>(this);
}

void ServerConn::OnForwardBytes(ssize_t nread, const uv_buf_t* buf) {
  if (nread == 0) return;
  if (nread < 0) {
    Close(nread == UV_EOF
              ? ""
              : "forward stream from " + peer_ + ": read: " + uv_strerror(static_cast<int>(nread)));
    return;
  }
  frames_->Append(buf->base, static_cast<size_t>(nread));
  std::string body;
  while (stage_ == Stage::kForward) {
    auto next = frames_->Next(&body);
    if (!next.ok()) {
      Close("forward stream from " + peer_ + " (channel " + preamble_.channel +
            ") closed: " + next.status().message());
      return;
    }
    if (!*next) break;
    Dispatch(DecodeForwardRequest(body));
  }
  if (stage_ == Stage::kForward && in_flight_ >= core_->options().max_forwards_in_flight &&
      !reading_paused_) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(tcp_));
    reading_paused_ = true;
  }
}

void ServerConn::Dispatch(ForwardRequest request) {
  in_flight_++;
  const ClusterTransport::ForwardHandler* handler = core_->FindForwardHandler(preamble_.channel);
  if (handler == nullptr) {
    SendResponse(request.sequence,
                 Status::Unavailable("channel " + preamble_.channel + ": not accepting forwards"));
    return;
  }
  std::weak_ptr<ServerConn*> target = reply_target_;
  EventLoop* event_loop = core_->event_loop();
  auto replied = std::make_shared<std::atomic<bool>>(false);
  uint64_t sequence = request.sequence;
  ClusterTransport::ForwardReply reply = [target, event_loop, replied, sequence](Status status) {
    if (replied->exchange(true)) return;  // exactly once
    auto send = [target, sequence, status = std::move(status)] {
      if (std::shared_ptr<ServerConn*> conn = target.lock()) (*conn)->SendResponse(sequence, status);
    };
    if (event_loop->InLoopThread()) {
      send();
    } else {
      event_loop->Post(std::move(send));
    }
  };
  // A copy: the handler may unregister itself.
  ClusterTransport::ForwardHandler call = *handler;
  call(std::move(request.payload), std::move(reply));
}

void ServerConn::SendResponse(uint64_t sequence, const Status& status) {
  if (stage_ != Stage::kForward) return;
  if (in_flight_ > 0) in_flight_--;
  // Keep a response (its message) within the peer's frame limit.
  Status bounded = status;
  uint64_t limit = core_->options().max_frame_bytes - kForwardResponseHeaderBytes;
  if (!status.ok() && status.message().size() > limit) {
    bounded = StatusFromCode(status.code(), status.message().substr(0, limit));
  }
  int rv = WriteBytes(tcp_, EncodeForwardResponse(sequence, bounded),
                      [target = std::weak_ptr<ServerConn*>(reply_target_)](int error) {
                        if (auto conn = target.lock())
                          (*conn)->Close(std::string("forward stream: write: ") + uv_strerror(error));
                      });
  if (rv != 0) {
    Close("forward stream from " + peer_ + ": write: " + uv_strerror(rv));
    return;
  }
  if (uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(tcp_)) > kMaxQueuedResponseBytes) {
    Close("forward stream from " + peer_ + " closed: the peer does not read its responses");
    return;
  }
  MaybeResumeReading();
}

void ServerConn::MaybeResumeReading() {
  if (!reading_paused_ || in_flight_ >= core_->options().max_forwards_in_flight) return;
  reading_paused_ = false;
  int rv = uv_read_start(reinterpret_cast<uv_stream_t*>(tcp_), &ServerConn::OnAlloc, &ServerConn::OnRead);
  if (rv != 0) Close("forward stream from " + peer_ + ": read: " + uv_strerror(rv));
}

// ----------------------------------------------- follower side (client) ----

ForwardClient::ForwardClient(TransportCore* core, std::string address, std::string channel, uint64_t self_id)
    : core_(core),
      address_(std::move(address)),
      channel_(std::move(channel)),
      self_id_(self_id),
      frames_(kForwardResponseHeaderBytes, core->options().max_frame_bytes) {}

Status ForwardClient::Start() {
  Preamble preamble{StreamKind::kForward, channel_, self_id_, core_->bound_address()};
  LOOM_ASSIGN_OR_RETURN(std::string encoded, EncodePreamble(preamble));
  core_->Retain();
  uv_timer_init(core_->loop(), &timer_);
  timer_.data = this;
  references_++;  // the timer, until its close callback
  references_++;  // the dial
  dial_ = Dial::Start(core_->loop(), address_, std::move(encoded), core_->options().dial_timeout_ms,
                      [this](uv_tcp_t* tcp, bool /*canceled*/, const std::string& error) {
                        dial_ = nullptr;
                        OnDialed(tcp, error);
                        Release();
                      });
  return Status::Ok();
}

void ForwardClient::OnDialed(uv_tcp_t* tcp, const std::string& error) {
  if (tcp == nullptr) {
    Fail("connect failed: " + error);
    return;
  }
  if (failed_) {
    uv_close(reinterpret_cast<uv_handle_t*>(tcp), [](uv_handle_t* handle) { raft_free(handle); });
    return;
  }
  tcp_ = tcp;
  ever_connected_ = true;
  tcp_->data = this;
  references_++;
  chunk_ = std::make_unique<char[]>(kReadChunkBytes);
  int rv =
      uv_read_start(reinterpret_cast<uv_stream_t*>(tcp_), &ForwardClient::OnAlloc, &ForwardClient::OnRead);
  if (rv != 0) {
    Fail(std::string("read: ") + uv_strerror(rv));
    return;
  }
  std::vector<std::string> queued = std::move(queued_frames_);
  queued_frames_.clear();
  for (std::string& frame : queued) {
    if (failed_) return;
    Write(std::move(frame));
  }
}

void ForwardClient::Send(std::string payload, std::function<void(Status)> done) {
  uint64_t sequence = next_sequence_++;
  uint64_t timeout = core_->options().forward_timeout_ms;
  pending_[sequence] = Pending{std::move(done), timeout == 0 ? 0 : uv_now(core_->loop()) + timeout};
  if (pending_.size() == 1) ArmTimer();
  std::string frame = EncodeForwardRequest(sequence, payload);
  if (tcp_ == nullptr) {
    queued_frames_.push_back(std::move(frame));
    return;
  }
  Write(std::move(frame));
}

void ForwardClient::Write(std::string frame) {
  // The client stays alive while its stream is open, and the stream closes
  // (cancelling writes) before the client is freed.
  int rv = WriteBytes(tcp_, std::move(frame),
                      [this](int error) { Fail(std::string("write: ") + uv_strerror(error)); });
  if (rv != 0) Fail(std::string("write: ") + uv_strerror(rv));
}

void ForwardClient::OnAlloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  auto* self = static_cast<ForwardClient*>(handle->data);
  *buf = uv_buf_init(self->chunk_.get(), kReadChunkBytes);
}

void ForwardClient::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  static_cast<ForwardClient*>(stream->data)->OnBytes(nread, buf);
}

void ForwardClient::OnBytes(ssize_t nread, const uv_buf_t* buf) {
  if (failed_ || nread == 0) return;
  if (nread < 0) {
    Fail(nread == UV_EOF ? "connection closed by the peer"
                         : std::string("read: ") + uv_strerror(static_cast<int>(nread)));
    return;
  }
  frames_.Append(buf->base, static_cast<size_t>(nread));
  std::string body;
  while (!failed_) {
    auto next = frames_.Next(&body);
    if (!next.ok()) {
      Fail("bad response: " + next.status().message());
      return;
    }
    if (!*next) return;
    auto response = DecodeForwardResponse(body);
    if (!response.ok()) {
      Fail("bad response: " + response.status().message());
      return;
    }
    auto it = pending_.find(response->sequence);
    if (it == pending_.end()) {
      // A sequence sent earlier whose forward timed out: a late reply.
      if (response->sequence < next_sequence_) continue;
      Fail("bad response: unknown sequence " + std::to_string(response->sequence));
      return;
    }
    bool was_oldest = it == pending_.begin();
    std::function<void(Status)> done = std::move(it->second.done);
    pending_.erase(it);
    if (was_oldest) ArmTimer();
    done(std::move(response->status));
  }
}

void ForwardClient::Fail(const std::string& reason) {
  if (failed_) return;
  failed_ = true;
  core_->ForgetForwardClient(address_, channel_, this);
  if (dial_ != nullptr) dial_->Cancel();
  if (tcp_ != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(tcp_), [](uv_handle_t* handle) {
      auto* self = static_cast<ForwardClient*>(handle->data);
      raft_free(handle);
      self->Release();
    });
    tcp_ = nullptr;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_),
           [](uv_handle_t* handle) { static_cast<ForwardClient*>(handle->data)->Release(); });
  std::map<uint64_t, Pending> pending = std::move(pending_);
  pending_.clear();
  queued_frames_.clear();
  // Nothing reached the leader when the connection never came up: the
  // caller may safely send again (FailedPrecondition); after that, whether
  // the leader got a request is unknown (Unavailable).
  Status status =
      ever_connected_
          ? Status::Unavailable("forward to " + address_ + " (channel " + channel_ + "): " + reason)
          : Status::FailedPrecondition("forward to " + address_ + " (channel " + channel_ +
                                       ") not sent: " + reason);
  for (auto& [sequence, forward] : pending) forward.done(status);
  Release();  // the owner's reference
}

void ForwardClient::ArmTimer() {
  if (failed_) return;
  uv_timer_stop(&timer_);
  if (pending_.empty() || pending_.begin()->second.deadline_ms == 0) return;
  uint64_t now = uv_now(core_->loop());
  uint64_t deadline = pending_.begin()->second.deadline_ms;
  uv_timer_start(
      &timer_, [](uv_timer_t* timer) { static_cast<ForwardClient*>(timer->data)->ExpireForwards(); },
      deadline > now ? deadline - now : 0, 0);
}

void ForwardClient::ExpireForwards() {
  uint64_t now = uv_now(core_->loop());
  std::vector<std::function<void(Status)>> expired;
  while (!pending_.empty() && pending_.begin()->second.deadline_ms != 0 &&
         pending_.begin()->second.deadline_ms <= now) {
    expired.push_back(std::move(pending_.begin()->second.done));
    pending_.erase(pending_.begin());
  }
  ArmTimer();
  Status status =
      Status::DeadlineExceeded("forward to " + address_ + " (channel " + channel_ + "): no reply within " +
                               std::to_string(core_->options().forward_timeout_ms) +
                               " ms; the payload may or may not have been ordered");
  for (auto& done : expired) done(status);
}

void ForwardClient::Release() {
  if (--references_ > 0) return;
  TransportCore* core = core_;
  delete this;
  core->Release();
}

// ------------------------------------------------------- core entries ----

void TransportCore::SetForwardHandler(const std::string& channel, ClusterTransport::ForwardHandler handler) {
  if (handler) {
    forward_handlers_[channel] = std::move(handler);
  } else {
    forward_handlers_.erase(channel);
  }
}

const ClusterTransport::ForwardHandler* TransportCore::FindForwardHandler(const std::string& channel) const {
  auto it = forward_handlers_.find(channel);
  return it == forward_handlers_.end() ? nullptr : &it->second;
}

void TransportCore::Forward(const std::string& channel, uint64_t self_id, const std::string& address,
                            std::string payload, std::function<void(Status)> done) {
  auto fail_later = [this, &done](Status status) {
    Defer([done = std::move(done), status = std::move(status)] { done(status); });
  };
  if (closing_) {
    fail_later(Status::Unavailable("forward to " + address + " (channel " + channel +
                                   "): the cluster transport is closing"));
    return;
  }
  if (kForwardRequestHeaderBytes + payload.size() > options_.max_frame_bytes) {
    fail_later(Status::InvalidArgument("forward to " + address + " (channel " + channel + "): payload of " +
                                       std::to_string(payload.size()) + " bytes exceeds the frame limit of " +
                                       std::to_string(options_.max_frame_bytes) + " bytes"));
    return;
  }
  auto key = std::make_pair(address, channel);
  auto it = forward_clients_.find(key);
  ForwardClient* client = nullptr;
  if (it != forward_clients_.end()) {
    client = it->second;
  } else {
    client = new ForwardClient(this, address, channel, self_id);
    Status started = client->Start();
    if (!started.ok()) {
      delete client;
      fail_later(Status::InvalidArgument("forward to " + address + ": " + started.message()));
      return;
    }
    forward_clients_[key] = client;
  }
  client->Send(std::move(payload), std::move(done));
}

void TransportCore::ForgetForwardClient(const std::string& address, const std::string& channel,
                                        ForwardClient* client) {
  auto it = forward_clients_.find(std::make_pair(address, channel));
  if (it != forward_clients_.end() && it->second == client) forward_clients_.erase(it);
}

}  // namespace loom::raft::internal
