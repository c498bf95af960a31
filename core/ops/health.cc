#include "core/ops/health.h"

#include <ctime>

namespace loom::ops {

Status HealthRegistry::Register(const std::string& component, Checker checker) {
  if (component.empty()) return Status::InvalidArgument("health checker: the component name is empty");
  if (!checker) return Status::InvalidArgument("health checker for " + component + ": no function");
  std::lock_guard lock(mu_);
  if (!checkers_.emplace(component, std::move(checker)).second) {
    return Status::AlreadyExists("health checker '" + component + "' is already registered");
  }
  return Status::Ok();
}

void HealthRegistry::Deregister(const std::string& component) {
  std::lock_guard lock(mu_);
  checkers_.erase(component);
}

std::vector<FailedCheck> HealthRegistry::RunChecks() const {
  std::map<std::string, Checker> checkers;
  {
    std::lock_guard lock(mu_);
    checkers = checkers_;
  }
  std::vector<FailedCheck> failed;
  for (const auto& [component, checker] : checkers) {
    Status status = checker();
    if (!status.ok()) {
      failed.push_back(
          {component, status.message().empty() ? Status::CodeName(status.code()) : status.message()});
    }
  }
  return failed;
}

std::string FormatRfc3339Nano(int64_t unix_nanos) {
  int64_t seconds = unix_nanos / 1'000'000'000;
  int64_t nanos = unix_nanos % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    --seconds;
  }
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[64];
  size_t length = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out(buffer, length);
  if (nanos != 0) {
    std::string fraction = std::to_string(nanos);
    fraction.insert(0, 9 - fraction.size(), '0');
    while (fraction.back() == '0') fraction.pop_back();
    out += '.';
    out += fraction;
  }
  out += 'Z';
  return out;
}

std::string JsonQuote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        // Control characters, and <>& as Go's encoding/json escapes them.
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string HealthStatusJson(const std::vector<FailedCheck>& failed, int64_t unix_nanos) {
  std::string out = "{\"status\":";
  out += JsonQuote(failed.empty() ? "OK" : "Service Unavailable");
  out += ",\"time\":";
  out += JsonQuote(FormatRfc3339Nano(unix_nanos));
  if (!failed.empty()) {
    out += ",\"failed_checks\":[";
    for (size_t i = 0; i < failed.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"component\":";
      out += JsonQuote(failed[i].component);
      out += ",\"reason\":";
      out += JsonQuote(failed[i].reason);
      out += '}';
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace loom::ops
