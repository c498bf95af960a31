#include "core/endorser/endorser_service.h"

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "core/util/grpc_bytes.h"
#include "peer/peer.grpc.pb.h"

namespace loom::endorser {
namespace {

class EndorserService final
    : public protos::Endorser::WithRawCallbackMethod_ProcessProposal<protos::Endorser::Service> {
 public:
  EndorserService(const Endorser* endorser, util::WorkerPool* workers)
      : endorser_(endorser), workers_(workers) {}

  grpc::ServerUnaryReactor* ProcessProposal(grpc::CallbackServerContext* context,
                                            const grpc::ByteBuffer* request,
                                            grpc::ByteBuffer* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    // The chaincode may run for up to the execute timeout: never on gRPC's thread.
    bool posted = workers_->Post([this, reactor, response, bytes = util::ByteBufferToString(*request)] {
      *response = util::MessageToByteBuffer(endorser_->ProcessProposalBytes(bytes));
      reactor->Finish(grpc::Status::OK);
    });
    if (!posted) reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the peer is shutting down"));
    return reactor;
  }

 private:
  const Endorser* endorser_;
  util::WorkerPool* workers_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeEndorserService(const Endorser* endorser, util::WorkerPool* workers) {
  return std::make_unique<EndorserService>(endorser, workers);
}

}  // namespace loom::endorser
