#include "core/ops/operations_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>

#include "core/ops/http_request.h"
#include "core/ops/http_response.h"

namespace loom::ops {
namespace {

using Clock = std::chrono::steady_clock;

// After the response, the connection is half-closed and read until the
// client closes, so unread request bytes do not turn the close into a reset
// that could destroy the response in flight.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kReadChunk = 4096;
constexpr std::chrono::milliseconds kAcceptBackoff{100};

struct HostPort {
  std::string host;  // empty: every interface
  std::string port;
};

Result<HostPort> SplitHostPort(const std::string& address) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("operations listen address \"" + address + "\": " + why +
                                   " (expected host:port, e.g. 127.0.0.1:9443)");
  };
  HostPort parts;
  std::string port;
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return bad("malformed [IPv6]:port");
    }
    parts.host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) return bad("no port");
    parts.host = address.substr(0, colon);
    if (parts.host.find(':') != std::string::npos) return bad("IPv6 hosts need brackets");
    port = address.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoul(port) > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  parts.port = port;
  return parts;
}

Result<int> BindListener(const HostPort& where, const std::string& address) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* results = nullptr;
  int rc =
      getaddrinfo(where.host.empty() ? nullptr : where.host.c_str(), where.port.c_str(), &hints, &results);
  if (rc != 0) {
    return Status::InvalidArgument("operations listen address \"" + address + "\": " + gai_strerror(rc));
  }
  std::string last_error = "no usable address";
  int listener = -1;
  for (addrinfo* ai = results; ai != nullptr && listener < 0; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
      last_error = std::strerror(errno);
      close(fd);
      continue;
    }
    listener = fd;
  }
  freeaddrinfo(results);
  if (listener < 0)
    return Status::IoError("operations server: cannot listen on " + address + ": " + last_error);
  return listener;
}

uint16_t BoundPort(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return 0;
  if (storage.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  if (storage.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

int64_t UnixNanosNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Connection {
  enum class Phase { kReading, kWriting, kDraining };

  explicit Connection(int fd, Clock::time_point deadline) : fd(fd), deadline(deadline) {}
  ~Connection() { close(fd); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd;
  Phase phase = Phase::kReading;
  std::string in;
  std::string out;
  size_t written = 0;
  Clock::time_point deadline;
};

}  // namespace

class OperationsServer::Impl {
 public:
  Impl(OperationsServerOptions options, const MetricsRegistry* metrics, const HealthRegistry* health)
      : options_(std::move(options)), metrics_(metrics), health_(health) {}

  ~Impl() {
    Stop();
    if (listener_ >= 0) close(listener_);
    if (wake_read_ >= 0) close(wake_read_);
    if (wake_write_ >= 0) close(wake_write_);
  }

  Status Open() {
    LOOM_ASSIGN_OR_RETURN(HostPort where, SplitHostPort(options_.listen_address));
    LOOM_ASSIGN_OR_RETURN(listener_, BindListener(where, options_.listen_address));
    port_ = BoundPort(listener_);
    host_ = where.host.empty() ? "0.0.0.0" : where.host;
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
      return Status::IoError(std::string("operations server: pipe: ") + std::strerror(errno));
    }
    wake_read_ = pipe_fds[0];
    wake_write_ = pipe_fds[1];
    options_.max_connections = std::max<size_t>(options_.max_connections, 1);
    thread_ = std::thread([this] { Run(); });
    return Status::Ok();
  }

  void Stop() {
    std::lock_guard lock(stop_mu_);
    if (!thread_.joinable()) return;
    stopping_.store(true);
    char byte = 1;
    [[maybe_unused]] ssize_t n = write(wake_write_, &byte, 1);
    thread_.join();
    close(listener_);  // refuse new clients from now on
    listener_ = -1;
  }

  uint16_t port() const { return port_; }
  std::string address() const {
    std::string host = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
    return host + ":" + std::to_string(port_);
  }

 private:
  void Run() {
    std::vector<pollfd> fds;
    std::vector<Connection*> polled;
    while (!stopping_.load()) {
      fds.clear();
      polled.clear();
      fds.push_back({wake_read_, POLLIN, 0});
      // At the connection limit new clients wait in the listen backlog.
      // After a failed accept (out of descriptors) wait a little, rather than
      // spin on a listener that stays readable.
      bool below_limit = connections_.size() < options_.max_connections;
      bool paused = Clock::now() < accept_paused_until_;
      fds.push_back({below_limit && !paused ? listener_ : -1, POLLIN, 0});
      Clock::time_point nearest = below_limit && paused ? accept_paused_until_ : Clock::time_point::max();
      for (auto& connection : connections_) {
        short events = connection->phase == Connection::Phase::kWriting ? POLLOUT : POLLIN;
        fds.push_back({connection->fd, events, 0});
        polled.push_back(connection.get());
        nearest = std::min(nearest, connection->deadline);
      }
      int timeout_ms = -1;
      if (nearest != Clock::time_point::max()) {
        auto wait = std::chrono::ceil<std::chrono::milliseconds>(nearest - Clock::now());
        timeout_ms = static_cast<int>(std::clamp<int64_t>(wait.count(), 0, 60'000));
      }
      int ready = poll(fds.data(), fds.size(), timeout_ms);
      if (ready < 0 && errno != EINTR) break;
      if (stopping_.load()) break;
      if (ready > 0) {
        if (fds[1].revents & POLLIN) AcceptAll();
        for (size_t i = 0; i < polled.size(); ++i) {
          if (fds[i + 2].revents != 0) Service(polled[i], fds[i + 2].revents);
        }
      }
      ExpireAndReap();
    }
    connections_.clear();
  }

  void AcceptAll() {
    while (connections_.size() < options_.max_connections) {
      int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
          accept_paused_until_ = Clock::now() + kAcceptBackoff;  // EMFILE, ENFILE, ENOBUFS, ...
        }
        return;
      }
      connections_.push_back(std::make_unique<Connection>(fd, Clock::now() + options_.request_timeout));
    }
  }

  void Service(Connection* connection, short revents) {
    if (revents & POLLNVAL) {
      Drop(connection);
      return;
    }
    switch (connection->phase) {
      case Connection::Phase::kReading: Read(connection); break;
      case Connection::Phase::kWriting: Write(connection); break;
      case Connection::Phase::kDraining: Drain(connection); break;
    }
  }

  void Read(Connection* connection) {
    char buffer[kReadChunk];
    bool closed_by_client = false;
    // Read no more than the head limit allows (plus one byte to tell).
    while (connection->in.size() <= options_.max_head_bytes) {
      size_t room = std::min(sizeof(buffer), options_.max_head_bytes + 1 - connection->in.size());
      ssize_t n = recv(connection->fd, buffer, room, 0);
      if (n > 0) {
        connection->in.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
      closed_by_client = true;  // EOF (perhaps only its sending side) or a socket error
      break;
    }
    HttpParse parse = ParseHttpRequestHead(connection->in, options_.max_head_bytes);
    switch (parse.state) {
      case HttpParse::State::kIncomplete:
        if (closed_by_client) Drop(connection);
        return;
      case HttpParse::State::kComplete: Respond(connection, Route(parse.request)); return;
      case HttpParse::State::kBad:
        Respond(connection, FormatHttpResponse(400, "text/plain; charset=utf-8",
                                               "400 Bad Request: " + parse.error + "\n"));
        return;
      case HttpParse::State::kTooLarge:
        Respond(connection, FormatHttpResponse(431, "text/plain; charset=utf-8",
                                               "431 Request Header Fields Too Large\n"));
        return;
    }
  }

  std::string Route(const HttpRequest& request) const {
    const bool is_healthz = request.path == "/healthz";
    const bool is_metrics = request.path == "/metrics" && metrics_ != nullptr;
    if (!is_healthz && !is_metrics)
      return FormatHttpResponse(404, "text/plain; charset=utf-8", "404 page not found\n");
    if (request.method != "GET") {
      return FormatHttpResponse(405, "text/plain; charset=utf-8", "405 method not allowed\n",
                                {{"Allow", "GET"}});
    }
    if (is_metrics)
      return FormatHttpResponse(200, std::string(kExpositionContentType), metrics_->Exposition());
    std::vector<FailedCheck> failed;
    if (health_ != nullptr) failed = health_->RunChecks();
    return FormatHttpResponse(failed.empty() ? 200 : 503, "application/json",
                              HealthStatusJson(failed, UnixNanosNow()));
  }

  void Respond(Connection* connection, std::string response) {
    connection->phase = Connection::Phase::kWriting;
    connection->out = std::move(response);
    connection->written = 0;
    connection->in.clear();
    Write(connection);
  }

  void Write(Connection* connection) {
    while (connection->written < connection->out.size()) {
      ssize_t n = send(connection->fd, connection->out.data() + connection->written,
                       connection->out.size() - connection->written, MSG_NOSIGNAL);
      if (n > 0) {
        connection->written += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
      Drop(connection);
      return;
    }
    shutdown(connection->fd, SHUT_WR);
    connection->phase = Connection::Phase::kDraining;
    connection->out.clear();
    connection->deadline = Clock::now() + kLingerTime;
  }

  void Drain(Connection* connection) {
    char buffer[kReadChunk];
    while (true) {
      ssize_t n = recv(connection->fd, buffer, sizeof(buffer), 0);
      if (n > 0) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
      Drop(connection);  // the client closed: done
      return;
    }
  }

  void Drop(Connection* connection) { connection->deadline = Clock::time_point::min(); }

  void ExpireAndReap() {
    Clock::time_point now = Clock::now();
    for (auto it = connections_.begin(); it != connections_.end();) {
      Connection& connection = **it;
      if (connection.deadline > now) {
        ++it;
        continue;
      }
      if (connection.deadline != Clock::time_point::min() &&
          connection.phase == Connection::Phase::kReading && !connection.in.empty()) {
        std::string response = FormatHttpResponse(408, "text/plain; charset=utf-8", "408 Request Timeout\n");
        [[maybe_unused]] ssize_t n = send(connection.fd, response.data(), response.size(), MSG_NOSIGNAL);
      }
      it = connections_.erase(it);
    }
  }

  OperationsServerOptions options_;
  const MetricsRegistry* metrics_;
  const HealthRegistry* health_;
  int listener_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  uint16_t port_ = 0;
  std::string host_;
  std::mutex stop_mu_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::list<std::unique_ptr<Connection>> connections_;  // the server thread's only
  Clock::time_point accept_paused_until_;               // the server thread's only
};

Result<std::unique_ptr<OperationsServer>> OperationsServer::Start(OperationsServerOptions options,
                                                                  const MetricsRegistry* metrics,
                                                                  const HealthRegistry* health) {
  auto impl = std::make_unique<Impl>(std::move(options), metrics, health);
  LOOM_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<OperationsServer>(new OperationsServer(std::move(impl)));
}

OperationsServer::OperationsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OperationsServer::~OperationsServer() {
  Stop();
}

uint16_t OperationsServer::port() const {
  return impl_->port();
}

std::string OperationsServer::address() const {
  return impl_->address();
}

void OperationsServer::Stop() {
  impl_->Stop();
}

}  // namespace loom::ops
