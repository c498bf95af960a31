// One transaction's line to the peer, as the ChaincodeStub sees it: a request
// tagged with the transaction's channel and tx id, answered by the peer's
// RESPONSE or ERROR. The chat (chat.h) implements it over the gRPC stream;
// tests may implement it directly.
#pragma once

#include <string>

#include "core/util/status.h"
#include "peer/chaincode_shim.pb.h"

namespace loom::shim {

class PeerRequester {
 public:
  virtual ~PeerRequester() = default;
  // Sends a `type` message with `payload` and waits for the reply. Returns
  // the RESPONSE payload; an ERROR reply as FailedPrecondition carrying the
  // peer's text unchanged; Unavailable when the stream to the peer is gone.
  // One request at a time per transaction (the stub's calls are sequential).
  virtual Result<std::string> Request(protos::ChaincodeMessage::Type type, std::string payload) = 0;
};

}  // namespace loom::shim
