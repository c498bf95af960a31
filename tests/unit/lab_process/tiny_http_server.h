// A one-thread HTTP server on 127.0.0.1 for the probe tests: every
// connection gets the same canned bytes once its request head has arrived;
// then the connection is closed, or held open until the server is destroyed
// (to test clients that must not wait for EOF, and timeouts).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace loom::lab::probe_testing {

class TinyHttpServer {
 public:
  enum class AfterAnswer { kClose, kHoldOpen };

  TinyHttpServer(std::string answer, AfterAnswer after) : answer_(std::move(answer)), after_(after) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listen_fd_, 8);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    ::pipe2(stop_pipe_, O_CLOEXEC);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyHttpServer() {
    ::close(stop_pipe_[1]);
    thread_.join();
    ::close(stop_pipe_[0]);
    ::close(listen_fd_);
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  // Waits for `fd` to be readable; false when the server is stopping.
  bool WaitReadable(int fd) {
    pollfd entries[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    while (::poll(entries, 2, -1) < 0) {
    }
    return (entries[1].revents == 0) && (entries[0].revents != 0);
  }

  void Serve() {
    std::vector<int> held;
    while (WaitReadable(listen_fd_)) {
      const int connection = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos && WaitReadable(connection)) {
        const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      size_t sent = 0;
      while (sent < answer_.size()) {
        const ssize_t n = ::send(connection, answer_.data() + sent, answer_.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      if (after_ == AfterAnswer::kClose) {
        ::close(connection);
      } else {
        held.push_back(connection);
      }
    }
    for (int fd : held) ::close(fd);
  }

  const std::string answer_;
  const AfterAnswer after_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace loom::lab::probe_testing
