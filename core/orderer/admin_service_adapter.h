// The gRPC side shared by the nodes' admin services (loom.OrdererAdmin,
// loom.PeerAdmin): unary callback methods that hand the signed request to
// the node's admin logic and map its Status to a gRPC status. A join opens a
// ledger and starts threads, so it runs on the calling gRPC thread — joins
// are rare and serialised anyway.
//
// Used by the services' .cc files only: this header pulls in grpcpp.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <utility>

#include "core/util/status.h"
#include "loom/orderer_admin.pb.h"

namespace loom::orderer {

// The gRPC status for `status` (OK for OK; the message kept otherwise).
grpc::Status ToGrpcStatus(const Status& status);

// `Admin` has JoinChannel and ListChannels taking a SignedAdminRequest;
// its join outcome has `channel` and `already_joined`. `Options` has the
// optional callbacks on_joined(outcome) and on_refused(method, status).
// The admin must outlive the service.
template <typename CallbackService, typename Admin, typename JoinResponse, typename ListResponse,
          typename Options>
class AdminServiceAdapter : public CallbackService {
 public:
  AdminServiceAdapter(Admin* admin, Options options) : admin_(admin), options_(std::move(options)) {}

  grpc::ServerUnaryReactor* JoinChannel(grpc::CallbackServerContext* context,
                                        const loom::SignedAdminRequest* request,
                                        JoinResponse* response) override {
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
                                         ListResponse* response) override {
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
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }

  Admin* admin_;
  Options options_;
};

}  // namespace loom::orderer
