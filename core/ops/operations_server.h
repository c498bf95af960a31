// OperationsServer: a node's operations endpoint, as Fabric's: plain HTTP/1.1
// on its own address and thread (POSIX sockets + poll, no framework).
//
//   GET /healthz  200 {"status":"OK","time":"..."} or 503 with failed_checks
//   GET /metrics  200 the registry in Prometheus text format 0.0.4
//   other paths   404; other methods on these paths 405 (Allow: GET)
//
// Robustness: one response per connection (Connection: close); a request
// head larger than max_head_bytes gets 431, a malformed one 400; a client
// that is too slow (request_timeout for the whole exchange) is dropped (408
// if it sent part of a request); beyond max_connections new clients wait in
// the listen backlog until a connection ends. None of these stalls clients
// already connected. Health checkers and the exposition run
// on the server's thread.
//
// The registries must outlive the server. Stop() (or the destructor) closes
// the listener and every connection and joins the thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/ops/health.h"
#include "core/ops/metrics.h"
#include "core/util/status.h"

namespace loom::ops {

struct OperationsServerOptions {
  // "host:port": "127.0.0.1:9443", "[::1]:0", "0.0.0.0:9443", ":9443" (every
  // interface). Port 0 picks a free port; see port().
  std::string listen_address = "127.0.0.1:0";
  std::chrono::milliseconds request_timeout{10'000};
  size_t max_head_bytes = 16 << 10;
  size_t max_connections = 64;
};

class OperationsServer {
 public:
  // Binds and starts serving. `metrics` may be null (then /metrics is 404);
  // `health` may be null (then /healthz is always OK). InvalidArgument for a
  // malformed address, IoError when it cannot be bound (the message names it).
  static Result<std::unique_ptr<OperationsServer>> Start(OperationsServerOptions options,
                                                         const MetricsRegistry* metrics,
                                                         const HealthRegistry* health);
  ~OperationsServer();
  OperationsServer(const OperationsServer&) = delete;
  OperationsServer& operator=(const OperationsServer&) = delete;

  uint16_t port() const;
  std::string address() const;  // "127.0.0.1:40123"
  void Stop();

 private:
  class Impl;
  explicit OperationsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace loom::ops
