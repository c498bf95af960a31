#include "nodes/common/node_ops.h"

#include <chrono>

#include "core/util/rate_limiter.h"

namespace loom::nodes {

Result<std::unique_ptr<ops::OperationsServer>> StartOperationsServer(
    const std::optional<orderer::HostPort>& address, ops::MetricsRegistry* metrics,
    ops::HealthRegistry* health) {
  if (!address) return std::unique_ptr<ops::OperationsServer>();
  ops::OperationsServerOptions options;
  options.listen_address = address->ToString();
  auto operations = ops::OperationsServer::Start(options, metrics, health);
  if (!operations.ok()) return operations.status().WithContext("operations_address");
  return std::move(*operations);
}

std::function<void(const std::string& method, const Status& status)> RefusedAdminRequestLog(
    std::function<void(const std::string& line)> log) {
  auto limiter = std::make_shared<LineRateLimiter>(5, std::chrono::seconds(1));
  return [limiter, log = std::move(log)](const std::string& method, const Status& status) {
    if (!log) return;
    auto decision = limiter->Admit(std::chrono::steady_clock::now());
    if (!decision.emit) return;
    if (decision.dropped > 0)
      log("suppressed " + std::to_string(decision.dropped) + " more refused admin requests");
    log("admin " + method + " refused: " + status.ToString());
  };
}

}  // namespace loom::nodes
