#include "core/peer/peer_admin_service.h"

#include <grpcpp/grpcpp.h>

#include "loom/peer_admin.grpc.pb.h"

namespace loom::peer {
namespace {

grpc::StatusCode ToGrpcCode(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return grpc::StatusCode::OK;
    case Status::Code::kInvalidArgument: return grpc::StatusCode::INVALID_ARGUMENT;
    case Status::Code::kNotFound: return grpc::StatusCode::NOT_FOUND;
    case Status::Code::kAlreadyExists: return grpc::StatusCode::ALREADY_EXISTS;
    case Status::Code::kPermissionDenied: return grpc::StatusCode::PERMISSION_DENIED;
    case Status::Code::kFailedPrecondition: return grpc::StatusCode::FAILED_PRECONDITION;
    case Status::Code::kUnavailable: return grpc::StatusCode::UNAVAILABLE;
    case Status::Code::kDeadlineExceeded: return grpc::StatusCode::DEADLINE_EXCEEDED;
    case Status::Code::kCorruption: return grpc::StatusCode::DATA_LOSS;
    case Status::Code::kIoError:
    case Status::Code::kInternal: return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::UNKNOWN;
}

class PeerAdminService : public loom::PeerAdmin::CallbackService {
 public:
  PeerAdminService(peer::PeerAdmin* admin, PeerAdminServiceOptions options)
      : admin_(admin), options_(std::move(options)) {}

  grpc::ServerUnaryReactor* JoinChannel(grpc::CallbackServerContext* context,
                                        const loom::SignedAdminRequest* request,
                                        loom::PeerJoinChannelResponse* response) override {
    auto outcome = admin_->JoinChannel(*request);
    if (outcome.ok()) {
      *response->mutable_channel() = outcome->channel;
      response->set_already_joined(outcome->already_joined);
      if (options_.on_joined) options_.on_joined(*outcome);
    }
    return Finish(context, "JoinChannel", outcome.ok() ? Status::Ok() : outcome.status());
  }

  grpc::ServerUnaryReactor* ListChannels(grpc::CallbackServerContext* context,
                                         const loom::SignedAdminRequest* request,
                                         loom::PeerListChannelsResponse* response) override {
    auto channels = admin_->ListChannels(*request);
    if (channels.ok()) {
      for (auto& channel : *channels) *response->add_channels() = std::move(channel);
    }
    return Finish(context, "ListChannels", channels.ok() ? Status::Ok() : channels.status());
  }

 private:
  grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const std::string& method,
                                   const Status& status) {
    if (!status.ok() && options_.on_refused) options_.on_refused(method, status);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(status.ok() ? grpc::Status::OK
                                : grpc::Status(ToGrpcCode(status.code()), status.message()));
    return reactor;
  }

  peer::PeerAdmin* admin_;
  PeerAdminServiceOptions options_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakePeerAdminService(PeerAdmin* admin, PeerAdminServiceOptions options) {
  return std::make_unique<PeerAdminService>(admin, std::move(options));
}

}  // namespace loom::peer
