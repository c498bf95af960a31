// NodeLog: loom-orderer's log — one line per message on stderr,
// "loom-orderer <name>: <message>", each line written whole (one write under
// a lock), so lines from gRPC threads, channel threads and libprotobuf never
// interleave. Thread-safe.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace loom::orderer {

class NodeLog {
 public:
  // `out` must stay open while the log is used.
  explicit NodeLog(std::string name, std::FILE* out = stderr)
      : prefix_("loom-orderer " + name + ": "), out_(out) {}

  void Write(std::string_view message);

 private:
  const std::string prefix_;
  std::FILE* const out_;
  std::mutex mutex_;
};

}  // namespace loom::orderer
