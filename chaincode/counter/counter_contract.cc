#include "chaincode/counter/counter_contract.h"

#include <charconv>
#include <string>
#include <vector>

namespace loom::samples {
namespace {

using shim::ChaincodeStub;
using shim::Response;

bool ParseInt64(const std::string& text, int64_t* value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

Status CheckArgs(const std::string& function, const std::vector<std::string>& params, size_t expected,
                 const char* names) {
  if (params.size() == expected) return Status::Ok();
  return Status::InvalidArgument(function + " takes " + std::to_string(expected) + " argument" +
                                 (expected == 1 ? "" : "s") + " (" + names + "), got " +
                                 std::to_string(params.size()));
}

Result<int64_t> ReadCounter(ChaincodeStub& stub, const std::string& key) {
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> value, stub.GetState(key));
  if (!value) return int64_t{0};
  int64_t count = 0;
  if (!ParseInt64(*value, &count)) {
    return Status::InvalidArgument("the value of key " + key + " is not a decimal integer: \"" + *value +
                                   "\"");
  }
  return count;
}

Result<std::string> AddToCounter(ChaincodeStub& stub, const std::string& key, int64_t delta) {
  LOOM_ASSIGN_OR_RETURN(int64_t count, ReadCounter(stub, key));
  int64_t sum = 0;
  if (__builtin_add_overflow(count, delta, &sum)) {
    return Status::InvalidArgument("adding " + std::to_string(delta) + " to key " + key + " (" +
                                   std::to_string(count) + ") overflows a 64-bit integer");
  }
  std::string text = std::to_string(sum);
  LOOM_RETURN_IF_ERROR(stub.PutState(key, text));
  return text;
}

Result<std::string> Run(ChaincodeStub& stub, const std::string& function,
                        const std::vector<std::string>& params) {
  if (function == "Increment") {
    LOOM_RETURN_IF_ERROR(CheckArgs(function, params, 1, "key"));
    return AddToCounter(stub, params[0], 1);
  }
  if (function == "Add") {
    LOOM_RETURN_IF_ERROR(CheckArgs(function, params, 2, "key, delta"));
    int64_t delta = 0;
    if (!ParseInt64(params[1], &delta)) {
      return Status::InvalidArgument("Add: argument delta \"" + params[1] + "\" is not a decimal integer");
    }
    return AddToCounter(stub, params[0], delta);
  }
  if (function == "Get") {
    LOOM_RETURN_IF_ERROR(CheckArgs(function, params, 1, "key"));
    LOOM_ASSIGN_OR_RETURN(int64_t count, ReadCounter(stub, params[0]));
    return std::to_string(count);
  }
  return Status::NotFound("unknown function \"" + function + "\" (the counter has Increment, Add and Get)");
}

}  // namespace

Response CounterContract::Invoke(ChaincodeStub& stub) {
  auto [function, params] = stub.GetFunctionAndParameters();
  Result<std::string> result = Run(stub, function, params);
  if (!result.ok()) return Response::Error(result.status().message());
  return Response::Success(std::move(*result));
}

}  // namespace loom::samples
