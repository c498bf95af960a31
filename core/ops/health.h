// Health checks for /healthz, as Fabric's operations endpoint does them:
// components register a checker; /healthz answers 200 with
// {"status":"OK","time":"..."} when every check passes, otherwise 503 with
// {"status":"Service Unavailable","time":"...","failed_checks":[{"component":
// "...","reason":"..."}]}.
//
// Thread-safe. Checkers run on the operations server's thread, outside the
// registry's lock, and must be quick (no network round trips).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace loom::ops {

struct FailedCheck {
  std::string component;
  std::string reason;
};

class HealthRegistry {
 public:
  // OK when healthy; otherwise the status message is the reason.
  using Checker = std::function<Status()>;

  // AlreadyExists when `component` is registered; InvalidArgument when empty.
  Status Register(const std::string& component, Checker checker);
  void Deregister(const std::string& component);

  // The failed checks, ordered by component.
  std::vector<FailedCheck> RunChecks() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Checker> checkers_;  // guarded by mu_
};

// The /healthz body for `failed` at `unix_nanos` (Fabric's field names).
std::string HealthStatusJson(const std::vector<FailedCheck>& failed, int64_t unix_nanos);

// "2006-01-02T15:04:05.999999999Z" in UTC, trailing zeros of the fraction cut
// (Go's RFC3339Nano, which Fabric's JSON time uses).
std::string FormatRfc3339Nano(int64_t unix_nanos);

// A JSON string literal with quotes and escapes.
std::string JsonQuote(std::string_view text);

}  // namespace loom::ops
