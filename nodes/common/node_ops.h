// Operational pieces both nodes wire the same way: the optional operations
// endpoint (/healthz, /metrics) and the log of refused admin requests.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/ops/operations_server.h"
#include "core/orderer/node_config_common.h"
#include "core/util/status.h"

namespace loom::nodes {

// The operations server on `address`, or none (nullptr) when the config
// sets no operations_address. Errors carry the "operations_address" context.
// The registries must outlive the server.
Result<std::unique_ptr<ops::OperationsServer>> StartOperationsServer(
    const std::optional<orderer::HostPort>& address, ops::MetricsRegistry* metrics,
    ops::HealthRegistry* health);

// An admin service's on_refused callback writing "admin <method> refused:
// <status>" to `log`, at most 5 lines a second (a client can send refused
// requests as fast as it likes), with a "suppressed N more refused admin
// requests" line after a burst. Thread-safe.
std::function<void(const std::string& method, const Status& status)> RefusedAdminRequestLog(
    std::function<void(const std::string& line)> log);

}  // namespace loom::nodes
