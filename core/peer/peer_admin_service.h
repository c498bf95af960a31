// The gRPC adapter of loom.PeerAdmin over PeerAdmin: unary callback methods
// that hand the request to the admin logic and map its Status to a gRPC
// status. A join opens a ledger and starts threads, so it runs on the
// calling gRPC thread — joins are rare and serialised anyway.
//
// This header keeps grpcpp out of its includers. The admin must outlive the
// service, and the service the grpc::Server it is registered with.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/peer/peer_admin.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace loom::peer {

struct PeerAdminServiceOptions {
  // Called after each successful join (for the node's log); optional.
  std::function<void(const PeerJoinOutcome&)> on_joined;
  // Called with each refused request's method and reason; optional.
  std::function<void(const std::string& method, const Status&)> on_refused;
};

std::unique_ptr<grpc::Service> MakePeerAdminService(PeerAdmin* admin, PeerAdminServiceOptions options = {});

}  // namespace loom::peer
