// Chaincode-as-a-service: the chaincode serves protos.Chaincode/Connect and
// the peer dials it. On each Connect stream the chaincode still speaks first
// (REGISTER with its package id), as Fabric's Go shim does; the rest of the
// chat is the same as when it dials the peer (chat.h).
#pragma once

#include <memory>
#include <string>

#include "chaincode/shim/chaincode.h"
#include "core/util/status.h"

namespace loom::shim {

class ChaincodeServer {
 public:
  // Listens on `address` (HOST:PORT; port 0 picks a free one) without TLS.
  // Unavailable when it cannot bind. `chaincode` must outlive the server.
  static Result<std::unique_ptr<ChaincodeServer>> Start(const std::string& address,
                                                        const std::string& chaincode_id,
                                                        Chaincode& chaincode);
  ~ChaincodeServer();  // Shutdown()
  ChaincodeServer(const ChaincodeServer&) = delete;
  ChaincodeServer& operator=(const ChaincodeServer&) = delete;

  int port() const;
  // Blocks until Shutdown.
  void Wait();
  // Ends every open stream and stops serving. Idempotent, thread-safe.
  void Shutdown();

 private:
  struct Impl;
  explicit ChaincodeServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace loom::shim
