#include "chaincode/nondet/nondet_contract.h"

#include <cstdio>
#include <random>
#include <string>

namespace loom::samples {

shim::Response NondetContract::Invoke(shim::ChaincodeStub& stub) {
  auto [function, params] = stub.GetFunctionAndParameters();
  if (function != "Random") {
    return shim::Response::Error("unknown function \"" + function + "\" (the nondet chaincode has Random)");
  }
  if (params.size() != 1) {
    return shim::Response::Error("Random takes 1 argument (key), got " + std::to_string(params.size()));
  }
  // Deliberately from the OS entropy source: the point is that no two
  // executions agree.
  std::random_device entropy;
  char value[17];
  std::snprintf(value, sizeof(value), "%08x%08x", entropy(), entropy());
  Status put = stub.PutState(params[0], value);
  if (!put.ok()) return shim::Response::Error(put.message());
  return shim::Response::Success(value);
}

}  // namespace loom::samples
