// Entry points of a chaincode process.
//
//   int main(int argc, char** argv) {
//     MyChaincode chaincode;
//     return loom::shim::Start(argc, argv, chaincode);
//   }
//
// Start reads the flags and environment (start_config.h), then either dials
// the peer's protos.ChaincodeSupport/Register or, with
// CHAINCODE_SERVER_ADDRESS set, serves protos.Chaincode/Connect for the peer
// to dial (chaincode-as-a-service); either way it chats with the peer
// (chat.h) until the stream ends. It does not reconnect: the peer relaunches
// a chaincode whose stream ended.
#pragma once

#include <chrono>
#include <string>

#include "chaincode/shim/chaincode.h"
#include "core/util/status.h"

namespace loom::shim {

// Returns the process exit code: 0 when the peer ended the stream, 1 when
// the connection or handshake failed or the stream broke, 2 for bad flags or
// environment. Prints one line naming the problem to stderr on failure.
int Start(int argc, char** argv, Chaincode& chaincode);

// Dials the peer at `peer_address` (no TLS), registers as `chaincode_name`
// and chats until the stream ends. OK when the peer ended the stream
// cleanly; Unavailable when it cannot be reached within `connect_timeout` or
// the stream broke; FailedPrecondition for a failed handshake.
Status RunWithPeer(const std::string& peer_address, const std::string& chaincode_name, Chaincode& chaincode,
                   std::chrono::milliseconds connect_timeout = std::chrono::seconds(10));

}  // namespace loom::shim
