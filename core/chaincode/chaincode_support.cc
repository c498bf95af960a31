#include "core/chaincode/chaincode_support.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include "core/chaincode/grpc_streams.h"

namespace loom::chaincode {

ChaincodeSupport::ChaincodeSupport(HandlerLimits limits) : limits_(limits) {}

std::unique_ptr<grpc::Service> ChaincodeSupport::MakeService() {
  return MakeChaincodeSupportService(
      [this](std::shared_ptr<MessageStream> stream, const std::string& origin) {
        return std::make_shared<Handler>(&registry_, std::move(stream), limits_, origin);
      });
}

Result<std::shared_ptr<Handler>> ChaincodeSupport::Dial(const std::string& address) {
  std::shared_ptr<Handler> handler;
  auto accept = [&](std::shared_ptr<MessageStream> stream, const std::string& origin) {
    handler = std::make_shared<Handler>(&registry_, std::move(stream), limits_, origin);
    return handler;
  };
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<MessageStream> stream,
                        DialChaincode(address, limits_.max_message_bytes, accept));
  (void)stream;  // the handler holds it
  return handler;
}

}  // namespace loom::chaincode
