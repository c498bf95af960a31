// ChaincodeSupport: the peer's side of chaincode connections — the
// protos.ChaincodeSupport/Register service that chaincode processes dial
// (register it on the peer's chaincode listen address), outgoing
// protos.Chaincode/Connect streams to chaincode servers (ccaas), and the
// registry of connected chaincodes by registered name. Each stream gets a
// Handler (handler.h) that speaks the protocol; ChaincodeRuntime
// (chaincode_runtime.h) runs transactions on them.
//
// The gRPC server carrying MakeService() should accept messages of
// limits.max_message_bytes (ServerBuilder::SetMaxReceiveMessageSize; gRPC's
// default is 4 MiB, and a larger message breaks the stream before the
// Handler sees it).
//
// Thread-safe. Must outlive the gRPC server it is registered on (Shutdown
// first) and every stream it dialled.
#pragma once

#include <memory>
#include <string>

#include "core/chaincode/handler.h"
#include "core/chaincode/handler_registry.h"
#include "core/util/status.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace loom::chaincode {

class ChaincodeSupport {
 public:
  explicit ChaincodeSupport(HandlerLimits limits = {});

  // protos.ChaincodeSupport/Register.
  std::unique_ptr<grpc::Service> MakeService();

  // Dials a chaincode server (host:port) and starts protos.Chaincode/Connect;
  // the chaincode registers over it as over Register. The handler is
  // returned at once (not yet registered; HandlerRegistry::WaitFor waits
  // for that); an unreachable server closes it.
  Result<std::shared_ptr<Handler>> Dial(const std::string& address);

  HandlerRegistry& registry() { return registry_; }
  const HandlerLimits& limits() const { return limits_; }

 private:
  const HandlerLimits limits_;
  HandlerRegistry registry_;
};

}  // namespace loom::chaincode
