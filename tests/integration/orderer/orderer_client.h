// A test client of orderer.AtomicBroadcast that speaks raw bytes (so tests
// can send what no typed stub would: garbage, oversized or hand-built
// envelopes) with a deadline on every stream.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "orderer/ab.pb.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace loom::testing {

using Deadline = std::chrono::system_clock::time_point;

inline Deadline SecondsFromNow(int seconds) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

std::shared_ptr<grpc::Channel> ConnectInsecure(const std::string& address);

// One bidirectional stream of raw messages. Not thread-safe, except that one
// thread may Write while another Reads (as gRPC's sync streams allow).
class RawStream {
 public:
  // `method`: "/orderer.AtomicBroadcast/Broadcast" or ".../Deliver".
  RawStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& method, Deadline deadline);
  ~RawStream();

  bool Write(const std::string& message);
  void WritesDone();
  // The next message; nullopt at the end of the stream.
  std::optional<std::string> Read();
  void Cancel();
  // The stream's final gRPC status code (0 = OK) and message.
  std::pair<int, std::string> Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct BroadcastResult {
  std::vector<::orderer::BroadcastResponse> responses;  // in request order
  int grpc_code = 0;
};

// Sends `envelopes` on one Broadcast stream (writing from a second thread
// while reading), half-closes, and collects one response per envelope.
// `on_response(i, response)` is called as each arrives; returning false
// stops reading (the stream is cancelled).
BroadcastResult BroadcastAll(
    const std::shared_ptr<grpc::Channel>& channel, const std::vector<std::string>& envelopes,
    Deadline deadline,
    const std::function<bool(size_t, const ::orderer::BroadcastResponse&)>& on_response = {});

struct DeliverResult {
  std::vector<common::Block> blocks;
  std::vector<std::string> block_bytes;
  std::optional<common::Status> status;  // set when the orderer ended the request with a status
  bool cancelled = false;                // `on_block` asked to stop
};

// Sends one seek envelope on a Deliver stream and reads blocks until a
// status arrives, the stream ends, or `on_block` returns false (then the
// stream is cancelled).
DeliverResult Deliver(const std::shared_ptr<grpc::Channel>& channel, const std::string& seek_envelope,
                      Deadline deadline, const std::function<bool(const common::Block&)>& on_block = {});

}  // namespace loom::testing
