// NodeLog: a Loom node's log — one line per message on stderr,
// "<program> <name>: <message>" (e.g. "loom-peer peer0: ..."), each line
// written whole (one write under a lock) so lines from gRPC, channel,
// pipeline and deliverer threads and libprotobuf never interleave; later
// lines of a multi-line message are indented. Thread-safe.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace loom::nodes {

class NodeLog {
 public:
  // `out` must stay open while the log is used.
  NodeLog(std::string_view program, std::string_view name, std::FILE* out = stderr)
      : prefix_(std::string(program) + " " + std::string(name) + ": "), out_(out) {}

  void Write(std::string_view message);

 private:
  const std::string prefix_;
  std::FILE* const out_;
  std::mutex mutex_;
};

}  // namespace loom::nodes
