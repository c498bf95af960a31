// PeerLog: loom-peer's log — one line per message on stderr,
// "loom-peer <name>: <message>", each line written whole (one write under a
// lock) so lines from gRPC, pipeline and deliverer threads never interleave;
// later lines of a multi-line message are indented. Thread-safe.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace loom::peer {

class PeerLog {
 public:
  // `out` must stay open while the log is used.
  explicit PeerLog(std::string name, std::FILE* out = stderr)
      : prefix_("loom-peer " + name + ": "), out_(out) {}

  void Write(std::string_view message);

 private:
  const std::string prefix_;
  std::FILE* const out_;
  std::mutex mutex_;
};

}  // namespace loom::peer
