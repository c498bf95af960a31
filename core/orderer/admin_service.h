// The gRPC adapter of loom.OrdererAdmin over OrdererAdmin: unary callback
// methods that hand the request to the admin logic and map its Status to a
// gRPC status (the one place that mapping is done for this service). A join
// opens a ledger and starts threads, so it runs on the calling gRPC thread
// — joins are rare and serialised anyway.
//
// This header keeps grpcpp out of its includers. The admin must outlive the
// service, and the service the grpc::Server it is registered with.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/orderer/orderer_admin.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace loom::orderer {

struct OrdererAdminServiceOptions {
  // Called after each successful join (for the node's log); optional.
  std::function<void(const JoinChannelOutcome&)> on_joined;
  // Called with each refused request's method and reason; optional.
  std::function<void(const std::string& method, const Status&)> on_refused;
};

std::unique_ptr<grpc::Service> MakeOrdererAdminService(OrdererAdmin* admin,
                                                       OrdererAdminServiceOptions options = {});

}  // namespace loom::orderer
