// The gRPC adapter of orderer.AtomicBroadcast (Broadcast and Deliver, with
// Fabric's method paths), over BroadcastHandler and DeliverHandler.
//
// Callback API, one reactor per stream, and no reaction ever blocks:
//  * Broadcast: envelopes read are checked (rules 1-6, the signature work)
//    in parallel on the worker pool, then submitted one by one in the order
//    they arrived (duplicate check, log append), so a stream's envelopes
//    keep their order in the chain, as with Fabric's one-at-a-time handler.
//    Each BroadcastResponse is written when its log append completes,
//    responses in request order; up to `max_in_flight_per_stream` envelopes
//    are in flight (reading pauses beyond that); the stream ends with OK
//    after the client half-closes and every response is written.
//  * Deliver (the reactor shared with the peer, deliver_reactor.h): each
//    request's blocks are written as stored (the block bytes
//    are framed as DeliverResponse.block without re-encoding), waiting for
//    new blocks through the channel's block listener; then a status. After
//    SUCCESS the next request on the stream is read; any other status ends
//    the stream, as in Fabric. A FORBIDDEN from the cursor (access revoked
//    mid-request: expired certificate, config change) is logged to stderr.
// Both methods are registered raw (ByteBuffer), so bytes that are not an
// Envelope get a BAD_REQUEST reply instead of a broken stream.
//
// The service, registry and pool must outlive the gRPC server's Shutdown.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>

#include "core/orderer/broadcast_handler.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/ordering_channel.h"
#include "core/util/worker_pool.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace loom::orderer {

// What Deliver streams do, for metrics. Called from gRPC and worker
// threads; must be quick. `channel` is empty for a request refused before
// its channel was known.
class DeliverStreamEvents {
 public:
  virtual ~DeliverStreamEvents() = default;
  virtual void OnDeliverStreamOpened() = 0;
  virtual void OnDeliverStreamClosed() = 0;
  virtual void OnDeliverRequestReceived(const std::string& channel) = 0;
  virtual void OnDeliverRequestCompleted(const std::string& channel, common::Status status) = 0;
  virtual void OnBlockSent(const std::string& channel) = 0;
};

// Counts the service's live streams, so a shutdown can wait for them to end
// (gRPC's own Shutdown also waits for idle client connections). Thread-safe.
class ActiveStreams {
 public:
  void Opened();
  void Closed();
  size_t count() const;
  // True when no stream is live, waiting until `deadline` for that.
  bool WaitForNone(std::chrono::steady_clock::time_point deadline) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  size_t count_ = 0;
};

struct AtomicBroadcastOptions {
  size_t max_in_flight_per_stream = 1024;
  DeliverStreamEvents* deliver_events = nullptr;  // optional; must outlive the service
  ActiveStreams* active_streams = nullptr;        // optional; must outlive the service
};

// `broadcast`, `deliver` and `workers` must outlive the service.
std::unique_ptr<grpc::Service> MakeAtomicBroadcastService(const BroadcastHandler* broadcast,
                                                          const DeliverHandler* deliver,
                                                          util::WorkerPool* workers,
                                                          AtomicBroadcastOptions options = {});

}  // namespace loom::orderer
