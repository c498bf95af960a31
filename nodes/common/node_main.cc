#include "nodes/common/node_main.h"

#include <pthread.h>

#include <cstdio>
#include <cstring>

namespace loom::nodes {

std::variant<NodeFlags, int> ParseNodeFlags(int argc, char** argv, std::string_view program,
                                            std::string_view usage) {
  const std::string name(program);
  auto print_usage = [&](std::FILE* out) { std::fwrite(usage.data(), 1, usage.size(), out); };
  NodeFlags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s: %s needs a value\n", name.c_str(), flag);
        return nullptr;
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      print_usage(stdout);
      return 0;
    } else if (arg == "--config") {
      const char* v = value("--config");
      if (v == nullptr) return kExitUsage;
      flags.config_file = v;
    } else if (arg == "--join") {
      const char* v = value("--join");
      if (v == nullptr) return kExitUsage;
      flags.join_blocks.emplace_back(v);
    } else {
      std::fprintf(stderr, "%s: unknown argument '%s'\n", name.c_str(), arg.c_str());
      print_usage(stderr);
      return kExitUsage;
    }
  }
  if (flags.config_file.empty()) {
    std::fprintf(stderr, "%s: --config FILE is required\n", name.c_str());
    print_usage(stderr);
    return kExitUsage;
  }
  return flags;
}

ShutdownSignals::ShutdownSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

std::string ShutdownSignals::Wait() {
  int signal_number = 0;
  sigwait(&signals_, &signal_number);
  return strsignal(signal_number);
}

}  // namespace loom::nodes
