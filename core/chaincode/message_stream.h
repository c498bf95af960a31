// The two halves of one chaincode stream, whichever side dialled
// (protos.ChaincodeSupport/Register: the chaincode dialled the peer;
// protos.Chaincode/Connect: the peer dialled a chaincode server).
//
// MessageStream is what the peer holds to talk to the chaincode: Send queues
// a message (gRPC allows one write in flight; the rest wait in order) and
// never blocks; Close ends the stream. Both are thread-safe and become no-ops
// once the stream is over.
//
// StreamListener is what the transport calls: every message read as raw
// bytes (parsing is the listener's job, so bad bytes get a reply instead of
// a broken stream), then exactly one OnStreamClosed. Called on gRPC threads;
// implementations must not block.
#pragma once

#include <memory>
#include <string>

#include "peer/chaincode_shim.pb.h"

namespace loom::chaincode {

class MessageStream {
 public:
  virtual ~MessageStream() = default;
  virtual void Send(const protos::ChaincodeMessage& message) = 0;
  // Ends the stream after the messages already queued are written.
  virtual void Close(const std::string& reason) = 0;
};

class StreamListener {
 public:
  virtual ~StreamListener() = default;
  virtual void OnMessage(const std::string& bytes) = 0;
  virtual void OnStreamClosed(const std::string& reason) = 0;
};

}  // namespace loom::chaincode
