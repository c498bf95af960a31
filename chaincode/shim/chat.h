// The chaincode side of Fabric's chaincode shim protocol over one stream,
// whichever side dialed (the peer's ChaincodeSupport.Register, or the
// chaincode's own Chaincode.Connect when it runs as a service).
//
// ChatWithPeer sends REGISTER (ChaincodeID{name}), expects REGISTERED then
// READY, then runs every INIT and TRANSACTION message on its own thread and
// answers it with COMPLETED (the marshalled protos.Response and the event
// set with SetEvent) or ERROR. The transactions' requests (GET_STATE, ...)
// share the stream; replies are routed back by (channel id, tx id). KEEPALIVE
// messages are echoed, as Fabric's Go shim does.
#pragma once

#include <chrono>
#include <string>

#include "chaincode/shim/chaincode.h"
#include "core/util/status.h"
#include "peer/chaincode_shim.pb.h"

namespace loom::shim {

// The largest ChaincodeMessage either side accepts (Fabric's 100 MB).
inline constexpr int kMaxMessageBytes = 100 * 1024 * 1024;

// A bidirectional stream of ChaincodeMessages. ChatWithPeer calls Read from
// one thread and Write from many, never two Writes at once.
class MessageStream {
 public:
  virtual ~MessageStream() = default;
  // False when the stream has ended.
  virtual bool Read(protos::ChaincodeMessage* message) = 0;
  // False when the message could not be sent (the stream is broken).
  virtual bool Write(const protos::ChaincodeMessage& message) = 0;
};

struct ChatOptions {
  // After the stream ends, how long to wait for transactions still running
  // (their requests to the peer fail at once, so well-behaved ones finish
  // quickly). One still running then is left on its detached thread: the
  // chaincode object must outlive it, as it does in a chaincode process.
  std::chrono::milliseconds drain_timeout{5000};
};

// Runs the chat until the stream ends. OK when the peer ended it after the
// handshake; FailedPrecondition for a failed handshake or a message the
// protocol does not allow (after sending ERROR); Unavailable when the stream
// broke or ended during the handshake. The stream is not used after return.
Status ChatWithPeer(MessageStream& stream, const std::string& chaincode_name, Chaincode& chaincode,
                    const ChatOptions& options = {});

}  // namespace loom::shim
