// The gRPC adapter of protos.Endorser/ProcessProposal over Endorser.
//
// Callback API: the unary reaction hands the proposal to the worker pool
// (chaincode execution blocks) and returns at once; the worker finishes the
// call with the ProposalResponse. The method is registered raw (ByteBuffer),
// so bytes that are not a SignedProposal get a ProposalResponse with status
// 500 rather than a gRPC error, as every refusal does. A pool that is
// shutting down gives gRPC UNAVAILABLE.
//
// The endorser and the pool must outlive the gRPC server's Shutdown (the
// pool's destructor runs queued work, so destroy the server first).
#pragma once

#include <memory>

#include "core/endorser/endorser.h"
#include "core/util/worker_pool.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace loom::endorser {

std::unique_ptr<grpc::Service> MakeEndorserService(const Endorser* endorser, util::WorkerPool* workers);

}  // namespace loom::endorser
