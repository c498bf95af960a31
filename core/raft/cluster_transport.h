// ClusterTransport: one TCP listener per orderer node carrying every
// channel's Raft traffic and the followers' forwards to leaders.
//
// Each connection starts with a preamble from the dialer (core/raft/wire.h):
//   "LOOMCL1" | kind u8 ('R' raft stream, 'F' forward stream) |
//   channel length u8 | channel | dialer's raft id u64 |
//   dialer's address length u8 | dialer's address
// A connection whose preamble is malformed, names an unknown channel or kind,
// or does not arrive within `handshake_timeout_ms` (5 s) is closed and
// reported through `log` (rate-limited); the listener keeps serving. An
// accepted preamble is answered with one byte 0x06, so that a dialer learns
// at connect time whether the channel is there (libraft then retries after
// its connect delay instead of writing into a closed stream). After the
// preamble, an 'R' connection is handed to the channel's libraft
// transport (its accept callback) and carries libraft's own protocol; an 'F'
// connection carries forward frames:
//   request  = u32 length | u64 sequence | payload
//   response = u32 length | u64 sequence | u8 status code (loom::Status::Code)
//              | message (the rest)
// (each length counts the bytes after it). Frames larger than
// `max_frame_bytes` close the connection.
//
// Threading: every method runs on the EventLoop's thread, except
// bound_address() and the ForwardReply callbacks, which are thread-safe.
// The EventLoop must outlive the transport. Shut down in this order: close
// the raft groups (raft_close, then raft_uv_close in its callback), Close()
// the transport, destroy it, Stop() the loop. Destroying a transport that
// was not closed starts Close() and frees it when that completes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/raft/event_loop.h"
#include "core/raft/raft_c.h"
#include "core/util/status.h"

namespace loom::raft {

namespace internal {
class TransportCore;
}

class ClusterTransport {
 public:
  struct Options {
    uint64_t max_frame_bytes = 128ull << 20;           // at most 4 GiB - 1 (u32 lengths)
    std::function<void(const std::string& line)> log;  // may be empty; called on the loop thread
    uint64_t handshake_timeout_ms = 5000;              // for the preamble of an incoming connection
    uint64_t dial_timeout_ms = 5000;                   // connect, preamble, acceptance of an outgoing one
    size_t max_handshaking_connections = 256;          // more incoming ones are closed at once
    size_t max_forwards_in_flight = 1024;              // per 'F' connection; reading pauses above it
    uint64_t forward_timeout_ms = 0;  // Forward's done gets DeadlineExceeded after it; 0 = wait for ever
  };

  // Binds "host:port" (port 0 = ephemeral; the host an IPv4 dotted quad,
  // "localhost" or an IPv6 literal in brackets) and starts listening. Must
  // run on the loop thread (use EventLoop::RunSync).
  static Result<std::unique_ptr<ClusterTransport>> Listen(EventLoop* loop, const std::string& address,
                                                          Options options);
  ~ClusterTransport();

  ClusterTransport(const ClusterTransport&) = delete;
  ClusterTransport& operator=(const ClusterTransport&) = delete;

  // The bound "host:port" ("127.0.0.1:41234"), thread-safe.
  std::string bound_address() const;

  // The raft_uv_transport of raft group `channel` on this node, to pass to
  // raft_uv_init. Its connect() dials the peer's address, writes an 'R'
  // preamble (with the raft id and address libraft gave to init()) and hands
  // the stream to libraft; incoming 'R' connections for `channel` go to the
  // accept callback libraft registered with listen(). Its close() cancels
  // pending dials and unregisters the channel, after which AddGroup may
  // register it again. Owned by the ClusterTransport; stays valid until the
  // transport is destroyed (one whose close() never ran is then left
  // allocated, as libraft may still use it). Null (and a log line) when `channel` already has
  // an open group, is not 1..255 printable ASCII bytes, or Close() began.
  raft_uv_transport* AddGroup(const std::string& channel);

  // For a group whose raft server never started (raft_uv_init or raft_init
  // failed, or raft_start was never reached): libraft will not close() its
  // transport, so this unregisters the channel instead, after which AddGroup
  // may register it again. Never for a group of a started server (raft_close
  // closes those). Null is ignored.
  void ReleaseGroup(raft_uv_transport* group);

  // Leader side of forwarding for `channel`: each request frame arriving on
  // an 'F' connection calls `handler(payload, reply)`; `reply(status)` should
  // be called exactly once (later calls are ignored), from any thread,
  // possibly later; the reply goes back with the request's sequence (replies
  // may be sent in any order). If the connection closed meanwhile, reply is
  // a no-op. An empty handler unregisters; requests are then answered
  // Unavailable "channel X: not accepting forwards".
  using ForwardReply = std::function<void(Status)>;
  using ForwardHandler = std::function<void(std::string payload, ForwardReply reply)>;
  void SetForwardHandler(const std::string& channel, ForwardHandler handler);

  // Follower side: sends `payload` on channel `channel` to the node
  // listening at `address` (one connection per (address, channel), dialed
  // lazily and re-dialed after a failure); `done(status)` runs exactly once,
  // later, on the loop thread with the leader's status, or
  // FailedPrecondition naming the address when the connection never came
  // up (nothing was sent: safe to send again), or Unavailable when it
  // failed or closed after that, before the reply (the payload may or may
  // not have been ordered then — the caller must not retry blindly), or
  // DeadlineExceeded when `forward_timeout_ms`
  // is set and no reply came in time (same caveat; a late reply is dropped),
  // or InvalidArgument when the payload does not fit in a frame. `self_id` and this transport's
  // bound_address() go into the preamble.
  void Forward(const std::string& channel, uint64_t self_id, const std::string& address, std::string payload,
               std::function<void(Status)> done);

  // Stops listening, closes every connection (pending forwards complete
  // with Unavailable), then calls `done` (may be empty) on the loop thread.
  // Raft groups must be closed by their owners first (raft_close). Calling
  // Close again only adds its `done`, called once the shutdown completed.
  void Close(std::function<void()> done);

 private:
  ClusterTransport(EventLoop* loop, internal::TransportCore* core) : loop_(loop), core_(core) {}

  EventLoop* loop_;
  internal::TransportCore* core_;  // frees itself when closed and orphaned
};

}  // namespace loom::raft
