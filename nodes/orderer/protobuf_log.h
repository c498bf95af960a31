// Routes libprotobuf's own log lines (it logs ERROR for string fields with
// invalid UTF-8 in hostile input, for instance) into the node's log instead
// of raw stderr, rate-limited: at most `max_lines_per_second` lines a
// second, then one "suppressed K similar messages" line when lines flow
// again (or when the routing ends).
//
// libprotobuf has one process-wide handler: make one ProtobufLogRouting, in
// main, before serving; its destructor reinstalls the handler that was
// there before. The log must outlive it. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "core/util/rate_limiter.h"
#include "nodes/common/node_log.h"

namespace loom::orderer {

class ProtobufLogRouting {
 public:
  explicit ProtobufLogRouting(nodes::NodeLog* log, uint32_t max_lines_per_second = 5);
  ~ProtobufLogRouting();
  ProtobufLogRouting(const ProtobufLogRouting&) = delete;
  ProtobufLogRouting& operator=(const ProtobufLogRouting&) = delete;

  // One libprotobuf log line (what the installed handler calls).
  void Route(int level, const char* file, int line, const std::string& message);

 private:
  nodes::NodeLog* log_;
  LineRateLimiter limiter_;
  google::protobuf::LogHandler* previous_handler_ = nullptr;
};

}  // namespace loom::orderer
