// loom-bench: load generation, measurement and reports for a Loom (or any
// Fabric-protocol) network. See docs/bench.md.
#include <cstdio>
#include <string>
#include <vector>

#include "app/bench/run_command.h"

namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  loom-bench run WORKSPACE|SCENARIO.yaml --workload NAME (--rate R | --in-flight N) --duration D\n"
    "             [--clients C] [--keys K] [--zipf S | --hotset FRACTION:PROBABILITY] [--profile P]\n"
    "             [--endorse-only | --order-only | --validate-only [--txs N] [--block-size B]]\n"
    "             [--channel C] [--org ORG] [--user USER] [--seed N]\n"
    "             [--timeout D] [--ceiling-seconds S] [--report DIR] [--json] [--no-trace]\n"
    "             [--workspace DIR] [--down]\n"
    "             (a SCENARIO is brought up in DIR, or attached to, and left running unless --down)\n"
    "  loom-bench compare A B [--json]      two reports (folders or report.json) side by side\n"
    "workloads: assets-create assets-transfer assets-read counter-increment fabcoin-mint fabcoin-spend\n"
    "profiles:  fixed[:R]  ramp:FROM-TO  steps:R1xD1,R2xD2,...  (D like 5s, 500ms, 1m)\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "run") return loom::bench::RunCommand(args);
  if (command == "compare") return loom::bench::CompareCommand(args);
  std::fprintf(stderr, "loom-bench: unknown command \"%s\"\n%s", command.c_str(), kUsage);
  return 2;
}
