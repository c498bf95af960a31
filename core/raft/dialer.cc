#include "core/raft/dialer.h"

#include <cstring>

#include "core/raft/net_address.h"
#include "core/raft/raft_c.h"
#include "core/raft/wire.h"

namespace loom::raft {

Dial::Dial(uv_loop_t* loop, std::string preamble, Done done)
    : loop_(loop), preamble_(std::move(preamble)), done_(std::move(done)) {}

Dial* Dial::Start(uv_loop_t* loop, const std::string& address, std::string preamble, uint64_t timeout_ms,
                  Done done) {
  auto* dial = new Dial(loop, std::move(preamble), std::move(done));
  uv_timer_init(loop, &dial->timer_);
  dial->timer_.data = dial;

  auto host_port = SplitHostPort(address);
  if (!host_port.ok()) {
    // Report on the next loop turn, never inside Start.
    dial->pending_error_ = host_port.status().message();
    uv_timer_start(&dial->timer_, &Dial::OnTimer, 0, 0);
    return dial;
  }
  uv_timer_start(&dial->timer_, &Dial::OnTimer, timeout_ms, 0);

  sockaddr_storage numeric;
  if (NumericSocketAddress(*host_port, &numeric)) {
    dial->Connect(reinterpret_cast<const sockaddr*>(&numeric));
    return dial;
  }
  addrinfo hints;
  std::memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  dial->resolve_.data = dial;
  std::string port = std::to_string(host_port->port);
  int rv =
      uv_getaddrinfo(loop, &dial->resolve_, &Dial::OnResolved, host_port->host.c_str(), port.c_str(), &hints);
  if (rv != 0) {
    dial->pending_error_ = std::string("resolve ") + host_port->host + ": " + uv_strerror(rv);
    uv_timer_start(&dial->timer_, &Dial::OnTimer, 0, 0);
    return dial;
  }
  dial->references_++;
  return dial;
}

void Dial::Connect(const sockaddr* addr) {
  tcp_ = static_cast<uv_tcp_t*>(raft_malloc(sizeof(uv_tcp_t)));
  if (tcp_ == nullptr) {
    pending_error_ = "out of memory";
    uv_timer_start(&timer_, &Dial::OnTimer, 0, 0);
    return;
  }
  uv_tcp_init(loop_, tcp_);
  tcp_->data = this;
  references_++;
  connect_.data = this;
  int rv = uv_tcp_connect(&connect_, tcp_, addr, &Dial::OnConnected);
  if (rv != 0) {
    pending_error_ = std::string("connect: ") + uv_strerror(rv);
    uv_timer_start(&timer_, &Dial::OnTimer, 0, 0);
  }
}

void Dial::Cancel() {
  if (finished_) return;
  canceled_ = true;
  if (resolve_.data != nullptr) uv_cancel(reinterpret_cast<uv_req_t*>(&resolve_));
  // Finish on the next turn of the loop, not inside Cancel.
  uv_timer_start(&timer_, &Dial::OnTimer, 0, 0);
}

void Dial::OnTimer(uv_timer_t* timer) {
  auto* self = static_cast<Dial*>(timer->data);
  if (self->canceled_) {
    self->Finish(false, "canceled");
  } else if (!self->pending_error_.empty()) {
    self->Finish(false, self->pending_error_);
  } else {
    self->Finish(false, "timed out");
  }
}

void Dial::OnResolved(uv_getaddrinfo_t* req, int status, addrinfo* res) {
  auto* self = static_cast<Dial*>(req->data);
  req->data = nullptr;
  if (!self->finished_) {
    if (status != 0 || res == nullptr) {
      self->Finish(false, std::string("resolve: ") + uv_strerror(status));
    } else {
      self->Connect(res->ai_addr);
    }
  }
  uv_freeaddrinfo(res);
  self->Release();
}

void Dial::OnConnected(uv_connect_t* req, int status) {
  auto* self = static_cast<Dial*>(req->data);
  if (self->finished_) return;  // the stream is being closed
  if (status != 0) {
    self->Finish(false, std::string("connect: ") + uv_strerror(status));
    return;
  }
  uv_tcp_nodelay(self->tcp_, 1);
  uv_tcp_keepalive(self->tcp_, 1, 30);
  uv_buf_t buf = uv_buf_init(self->preamble_.data(), static_cast<unsigned>(self->preamble_.size()));
  self->write_.data = self;
  int rv = uv_write(&self->write_, reinterpret_cast<uv_stream_t*>(self->tcp_), &buf, 1, &Dial::OnWritten);
  if (rv != 0) self->Finish(false, std::string("write preamble: ") + uv_strerror(rv));
}

void Dial::OnWritten(uv_write_t* req, int status) {
  auto* self = static_cast<Dial*>(req->data);
  if (self->finished_) return;
  if (status != 0) {
    self->Finish(false, std::string("write preamble: ") + uv_strerror(status));
    return;
  }
  int rv = uv_read_start(reinterpret_cast<uv_stream_t*>(self->tcp_), &Dial::OnAckAlloc, &Dial::OnAckRead);
  if (rv != 0) self->Finish(false, std::string("read: ") + uv_strerror(rv));
}

void Dial::OnAckAlloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  // One byte only: whatever follows belongs to the stream's next owner.
  auto* self = static_cast<Dial*>(handle->data);
  *buf = uv_buf_init(&self->ack_, 1);
}

void Dial::OnAckRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* /*buf*/) {
  auto* self = static_cast<Dial*>(stream->data);
  if (self->finished_ || nread == 0) return;
  uv_read_stop(stream);
  if (nread < 0) {
    self->Finish(false, nread == UV_EOF ? "the listener refused the preamble (closed the connection)"
                                        : std::string("read: ") + uv_strerror(static_cast<int>(nread)));
    return;
  }
  if (self->ack_ != kPreambleAccepted) {
    self->Finish(false, "the listener answered the preamble with an unexpected byte");
    return;
  }
  self->Finish(true, "");
}

void Dial::Finish(bool success, const std::string& error) {
  if (finished_) return;
  finished_ = true;
  uv_timer_stop(&timer_);
  if (resolve_.data != nullptr) uv_cancel(reinterpret_cast<uv_req_t*>(&resolve_));
  uv_tcp_t* handed_over = nullptr;
  if (tcp_ != nullptr) {
    if (success) {
      handed_over = tcp_;
      handed_over->data = nullptr;
      tcp_ = nullptr;
      references_--;  // no longer ours
    } else {
      // Its pending connect/write callbacks run before the close callback.
      uv_close(reinterpret_cast<uv_handle_t*>(tcp_), [](uv_handle_t* handle) {
        auto* self = static_cast<Dial*>(handle->data);
        raft_free(handle);
        self->Release();
      });
      tcp_ = nullptr;
    }
  }
  Done done = std::move(done_);
  done(handed_over, canceled_ && !success, success ? std::string() : error);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_),
           [](uv_handle_t* handle) { static_cast<Dial*>(handle->data)->Release(); });
}

void Dial::Release() {
  if (--references_ == 0) delete this;
}

}  // namespace loom::raft
