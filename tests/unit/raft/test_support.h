// Helpers for the loom_raft tests: waiting on the loop with a deadline, a raw
// TCP client for hostile input, log capture, and a Raft group of counting
// state machines running on real libraft servers over ClusterTransports.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/raft/cluster_transport.h"
#include "core/raft/event_loop.h"
#include "core/raft/raft_c.h"

namespace loom::raft::testing {

using namespace std::chrono_literals;

// Evaluates `predicate` on the loop thread every few milliseconds (a uv
// timer) until it holds; false when `timeout` passed first.
inline bool WaitUntil(EventLoop* loop, std::function<bool()> predicate,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  struct State {
    uv_timer_t timer;
    std::function<bool()> predicate;
    std::promise<void> satisfied;
    bool done = false;
  };
  auto* state = new State;
  state->predicate = std::move(predicate);
  std::future<void> satisfied = state->satisfied.get_future();
  bool started = loop->RunSync([&] {
    uv_timer_init(loop->loop(), &state->timer);
    state->timer.data = state;
    uv_timer_start(
        &state->timer,
        [](uv_timer_t* timer) {
          auto* s = static_cast<State*>(timer->data);
          if (s->done || !s->predicate()) return;
          s->done = true;
          uv_timer_stop(timer);
          s->satisfied.set_value();
        },
        0, 5);
  });
  if (!started) {
    delete state;
    return false;
  }
  bool ok = satisfied.wait_for(timeout) == std::future_status::ready;
  loop->RunSync([&] {
    state->done = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&state->timer),
             [](uv_handle_t* handle) { delete static_cast<State*>(handle->data); });
  });
  return ok;
}

// Collects the transport's log lines (thread-safe).
class LogCollector {
 public:
  std::function<void(const std::string&)> Sink() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back(line);
    };
  }
  bool Contains(const std::string& needle) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& line : lines_) {
      if (line.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  std::string All() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string all;
    for (const auto& line : lines_) all += line + "\n";
    return all;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

// A blocking TCP client for feeding the listener hostile bytes.
class RawClient {
 public:
  explicit RawClient(const std::string& address) {
    size_t colon = address.rfind(':');
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
    inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // True when the server closed the connection (EOF or reset) within
  // `timeout`; bytes it sent meanwhile are discarded.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (true) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready == 0) return false;
      if (ready < 0) continue;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }
  // Reads exactly `n` bytes within `timeout`; empty on failure.
  std::string ReadExactly(size_t n, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string out;
    char buf[4096];
    while (out.size() < n) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "";
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      ssize_t got = ::recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
      if (got <= 0) return "";
      out.append(buf, static_cast<size_t>(got));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

// A libraft server with a state machine that records every applied value.
struct RaftNode {
  raft_id id = 0;
  std::string address;
  raft_io io{};
  struct raft raft {};
  raft_fsm fsm{};
  std::vector<uint64_t> applied;  // loop thread
  bool closed = false;            // loop thread
};

// One channel's Raft group with a server on each given transport, all on one
// loop. Values are submitted on the leader; the test waits until every server
// applied them.
class RaftGroup {
 public:
  RaftGroup(EventLoop* loop, std::string channel, std::filesystem::path dir)
      : loop_(loop), channel_(std::move(channel)), dir_(std::move(dir)) {}
  ~RaftGroup() { Close(); }

  // Loop thread not required: runs there itself. Empty string = OK.
  std::string Start(const std::vector<ClusterTransport*>& transports) {
    std::string error;
    loop_->RunSync([&] { error = StartOnLoop(transports); });
    return error;
  }

  // Submits values on the current leader (retrying those a leader change
  // lost) until every running server applied every value; false on timeout.
  bool ApplyAndWait(uint64_t first, uint64_t count,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    for (uint64_t v = first; v < first + count; ++v) wanted_.push_back(v);
    return WaitUntil(
        loop_,
        [this] {
          SubmitPending();
          return AllApplied();
        },
        timeout);
  }

  std::vector<uint64_t> Applied(size_t node) {
    std::vector<uint64_t> out;
    loop_->RunSync([&] { out = nodes_[node]->applied; });
    return out;
  }

  raft_id LeaderId() {
    raft_id leader = 0;
    loop_->RunSync([&] {
      for (auto& node : nodes_) {
        if (!node->closed && raft_state(&node->raft) == RAFT_LEADER) leader = node->id;
      }
    });
    return leader;
  }

  // Stops server index+1 (raft_close) and waits until it closed.
  bool StopNode(size_t index) {
    RaftNode* node = nullptr;
    loop_->RunSync([&] {
      node = nodes_[index].get();
      if (!node->closed) CloseNode(node);
    });
    return WaitUntil(loop_, [node] { return node->closed; });
  }

  // Starts server index+1 again from its disk state on `transport`.
  std::string RestartNode(size_t index, ClusterTransport* transport) {
    std::string error;
    loop_->RunSync([&] {
      error = InitNode(index, transport, nullptr);
      if (error.empty() && raft_start(&nodes_[index]->raft) != 0) {
        error = std::string("raft_start: ") + raft_errmsg(&nodes_[index]->raft);
      }
    });
    return error;
  }

  void Close() {
    if (nodes_.empty()) return;
    loop_->RunSync([&] {
      for (auto& node : nodes_) {
        if (node != nullptr && !node->closed) CloseNode(node.get());
      }
    });
    WaitUntil(loop_, [this] {
      for (auto& node : nodes_) {
        if (node != nullptr && !node->closed) return false;
      }
      return true;
    });
    nodes_.clear();
  }

 private:
  struct Submission {
    struct raft_apply request;
    RaftGroup* group;
    uint64_t value;
  };

  std::string StartOnLoop(const std::vector<ClusterTransport*>& transports) {
    raft_configuration configuration;
    raft_configuration_init(&configuration);
    for (size_t i = 0; i < transports.size(); ++i) {
      raft_configuration_add(&configuration, i + 1, transports[i]->bound_address().c_str(), RAFT_VOTER);
    }
    std::string error;
    for (size_t i = 0; i < transports.size() && error.empty(); ++i) {
      nodes_.push_back(nullptr);
      error = InitNode(i, transports[i], &configuration);
    }
    raft_configuration_close(&configuration);
    if (!error.empty()) return error;
    for (auto& node : nodes_) {
      int rv = raft_start(&node->raft);
      if (rv != 0) return std::string("raft_start: ") + raft_errmsg(&node->raft);
    }
    return "";
  }

  // Creates server index+1 on `transport` in nodes_[index]; bootstraps it
  // with `configuration`, or (null) restarts it from its disk state.
  std::string InitNode(size_t index, ClusterTransport* transport, const raft_configuration* configuration) {
    auto node = std::make_unique<RaftNode>();
    node->id = index + 1;
    node->address = transport->bound_address();
    std::filesystem::path dir = dir_ / (channel_ + "-" + std::to_string(node->id));
    std::filesystem::create_directories(dir);
    raft_uv_transport* group_transport = transport->AddGroup(channel_);
    if (group_transport == nullptr) return "AddGroup failed";
    int rv = raft_uv_init(&node->io, loop_->loop(), dir.c_str(), group_transport);
    if (rv != 0) return std::string("raft_uv_init: ") + node->io.errmsg;
    node->fsm.version = 1;
    node->fsm.data = node.get();
    node->fsm.apply = &Apply;
    node->fsm.snapshot = &Snapshot;
    node->fsm.restore = &Restore;
    rv = raft_init(&node->raft, &node->io, &node->fsm, node->id, node->address.c_str());
    if (rv != 0) {
      raft_uv_close(&node->io);
      return std::string("raft_init: ") + raft_errmsg(&node->raft);
    }
    node->raft.data = node.get();
    raft_set_election_timeout(&node->raft, 500);
    raft_set_heartbeat_timeout(&node->raft, 50);
    std::string error;
    if (configuration != nullptr) {
      rv = raft_bootstrap(&node->raft, configuration);
      if (rv != 0) error = std::string("raft_bootstrap: ") + raft_errmsg(&node->raft);
    }
    nodes_[index] = std::move(node);  // closed by Close() even after an error
    return error;
  }

  static void CloseNode(RaftNode* node) {
    raft_close(&node->raft, [](struct raft* r) {
      auto* node = static_cast<RaftNode*>(r->data);
      raft_uv_close(&node->io);
      node->closed = true;
    });
  }

  static int Apply(raft_fsm* fsm, const raft_buffer* buf, void** result) {
    auto* node = static_cast<RaftNode*>(fsm->data);
    uint64_t value = 0;
    if (buf->len == sizeof value) std::memcpy(&value, buf->base, sizeof value);
    node->applied.push_back(value);
    *result = nullptr;
    return 0;
  }
  static int Snapshot(raft_fsm*, raft_buffer**, unsigned*) { return RAFT_NOTFOUND; }
  static int Restore(raft_fsm*, raft_buffer*) { return RAFT_NOTFOUND; }

  void SubmitPending() {
    RaftNode* leader = nullptr;
    for (auto& node : nodes_) {
      if (!node->closed && raft_state(&node->raft) == RAFT_LEADER) leader = node.get();
    }
    if (leader == nullptr) return;
    std::vector<uint64_t> retry;
    for (uint64_t value : wanted_) {
      if (in_flight_.count(value) != 0 || done_.count(value) != 0) continue;
      auto* submission = new Submission{{}, this, value};
      raft_buffer buffer;
      buffer.len = sizeof value;
      buffer.base = raft_malloc(buffer.len);
      std::memcpy(buffer.base, &value, sizeof value);
      submission->request.data = submission;
      int rv = raft_apply(&leader->raft, &submission->request, &buffer, 1,
                          [](struct raft_apply* req, int status, void*) {
                            auto* s = static_cast<Submission*>(req->data);
                            s->group->in_flight_.erase(s->value);
                            if (status == 0) s->group->done_[s->value] = true;
                            delete s;
                          });
      if (rv != 0) {
        raft_free(buffer.base);
        delete submission;
        continue;
      }
      in_flight_[value] = true;
    }
  }

  bool AllApplied() {
    for (auto& node : nodes_) {
      if (node->closed) continue;
      std::map<uint64_t, bool> seen;
      for (uint64_t v : node->applied) seen[v] = true;
      for (uint64_t v : wanted_) {
        if (seen.count(v) == 0) return false;
      }
    }
    return true;
  }

  EventLoop* loop_;
  std::string channel_;
  std::filesystem::path dir_;
  std::vector<std::unique_ptr<RaftNode>> nodes_;
  std::vector<uint64_t> wanted_;
  std::map<uint64_t, bool> in_flight_;
  std::map<uint64_t, bool> done_;
};

// Listens on 127.0.0.1:0 from the loop thread.
inline std::unique_ptr<ClusterTransport> ListenLocal(EventLoop* loop,
                                                     ClusterTransport::Options options = {}) {
  std::unique_ptr<ClusterTransport> transport;
  loop->RunSync([&] {
    auto listened = ClusterTransport::Listen(loop, "127.0.0.1:0", std::move(options));
    if (listened.ok()) transport = std::move(listened).value();
  });
  return transport;
}

// Close()s the transport and waits for its callback.
inline bool CloseTransport(EventLoop* loop, ClusterTransport* transport) {
  std::promise<void> closed;
  auto future = closed.get_future();
  loop->RunSync([&] { transport->Close([&closed] { closed.set_value(); }); });
  return future.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
}

}  // namespace loom::raft::testing
