// The gRPC transports of the shim protocol, both directions, as raw
// ChaincodeMessage byte streams (so a chaincode's bad bytes reach the
// Handler, which answers them, instead of breaking the call):
//  * MakeChaincodeSupportService: protos.ChaincodeSupport/Register, the
//    service chaincodes dial (callback API, one reactor per stream);
//  * DialChaincode: protos.Chaincode/Connect on a chaincode server
//    (chaincode-as-a-service), the peer dialling.
// Every stream gets its StreamListener from `accept`, which receives the
// stream's MessageStream and a description of the other end. No reaction
// blocks; writes are queued in order, one in flight.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/chaincode/message_stream.h"
#include "core/util/status.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace loom::chaincode {

using AcceptStream = std::function<std::shared_ptr<StreamListener>(std::shared_ptr<MessageStream> stream,
                                                                   const std::string& origin)>;

// `accept` must stay callable until the gRPC server has shut down.
std::unique_ptr<grpc::Service> MakeChaincodeSupportService(AcceptStream accept);

// Starts protos.Chaincode/Connect on `address` (host:port, plaintext) and
// returns the stream; the listener hears the chaincode's messages and the end
// of the stream (an unreachable server ends it at once). Messages up to
// `max_message_bytes` are received (larger ones end the stream).
// InvalidArgument for an empty address.
Result<std::shared_ptr<MessageStream>> DialChaincode(const std::string& address, size_t max_message_bytes,
                                                     const AcceptStream& accept);

}  // namespace loom::chaincode
