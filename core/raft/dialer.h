// One outgoing connection attempt on the cluster port: resolve the address
// (numeric, or DNS through uv_getaddrinfo), connect, write the preamble, read
// the listener's one-byte acceptance (kPreambleAccepted).
// Internal to loom_raft. Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>

namespace loom::raft {

class Dial {
 public:
  // On success `tcp` is the connected stream, preamble written and accepted,
  // not reading, nothing read past the acceptance byte; the callee owns it (allocated with raft_malloc, so
  // libraft can free it). On failure `tcp` is null and `error` says what failed ("connect: connection
  // refused"); `canceled` is true after Cancel().
  using Done = std::function<void(uv_tcp_t* tcp, bool canceled, const std::string& error)>;

  // Starts dialing `address`. `done` runs exactly once, always later on the
  // loop thread (never inside Start or Cancel). The attempt fails when the
  // connection, the preamble write and the acceptance take longer than
  // `timeout_ms`, or the listener closes the connection (it refused the
  // preamble: unknown channel, group not started). The
  // returned handle is valid until `done` starts running.
  static Dial* Start(uv_loop_t* loop, const std::string& address, std::string preamble, uint64_t timeout_ms,
                     Done done);

  // Aborts the attempt: `done` runs soon with canceled = true (unless it
  // already succeeded or failed and only waits to be called).
  void Cancel();

 private:
  Dial(uv_loop_t* loop, std::string preamble, Done done);
  ~Dial() = default;

  void Connect(const sockaddr* addr);
  void Finish(bool success, const std::string& error);
  void Release();  // drops one reference; deletes at zero

  static void OnTimer(uv_timer_t* timer);
  static void OnResolved(uv_getaddrinfo_t* req, int status, addrinfo* res);
  static void OnConnected(uv_connect_t* req, int status);
  static void OnWritten(uv_write_t* req, int status);
  static void OnAckAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnAckRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);

  uv_loop_t* loop_;
  std::string preamble_;
  Done done_;
  std::string pending_error_;  // an error found before the first loop turn
  bool finished_ = false;
  bool canceled_ = false;
  int references_ = 1;  // the timer; +1 while resolving; +1 while `tcp_` is ours and open

  uv_timer_t timer_{};
  uv_getaddrinfo_t resolve_{};
  uv_connect_t connect_{};
  uv_write_t write_{};
  uv_tcp_t* tcp_ = nullptr;
  char ack_ = 0;
};

}  // namespace loom::raft
