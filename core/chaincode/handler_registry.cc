#include "core/chaincode/handler_registry.h"

#include "core/chaincode/handler.h"

namespace loom::chaincode {

bool RegisteredNameMatches(std::string_view registered, std::string_view chaincode_name) {
  if (chaincode_name.empty() || !registered.starts_with(chaincode_name)) return false;
  return registered.size() == chaincode_name.size() || registered[chaincode_name.size()] == ':';
}

Status HandlerRegistry::Register(const std::string& name, std::shared_ptr<Handler> handler,
                                 const std::function<void()>& on_registered) {
  {
    std::lock_guard lock(mutex_);
    auto it = handlers_.find(name);
    if (it != handlers_.end() && !it->second->closed()) {
      return Status::AlreadyExists("a chaincode registered as '" + name + "' is already connected (" +
                                   it->second->origin() + ")");
    }
    if (on_registered) on_registered();
    handlers_[name] = std::move(handler);
  }
  changed_.notify_all();
  return Status::Ok();
}

void HandlerRegistry::Deregister(const Handler* handler) {
  std::lock_guard lock(mutex_);
  for (auto it = handlers_.begin(); it != handlers_.end(); ++it) {
    if (it->second.get() == handler) {
      handlers_.erase(it);
      return;
    }
  }
}

std::shared_ptr<Handler> HandlerRegistry::FindLocked(const std::string& chaincode_name) const {
  auto exact = handlers_.find(chaincode_name);
  if (exact != handlers_.end() && !exact->second->closed()) return exact->second;
  // Names "chaincode_name:..." sort right after "chaincode_name:".
  for (auto it = handlers_.lower_bound(chaincode_name + ":"); it != handlers_.end(); ++it) {
    if (!RegisteredNameMatches(it->first, chaincode_name)) break;
    if (!it->second->closed()) return it->second;
  }
  return nullptr;
}

std::shared_ptr<Handler> HandlerRegistry::Find(const std::string& chaincode_name) const {
  std::lock_guard lock(mutex_);
  return FindLocked(chaincode_name);
}

std::shared_ptr<Handler> HandlerRegistry::WaitFor(const std::string& chaincode_name,
                                                  std::chrono::steady_clock::time_point deadline,
                                                  const std::function<bool()>& give_up) const {
  std::unique_lock lock(mutex_);
  while (true) {
    if (auto handler = FindLocked(chaincode_name)) return handler;
    if (give_up && give_up()) return nullptr;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return FindLocked(chaincode_name);
  }
}

void HandlerRegistry::Wake() {
  { std::lock_guard lock(mutex_); }
  changed_.notify_all();
}

}  // namespace loom::chaincode
