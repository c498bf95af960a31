#include "core/raft/cluster_transport.h"

#include <cstring>

#include "core/raft/net_address.h"
#include "core/raft/transport_core.h"

namespace loom::raft {
namespace internal {

// ---------------------------------------------------------------- core ----

TransportCore::TransportCore(EventLoop* event_loop, ClusterTransport::Options options)
    : event_loop_(event_loop), loop_(event_loop->loop()), options_(std::move(options)) {}

TransportCore::~TransportCore() {
  // A group libraft has not closed may still be used by it: leave it
  // allocated, detached from this core, rather than free memory in use.
  for (auto& group : groups_) {
    if (!group->released) {
      group->core = nullptr;
      (void)group.release();
    }
  }
}

Status TransportCore::Listen(const std::string& address) {
  if (options_.max_frame_bytes < 16 || options_.max_frame_bytes > 0xffffffffull) {
    return Status::InvalidArgument("cluster transport: max_frame_bytes " +
                                   std::to_string(options_.max_frame_bytes) + " is outside 16..4294967295");
  }
  LOOM_ASSIGN_OR_RETURN(HostPort host_port, SplitHostPort(address));
  sockaddr_storage addr;
  if (!NumericSocketAddress(host_port, &addr)) {
    return Status::InvalidArgument("cluster address \"" + address +
                                   "\": the host must be an IPv4 address, localhost or [IPv6]");
  }
  uv_tcp_init(loop_, &listener_);
  listener_.data = this;
  listening_ = true;
  Retain();  // released by the listener's close callback
  int rv = uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rv == 0) rv = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 128, &TransportCore::OnConnection);
  if (rv != 0) {
    return Status::Unavailable("cluster address \"" + address + "\": cannot listen: " + uv_strerror(rv));
  }
  sockaddr_storage bound;
  int length = sizeof bound;
  rv = uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&bound), &length);
  if (rv != 0) {
    return Status::Internal("cluster address \"" + address + "\": getsockname: " + uv_strerror(rv));
  }
  bound_address_ = FormatSocketAddress(reinterpret_cast<const sockaddr*>(&bound));
  return Status::Ok();
}

void TransportCore::OnConnection(uv_stream_t* server, int status) {
  auto* core = static_cast<TransportCore*>(server->data);
  if (status != 0) {
    core->Log(std::string("accept: ") + uv_strerror(status));
    return;
  }
  auto* tcp = static_cast<uv_tcp_t*>(raft_malloc(sizeof(uv_tcp_t)));
  if (tcp == nullptr) {
    core->Log("accept: out of memory");
    return;
  }
  uv_tcp_init(core->loop_, tcp);
  auto free_tcp = [](uv_handle_t* handle) { raft_free(handle); };
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(tcp)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(tcp), free_tcp);
    return;
  }
  sockaddr_storage peer_addr;
  int length = sizeof peer_addr;
  std::string peer = "?";
  if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&peer_addr), &length) == 0) {
    peer = FormatSocketAddress(reinterpret_cast<const sockaddr*>(&peer_addr));
  }
  if (core->closing_) {
    uv_close(reinterpret_cast<uv_handle_t*>(tcp), free_tcp);
    return;
  }
  if (core->handshaking >= core->options_.max_handshaking_connections) {
    core->Log("connection from " + peer + " closed: already " + std::to_string(core->handshaking) +
              " connections waiting for their preamble");
    uv_close(reinterpret_cast<uv_handle_t*>(tcp), free_tcp);
    return;
  }
  uv_tcp_nodelay(tcp, 1);
  uv_tcp_keepalive(tcp, 1, 30);
  auto* conn = new ServerConn(core, tcp, peer);
  conn->Start();
}

void TransportCore::Close(std::function<void()> done) {
  if (closing_) {
    // Another Close: its `done` runs once the shutdown is complete too.
    if (done) {
      if (close_finished_) {
        Defer(std::move(done));
      } else {
        close_done_.push_back(std::move(done));
      }
    }
    return;
  }
  closing_ = true;
  if (done) close_done_.push_back(std::move(done));
  if (listening_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_),
             [](uv_handle_t* handle) { static_cast<TransportCore*>(handle->data)->Release(); });
  }
  // Copies: closing removes entries from these containers.
  std::vector<ServerConn*> conns(server_conns_.begin(), server_conns_.end());
  for (ServerConn* conn : conns) conn->Close("");
  std::vector<ForwardClient*> clients;
  for (auto& [key, client] : forward_clients_) clients.push_back(client);
  for (ForwardClient* client : clients) client->Fail("cluster transport closing");
  std::vector<Group*> open;
  for (auto& [channel, group] : open_groups_) open.push_back(group);
  for (Group* group : open) {
    Log("channel " + group->channel + ": raft group still open when the cluster transport closed");
    AbandonGroup(group);
  }
  MaybeFinishClose();
}

void TransportCore::Release() {
  outstanding_--;
  MaybeFinishClose();
}

void TransportCore::MaybeFinishClose() {
  if (!closing_ || outstanding_ > 0) return;
  if (!close_finished_) {
    close_finished_ = true;
    std::vector<std::function<void()>> done = std::move(close_done_);
    close_done_.clear();
    for (auto& fn : done) fn();
  }
  // `done` may have queued more work (a Forward failing later).
  if (delete_when_closed_ && outstanding_ == 0) delete this;
}

void TransportCore::DeleteWhenClosed() {
  delete_when_closed_ = true;
  if (!closing_) {
    Close(nullptr);
  } else {
    MaybeFinishClose();
  }
}

void TransportCore::Defer(std::function<void()> fn) {
  struct Deferred {
    uv_timer_t timer;
    std::function<void()> fn;
    TransportCore* core;
  };
  auto* deferred = new Deferred{{}, std::move(fn), this};
  Retain();
  uv_timer_init(loop_, &deferred->timer);
  deferred->timer.data = deferred;
  uv_timer_start(
      &deferred->timer,
      [](uv_timer_t* timer) {
        auto* d = static_cast<Deferred*>(timer->data);
        std::function<void()> fn = std::move(d->fn);
        fn();
        uv_close(reinterpret_cast<uv_handle_t*>(&d->timer), [](uv_handle_t* handle) {
          auto* d = static_cast<Deferred*>(handle->data);
          TransportCore* core = d->core;
          delete d;
          core->Release();
        });
      },
      0, 0);
}

void TransportCore::Log(const std::string& line) {
  if (!options_.log) return;
  uint64_t now = uv_now(loop_);
  if (now - log_window_start_ >= kLogWindowMs) {
    if (log_suppressed_ > 0) {
      options_.log("cluster " + bound_address_ + ": " + std::to_string(log_suppressed_) +
                   " more lines suppressed (rate limit)");
    }
    log_window_start_ = now;
    log_lines_in_window_ = 0;
    log_suppressed_ = 0;
  }
  if (log_lines_in_window_ >= kLogLinesPerWindow) {
    log_suppressed_++;
    return;
  }
  log_lines_in_window_++;
  options_.log("cluster " + bound_address_ + ": " + line);
}

// ------------------------------------------------- incoming connection ----

ServerConn::ServerConn(TransportCore* core, uv_tcp_t* tcp, std::string peer)
    : core_(core), tcp_(tcp), peer_(std::move(peer)) {}

void ServerConn::Start() {
  core_->Retain();
  core_->AddServerConn(this);
  core_->handshaking++;
  tcp_->data = this;
  uv_timer_init(core_->loop(), &timer_);
  timer_.data = this;
  uv_timer_start(&timer_, &ServerConn::OnTimeout, core_->options().handshake_timeout_ms, 0);
  int rv = uv_read_start(reinterpret_cast<uv_stream_t*>(tcp_), &ServerConn::OnAlloc, &ServerConn::OnRead);
  if (rv != 0) Close(std::string("read: ") + uv_strerror(rv));
}

void ServerConn::OnAlloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  auto* self = static_cast<ServerConn*>(handle->data);
  if (self->stage_ == Stage::kPreamble) {
    // Never read past the preamble: what follows belongs to libraft.
    *buf = uv_buf_init(self->preamble_reader_.write_position(),
                       static_cast<unsigned>(self->preamble_reader_.bytes_wanted()));
  } else {
    *buf = uv_buf_init(self->chunk_.get(), kReadChunkBytes);
  }
}

void ServerConn::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<ServerConn*>(stream->data);
  if (self->stage_ == Stage::kPreamble) {
    self->OnPreambleBytes(nread);
  } else if (self->stage_ == Stage::kForward) {
    self->OnForwardBytes(nread, buf);
  }
}

void ServerConn::OnTimeout(uv_timer_t* timer) {
  auto* self = static_cast<ServerConn*>(timer->data);
  if (self->stage_ != Stage::kPreamble) return;
  self->Close("connection from " + self->peer_ + " closed: no complete preamble within " +
              std::to_string(self->core_->options().handshake_timeout_ms) + " ms");
}

void ServerConn::OnPreambleBytes(ssize_t nread) {
  if (nread == 0) return;
  if (nread < 0) {
    Close(nread == UV_EOF ? "connection from " + peer_ + " closed by the peer during the preamble"
                          : "connection from " + peer_ + ": read: " + uv_strerror(static_cast<int>(nread)));
    return;
  }
  Status status = preamble_reader_.Consume(static_cast<size_t>(nread));
  if (!status.ok()) {
    Close("connection from " + peer_ + " closed: " + status.message());
    return;
  }
  if (preamble_reader_.complete()) OnPreambleComplete();
}

void ServerConn::OnPreambleComplete() {
  preamble_ = preamble_reader_.preamble();
  core_->handshaking--;
  uv_timer_stop(&timer_);
  const std::string who = "connection from " + peer_ + " (raft id " + std::to_string(preamble_.raft_id) +
                          ", address " + preamble_.address + ")";
  if (preamble_.kind == StreamKind::kForward) {
    if (core_->FindOpenGroup(preamble_.channel) == nullptr &&
        core_->FindForwardHandler(preamble_.channel) == nullptr) {
      stage_ = Stage::kForward;  // so Close does not count it as handshaking
      Close(who + " closed: forward stream for unknown channel " + preamble_.channel);
      return;
    }
    int rv = WriteBytes(tcp_, std::string(1, kPreambleAccepted), nullptr);
    if (rv != 0) {
      Close(who + ": write: " + uv_strerror(rv));
      return;
    }
    StartForwarding();
    return;
  }
  Group* group = core_->FindOpenGroup(preamble_.channel);
  stage_ = Stage::kForward;
  if (group == nullptr) {
    Close(who + " closed: raft stream for unknown channel " + preamble_.channel);
    return;
  }
  if (group->accept_callback == nullptr) {
    Close(who + " closed: raft group of channel " + preamble_.channel + " is not started yet");
    return;
  }
  if (preamble_.raft_id == 0) {
    Close(who + " closed: raft id 0");
    return;
  }
  int rv = WriteBytes(tcp_, std::string(1, kPreambleAccepted), nullptr);
  if (rv != 0) {
    Close(who + ": write: " + uv_strerror(rv));
    return;
  }
  // Hand the stream over: libraft owns, reads, closes and frees it now (the
  // acceptance write completes or is cancelled on its own).
  uv_read_stop(reinterpret_cast<uv_stream_t*>(tcp_));
  uv_tcp_t* tcp = tcp_;
  tcp_ = nullptr;
  stage_ = Stage::kClosing;
  reply_target_.reset();
  core_->RemoveServerConn(this);
  references_--;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_),
           [](uv_handle_t* handle) { static_cast<ServerConn*>(handle->data)->Release(); });
  tcp->data = nullptr;
  group->accept_callback(&group->transport, preamble_.raft_id, preamble_.address.c_str(),
                         reinterpret_cast<uv_stream_t*>(tcp));
}

void ServerConn::Close(const std::string& reason) {
  if (stage_ == Stage::kClosing) return;
  if (stage_ == Stage::kPreamble) core_->handshaking--;
  stage_ = Stage::kClosing;
  if (!reason.empty()) core_->Log(reason);
  reply_target_.reset();
  core_->RemoveServerConn(this);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_),
           [](uv_handle_t* handle) { static_cast<ServerConn*>(handle->data)->Release(); });
  uv_close(reinterpret_cast<uv_handle_t*>(tcp_), [](uv_handle_t* handle) {
    auto* self = static_cast<ServerConn*>(handle->data);
    raft_free(handle);
    self->Release();
  });
  tcp_ = nullptr;
}

void ServerConn::Release() {
  if (--references_ > 0) return;
  TransportCore* core = core_;
  delete this;
  core->Release();
}

}  // namespace internal

// ------------------------------------------------------------ facade ----

Result<std::unique_ptr<ClusterTransport>> ClusterTransport::Listen(EventLoop* loop,
                                                                   const std::string& address,
                                                                   Options options) {
  if (!loop->InLoopThread()) {
    return Status::FailedPrecondition("ClusterTransport::Listen must run on the event loop thread");
  }
  auto* core = new internal::TransportCore(loop, std::move(options));
  Status status = core->Listen(address);
  if (!status.ok()) {
    core->DeleteWhenClosed();  // closes the listener handle, then frees the core
    return status;
  }
  return std::unique_ptr<ClusterTransport>(new ClusterTransport(loop, core));
}

ClusterTransport::~ClusterTransport() {
  internal::TransportCore* core = core_;
  if (!loop_->RunSync([core] { core->DeleteWhenClosed(); })) {
    // The loop is gone: nothing can close the handles any more. Leak rather
    // than free memory libuv may still point to.
  }
}

std::string ClusterTransport::bound_address() const {
  return core_->bound_address();
}

raft_uv_transport* ClusterTransport::AddGroup(const std::string& channel) {
  return core_->AddGroup(channel);
}

void ClusterTransport::ReleaseGroup(raft_uv_transport* group) {
  internal::ReleaseGroup(group);
}

void ClusterTransport::SetForwardHandler(const std::string& channel, ForwardHandler handler) {
  core_->SetForwardHandler(channel, std::move(handler));
}

void ClusterTransport::Forward(const std::string& channel, uint64_t self_id, const std::string& address,
                               std::string payload, std::function<void(Status)> done) {
  core_->Forward(channel, self_id, address, std::move(payload), std::move(done));
}

void ClusterTransport::Close(std::function<void()> done) {
  core_->Close(std::move(done));
}

}  // namespace loom::raft
