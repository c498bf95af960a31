// The gRPC adapter of the peer's protos.Deliver (peer/events.proto):
// Deliver, DeliverFiltered and DeliverWithPrivateData, over the orderer's
// DeliverHandler (seek semantics, the channel's event/Block or
// event/FilteredBlock ACL through PeerDeliverSource — by default
// /Channel/Application/Readers — re-checked while a request runs).
//
// Per stream, as the orderer's Deliver: each request's blocks are written
// as they commit (a block is sent only after its state is visible), then a
// status; after SUCCESS the next request is read, any other status ends the
// stream, as in Fabric. The block becomes:
//   Deliver                 DeliverResponse.block — the stored bytes, with
//                           TRANSACTIONS_FILTER, framed without a copy
//   DeliverFiltered         DeliverResponse.filtered_block (FilterBlock)
//   DeliverWithPrivateData  DeliverResponse.block_and_private_data with the
//                           block and an empty private_data_map: Loom keeps
//                           no private data, and Fabric sends an empty map to
//                           a requester eligible for no collection
// Callback API, one reactor per stream; no reaction blocks (requests are
// checked and blocks read on the worker pool). Methods are registered raw,
// so bytes that are not an Envelope get BAD_REQUEST, not a broken stream.
//
// Metrics (optional): Fabric's deliver_streams_opened/closed,
// deliver_requests_received/completed and deliver_blocks_sent with the
// filtered / data_type labels.
//
// The handlers, pool, metrics and stream counter must outlive the service,
// and the service the grpc::Server it is registered with.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/deliver_handler.h"
#include "core/util/status.h"
#include "core/util/worker_pool.h"

namespace grpc {
class Service;
}  // namespace grpc
namespace loom::ops {
class MetricsRegistry;
}  // namespace loom::ops

namespace loom::peer {

struct PeerDeliverServiceOptions {
  ops::MetricsRegistry* metrics = nullptr;           // optional
  orderer::ActiveStreams* active_streams = nullptr;  // optional; counts live streams for shutdown
  // One line for the node's log (access revoked mid-request); optional.
  std::function<void(const std::string& line)> log;
};

// `blocks` checks Deliver and DeliverWithPrivateData requests (its sources
// guard event/Block), `filtered` DeliverFiltered ones (event/FilteredBlock).
Result<std::unique_ptr<grpc::Service>> MakePeerDeliverService(const orderer::DeliverHandler* blocks,
                                                              const orderer::DeliverHandler* filtered,
                                                              util::WorkerPool* workers,
                                                              PeerDeliverServiceOptions options = {});

}  // namespace loom::peer
