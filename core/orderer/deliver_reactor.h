// The Deliver stream reactor both nodes serve: the orderer's
// AtomicBroadcast.Deliver and the peer's Deliver, DeliverFiltered and
// DeliverWithPrivateData. They differ only in how a block becomes a
// response (DeliverResponseEncoder) and in what they count (events).
//
// Per stream: each request (a raw Envelope) is checked by the
// DeliverHandler on the worker pool; its blocks are written as they become
// deliverable, waiting for new ones through the channel's block listener;
// then a status. After SUCCESS the next request is read; any other status
// ends the stream, as in Fabric. A FORBIDDEN from the cursor (access revoked
// mid-request) and a block the encoder cannot frame (which ends the request
// with INTERNAL_SERVER_ERROR) are logged. No reaction blocks.
//
// Used by the services' .cc files only: this header pulls in grpcpp.
#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/common.pb.h"
#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/deliver_source.h"
#include "core/util/status.h"
#include "core/util/worker_pool.h"

namespace loom::orderer {

using RawBidiReactor = grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

// How a Deliver method frames its responses. Thread-safe.
class DeliverResponseEncoder {
 public:
  virtual ~DeliverResponseEncoder() = default;
  // The response carrying one block: `block_bytes` as `channel` stores it.
  virtual Result<grpc::ByteBuffer> EncodeBlock(const DeliverSource& channel,
                                               std::string block_bytes) const = 0;
  // The response ending a request with `status`.
  virtual grpc::ByteBuffer EncodeStatus(common::Status status) const = 0;
};

struct DeliverReactorConfig {
  const DeliverHandler* handler = nullptr;
  util::WorkerPool* workers = nullptr;
  const DeliverResponseEncoder* encoder = nullptr;
  DeliverStreamEvents* events = nullptr;  // optional
  ActiveStreams* streams = nullptr;       // optional
  // One line for the node's log; optional.
  std::function<void(const std::string& line)> log;
  // The gRPC status message when the pool refuses work (shutdown).
  std::string shutting_down_message;
};

// A new reactor for one Deliver stream; it deletes itself when gRPC and all
// its pending work are done with it. `config` and everything it points to
// must outlive it.
RawBidiReactor* NewDeliverReactor(const DeliverReactorConfig* config);

// Deletes a reactor once gRPC is done with it (the reference released in
// OnDone) and every piece of work that refers to it has finished; counts it
// as a live stream until then.
class RefCountedReactor {
 public:
  explicit RefCountedReactor(ActiveStreams* streams);
  virtual ~RefCountedReactor();
  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  ActiveStreams* streams_;
  std::atomic<int> refs_{1};  // gRPC's, released in OnDone
};

// Protobuf framing for encoders that send stored block bytes without
// re-encoding them: the key of length-delimited `field` and `length`.
void AppendLengthDelimitedKey(std::string* out, int field, uint64_t length);
// `header` then `block_bytes`, the block handed to gRPC without a copy.
grpc::ByteBuffer FramedBlockBuffer(const std::string& header, std::string block_bytes);

}  // namespace loom::orderer
