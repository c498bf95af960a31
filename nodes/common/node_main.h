// What the node executables' main() share: their command line
// (`<program> --config FILE [--join BLOCKFILE]...`, --help) and waiting for
// a shutdown signal.
#pragma once

#include <signal.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace loom::nodes {

constexpr int kExitCannotStart = 1;
constexpr int kExitUsage = 2;

struct NodeFlags {
  std::string config_file;
  std::vector<std::string> join_blocks;  // genesis block files, in order
};

// The flags, or the exit status main returns at once: 0 after --help
// printed `usage` on stdout; kExitUsage after a missing value, an unknown
// argument or a missing --config, explained on stderr as "<program>: ...".
std::variant<NodeFlags, int> ParseNodeFlags(int argc, char** argv, std::string_view program,
                                            std::string_view usage);

// SIGTERM and SIGINT, blocked from construction on in the calling thread
// and in every thread it starts later (gRPC's included), so that only Wait
// takes them. Construct it before starting threads.
class ShutdownSignals {
 public:
  ShutdownSignals();
  // Blocks until one arrives; its description ("Terminated").
  std::string Wait();

 private:
  sigset_t signals_;
};

}  // namespace loom::nodes
