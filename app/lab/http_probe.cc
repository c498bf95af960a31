// HttpGet over a plain socket, WaitHealthy and TailOfFile (process.h).
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "app/lab/http_wire.h"
#include "app/lab/process.h"

namespace loom::lab {
namespace {

using Clock = std::chrono::steady_clock;

// Between two health probes of a starting node.
constexpr auto kHealthPollInterval = std::chrono::milliseconds(20);
// The most one probe may take, so a node's death is noticed promptly.
constexpr auto kHealthProbeTimeout = std::chrono::milliseconds(1000);

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Rounded up, so that a poll never returns before the deadline.
int MillisecondsUntil(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

// Waits for `events` on the socket; false at the deadline.
bool PollUntil(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, MillisecondsUntil(deadline));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
    if (Clock::now() >= deadline) return false;
  }
}

// "host:port" → host and port; "[::1]:9443" too.
bool SplitAddress(const std::string& address, std::string& host, std::string& port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  host = address.substr(0, colon);
  port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return true;
}

// Connects within the deadline; the socket is non-blocking afterwards.
Result<int> Connect(const std::string& address, Clock::time_point deadline) {
  std::string host, port;
  if (!SplitAddress(address, host, port)) {
    return Status::InvalidArgument("HTTP probe: address " + address + " is not host:port");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int lookup = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (lookup != 0) return Status::Unavailable(address + ": cannot resolve: " + ::gai_strerror(lookup));
  std::string last_error = "no address";
  for (addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    const int fd = ::socket(candidate->ai_family, candidate->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            candidate->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int result = ::connect(fd, candidate->ai_addr, candidate->ai_addrlen);
    if (result != 0 && errno == EINPROGRESS) {
      if (!PollUntil(fd, POLLOUT, deadline)) {
        ::close(fd);
        ::freeaddrinfo(found);
        return Status::DeadlineExceeded(address + ": connect timed out");
      }
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
      result = error == 0 ? 0 : -1;
      errno = error;
    }
    if (result == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return Status::Unavailable(address + ": cannot connect: " + last_error);
}

}  // namespace

Result<HttpResponse> HttpGet(const std::string& address, const std::string& path,
                             std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  LOOM_ASSIGN_OR_RETURN(const int fd, Connect(address, deadline));
  Socket socket(fd);

  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: " + address + "\r\nConnection: close\r\nAccept: */*\r\n\r\n";
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!PollUntil(fd, POLLOUT, deadline)) return Status::DeadlineExceeded(address + ": sending timed out");
    } else {
      return Status::Unavailable(address + ": sending the request failed: " + std::strerror(errno));
    }
  }

  std::string received;
  char buffer[16 * 1024];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    bool at_eof = false;
    if (n > 0) {
      received.append(buffer, static_cast<size_t>(n));
      if (received.size() > kMaxHttpResponseBytes) {
        return Status::Unavailable(address + ": the response is larger than " +
                                   std::to_string(kMaxHttpResponseBytes) + " bytes");
      }
    } else if (n == 0) {
      at_eof = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!PollUntil(fd, POLLIN, deadline)) {
        return Status::DeadlineExceeded(address + path + ": no complete answer within " +
                                        std::to_string(timeout.count()) + " ms");
      }
      continue;
    } else if (errno == ECONNRESET) {
      at_eof = true;  // what arrived before the reset may still be a whole answer
    } else {
      return Status::Unavailable(address + ": reading the response failed: " + std::strerror(errno));
    }
    HttpResponseParse parse = ParseHttpResponse(received, at_eof);
    if (parse.state == HttpResponseParse::State::kComplete) return std::move(parse.response);
    if (parse.state == HttpResponseParse::State::kBad) {
      return Status::Unavailable(address + path + ": " + parse.error);
    }
  }
}

Status WaitHealthy(const std::string& operations_address, const ProcessRecord& record,
                   std::chrono::steady_clock::time_point deadline, const std::string& log_file) {
  std::string last_answer = "no answer yet";
  while (true) {
    if (!IsRunning(record)) {
      std::string message = "process " + std::to_string(record.pid) + " exited during start-up";
      if (!log_file.empty()) {
        const std::string tail = TailOfFile(log_file, 20);
        message +=
            tail.empty() ? " (its log " + log_file + " is empty)" : "; the end of " + log_file + ":\n" + tail;
      }
      return Status::FailedPrecondition(message);
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      return Status::DeadlineExceeded(operations_address +
                                      "/healthz did not answer 200 in time; last: " + last_answer);
    }
    const auto probe_timeout = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                                        std::chrono::milliseconds(kHealthProbeTimeout));
    Result<HttpResponse> answer = HttpGet(operations_address, "/healthz", probe_timeout);
    if (answer.ok() && answer->status == 200) return Status::Ok();
    if (answer.ok()) {
      last_answer = "HTTP " + std::to_string(answer->status) + " " + answer->body.substr(0, 200);
    } else {
      last_answer = answer.status().message();
    }
    std::this_thread::sleep_until(std::min(Clock::now() + kHealthPollInterval, deadline));
  }
}

std::string TailOfFile(const std::string& path, int lines) {
  if (lines <= 0) return "";
  std::ifstream file(path, std::ios::binary);
  if (!file) return "";
  // Only the end of a long log matters.
  constexpr std::streamoff kMaxTail = 64 * 1024;
  file.seekg(0, std::ios::end);
  const std::streamoff size = file.tellg();
  if (size < 0) return "";
  const std::streamoff start = size > kMaxTail ? size - kMaxTail : 0;
  file.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;
  size_t begin = end;
  int found = 0;
  while (begin > 0) {
    if (text[begin - 1] == '\n' && ++found == lines) break;
    --begin;
  }
  return text.substr(begin, end - begin);
}

}  // namespace loom::lab
