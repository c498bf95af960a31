// Internals of ClusterTransport, shared by cluster_transport.cc (listener,
// incoming connections, shutdown), group_transport.cc (the raft_uv_transport
// of each channel) and forwarder.cc (forward frames, both sides). Not part of
// the public API. Loop thread only unless noted.
#pragma once

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/raft/cluster_transport.h"
#include "core/raft/dialer.h"
#include "core/raft/raft_c.h"
#include "core/raft/wire.h"

namespace loom::raft::internal {

class TransportCore;

// A connect() of libraft in progress.
struct PendingConnect {
  struct Group* group;
  raft_uv_connect* request;
  raft_uv_connect_cb callback;
  Dial* dial = nullptr;
};

// One channel's raft_uv_transport (group_transport.cc).
struct Group {
  raft_uv_transport transport{};  // transport.impl = this; transport.data belongs to libraft
  TransportCore* core = nullptr;  // null once the core is gone (a group its owner never closed)
  uv_loop_t* loop = nullptr;
  std::string channel;
  raft_id self_id = 0;
  std::string self_address;
  raft_uv_accept_cb accept_callback = nullptr;
  bool closed = false;
  raft_uv_transport_close_cb close_callback = nullptr;
  bool close_requested = false;  // libraft called close() (or the owner released the group)
  bool released = false;         // libraft's close() completed: it no longer uses `transport`
  std::set<PendingConnect*> connects;
};
// Fills in the raft_uv_transport function table of `group`.
void InitGroupTransport(Group* group);
// ClusterTransport::ReleaseGroup.
void ReleaseGroup(raft_uv_transport* transport);
// Cancels the group's dials and unregisters it (Close() of a transport whose
// group is still open).
void AbandonGroup(Group* group);

// An incoming connection: reads the preamble, then either hands the stream
// to libraft ('R') or serves forward requests ('F', forwarder.cc).
class ServerConn {
 public:
  ServerConn(TransportCore* core, uv_tcp_t* tcp, std::string peer);
  void Start();
  void Close(const std::string& reason);  // reason empty = no log line

  // Forward stage (forwarder.cc).
  void SendResponse(uint64_t sequence, const Status& status);

 private:
  enum class Stage { kPreamble, kForward, kClosing };

  void OnPreambleBytes(ssize_t nread);
  void OnPreambleComplete();
  void StartForwarding();
  void OnForwardBytes(ssize_t nread, const uv_buf_t* buf);
  void Dispatch(ForwardRequest request);
  void MaybeResumeReading();
  void Release();

  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnTimeout(uv_timer_t* timer);

  TransportCore* core_;
  uv_tcp_t* tcp_;  // null once handed to libraft
  uv_timer_t timer_{};
  const std::string peer_;  // remote ip:port, for log lines
  Stage stage_ = Stage::kPreamble;
  int references_ = 2;  // tcp_ and timer_ until their close callbacks
  PreambleReader preamble_reader_;
  Preamble preamble_;

  // Forward stage.
  std::unique_ptr<FrameReader> frames_;
  std::unique_ptr<char[]> chunk_;
  size_t in_flight_ = 0;
  bool reading_paused_ = false;
  // Replies hold a weak reference: a reply after the connection closed (or
  // the transport went away) finds nothing and does nothing.
  std::shared_ptr<ServerConn*> reply_target_;
};

// The follower side of one (address, channel) forward connection.
class ForwardClient {
 public:
  ForwardClient(TransportCore* core, std::string address, std::string channel, uint64_t self_id);
  // InvalidArgument when the preamble cannot be built (bad channel).
  Status Start();
  void Send(std::string payload, std::function<void(Status)> done);
  // Closes the connection and completes every pending forward with
  // Unavailable naming the address and `reason`.
  void Fail(const std::string& reason);

 private:
  void OnDialed(uv_tcp_t* tcp, const std::string& error);
  void Write(std::string frame);
  void OnBytes(ssize_t nread, const uv_buf_t* buf);
  void ArmTimer();
  void ExpireForwards();
  void Release();

  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);

  TransportCore* core_;
  const std::string address_;
  const std::string channel_;
  const uint64_t self_id_;
  Dial* dial_ = nullptr;
  uv_tcp_t* tcp_ = nullptr;
  bool failed_ = false;
  bool ever_connected_ = false;  // a frame may have reached the server
  int references_ = 1;           // the owner's (dropped by Fail); +1 dial; +1 tcp; +1 timer
  uint64_t next_sequence_ = 1;
  std::vector<std::string> queued_frames_;  // written once connected
  struct Pending {
    std::function<void(Status)> done;
    uint64_t deadline_ms;  // uv_now() based; 0 = none
  };
  // By sequence, which is also deadline order (one timeout for all).
  std::map<uint64_t, Pending> pending_;
  uv_timer_t timer_{};  // fires at the oldest pending forward's deadline
  FrameReader frames_;
  std::unique_ptr<char[]> chunk_;
};

inline constexpr size_t kReadChunkBytes = 64 * 1024;

// Queues `bytes` on `tcp` (forwarder.cc). `on_error` (may be empty) runs from
// the write callback when the write fails for a reason other than the stream
// being closed; it must not assume anything about `tcp->data`. Returns
// uv_write's error.
int WriteBytes(uv_tcp_t* tcp, std::string bytes, std::function<void(int)> on_error);

class TransportCore {
 public:
  TransportCore(EventLoop* event_loop, ClusterTransport::Options options);
  ~TransportCore();

  // Listener and shutdown (cluster_transport.cc).
  Status Listen(const std::string& address);
  void Close(std::function<void()> done);
  // Keeps Close() from completing while an object with open handles lives.
  void Retain() { outstanding_++; }
  void Release();
  // Runs `fn` on a later turn of the loop; Close() waits for it.
  void Defer(std::function<void()> fn);
  // One log line (rate-limited), prefixed with the bound address.
  void Log(const std::string& line);

  EventLoop* event_loop() const { return event_loop_; }
  uv_loop_t* loop() const { return loop_; }
  const ClusterTransport::Options& options() const { return options_; }
  const std::string& bound_address() const { return bound_address_; }
  bool closing() const { return closing_; }

  // Raft groups (group_transport.cc).
  raft_uv_transport* AddGroup(const std::string& channel);
  void UnregisterGroup(Group* group);
  Group* FindOpenGroup(const std::string& channel) const;

  // Forwarding (forwarder.cc).
  void SetForwardHandler(const std::string& channel, ClusterTransport::ForwardHandler handler);
  const ClusterTransport::ForwardHandler* FindForwardHandler(const std::string& channel) const;
  void Forward(const std::string& channel, uint64_t self_id, const std::string& address, std::string payload,
               std::function<void(Status)> done);
  void ForgetForwardClient(const std::string& address, const std::string& channel, ForwardClient* client);

  // Incoming connections.
  void AddServerConn(ServerConn* conn) { server_conns_.insert(conn); }
  void RemoveServerConn(ServerConn* conn) { server_conns_.erase(conn); }
  size_t handshaking = 0;  // incoming connections still reading their preamble

  // Set by ~ClusterTransport: free this object when Close() completes.
  void DeleteWhenClosed();

 private:
  static void OnConnection(uv_stream_t* server, int status);
  void MaybeFinishClose();

  EventLoop* event_loop_;
  uv_loop_t* loop_;
  ClusterTransport::Options options_;
  std::string bound_address_;
  uv_tcp_t listener_{};
  bool listening_ = false;

  std::map<std::string, Group*> open_groups_;
  std::vector<std::unique_ptr<Group>> groups_;  // every group ever added
  std::map<std::string, ClusterTransport::ForwardHandler> forward_handlers_;
  std::set<ServerConn*> server_conns_;
  std::map<std::pair<std::string, std::string>, ForwardClient*> forward_clients_;  // (address, channel)

  int outstanding_ = 0;
  bool closing_ = false;
  bool close_finished_ = false;
  bool delete_when_closed_ = false;
  std::vector<std::function<void()>> close_done_;

  // Log rate limit: at most kLogLinesPerWindow lines per kLogWindowMs.
  static constexpr int kLogLinesPerWindow = 20;
  static constexpr uint64_t kLogWindowMs = 10000;
  uint64_t log_window_start_ = 0;
  int log_lines_in_window_ = 0;
  uint64_t log_suppressed_ = 0;
};

}  // namespace loom::raft::internal
