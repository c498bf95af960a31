// HandlerRegistry: the chaincodes connected to this peer, by the name each
// registered with (Fabric's handler registry). A chaincode registers with its
// chaincode id: its plain name or, as Fabric's package ids do, "name:<more>"
// ("assets:1.0", "assets_1:7c3e..."); Find takes a chaincode name and
// accepts both, preferring the exact name.
//
// Thread-safe. Waiters (a launch waiting for its chaincode's REGISTER) are
// woken by every registration and by Wake().
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::chaincode {

class Handler;

// True when a chaincode that registered as `registered` serves chaincode
// `chaincode_name`: equal, or `chaincode_name` followed by ':'.
bool RegisteredNameMatches(std::string_view registered, std::string_view chaincode_name);

class HandlerRegistry {
 public:
  // AlreadyExists when a live handler holds `name`. Otherwise runs
  // `on_registered` before any Find can return the handler (the handler
  // queues REGISTERED and READY there, ahead of any transaction).
  Status Register(const std::string& name, std::shared_ptr<Handler> handler,
                  const std::function<void()>& on_registered = nullptr);
  // Removes `handler`'s entry, if it still holds one.
  void Deregister(const Handler* handler);

  // The live handler serving `chaincode_name`, or null.
  std::shared_ptr<Handler> Find(const std::string& chaincode_name) const;
  // Find, waiting until `deadline` or until `give_up` (checked on each wake)
  // says to stop; null then.
  std::shared_ptr<Handler> WaitFor(const std::string& chaincode_name,
                                   std::chrono::steady_clock::time_point deadline,
                                   const std::function<bool()>& give_up) const;
  // Wakes WaitFor callers so they check `give_up` again.
  void Wake();

 private:
  std::shared_ptr<Handler> FindLocked(const std::string& chaincode_name) const;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<Handler>, std::less<>> handlers_;
};

}  // namespace loom::chaincode
