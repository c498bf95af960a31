// What a C++ chaincode implements: Init and Invoke over a ChaincodeStub,
// each answering with a Response (Fabric's shim.Chaincode and pb.Response).
//
// A Response with status < 400 is a success; >= 400 is the chaincode's own
// business error, returned to the client with its message (the endorser does
// not endorse it). Init and Invoke may run concurrently for different
// transactions, each on its own thread: a chaincode keeps no per-transaction
// state in members, or guards it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace loom::shim {

class ChaincodeStub;

inline constexpr int32_t kOk = 200;              // Fabric's shim.OK
inline constexpr int32_t kErrorThreshold = 400;  // Fabric's shim.ERRORTHRESHOLD
inline constexpr int32_t kError = 500;           // Fabric's shim.ERROR

struct Response {
  int32_t status = kOk;
  std::string message;
  std::string payload;

  // Status 200 with `payload` (Fabric's shim.Success).
  static Response Success(std::string payload = {}) { return Response{kOk, {}, std::move(payload)}; }
  // Status 500 with `message` (Fabric's shim.Error).
  static Response Error(std::string message) { return Response{kError, std::move(message), {}}; }

  bool ok() const { return status < kErrorThreshold; }
};

class Chaincode {
 public:
  virtual ~Chaincode() = default;
  // Called for the peer's INIT message (a definition with --init-required).
  virtual Response Init(ChaincodeStub& stub);
  // Called for every TRANSACTION message: a proposal for this chaincode.
  virtual Response Invoke(ChaincodeStub& stub) = 0;
};

inline Response Chaincode::Init(ChaincodeStub&) {
  return Response::Success();
}

}  // namespace loom::shim
