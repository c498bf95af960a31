#include "core/chaincode/invocation.h"

namespace loom::chaincode {

void ExecutorRouter::Register(const std::string& chaincode_name, ChaincodeExecutor* executor) {
  std::lock_guard lock(mutex_);
  by_name_[chaincode_name] = executor;
}

void ExecutorRouter::SetFallback(ChaincodeExecutor* executor) {
  std::lock_guard lock(mutex_);
  fallback_ = executor;
}

ChaincodeExecutor* ExecutorRouter::Find(const std::string& chaincode_name) const {
  std::lock_guard lock(mutex_);
  auto it = by_name_.find(chaincode_name);
  return it != by_name_.end() ? it->second : fallback_;
}

bool ExecutorRouter::IsRegistered(const std::string& chaincode_name) const {
  std::lock_guard lock(mutex_);
  return by_name_.count(chaincode_name) != 0;
}

Result<InvocationResult> ExecutorRouter::Execute(const Invocation& invocation) {
  ChaincodeExecutor* executor = Find(invocation.chaincode_name);
  if (executor == nullptr) {
    return Status::NotFound("chaincode '" + invocation.chaincode_name + "' is not defined on this peer");
  }
  return executor->Execute(invocation);
}

}  // namespace loom::chaincode
