// loomctl logs NODE [-f] [--lines N] [--workspace DIR]
// A node's log (its stdout and stderr); -f keeps printing what it appends.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "app/lab/process.h"
#include "app/loomctl/lab_command_args.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl logs NODE [-f] [--lines N] [--workspace DIR]\n"
    "  Prints NODE's log (FQDN or an unambiguous prefix such as peer0.org1): the whole log,\n"
    "  or its last N lines; -f then follows it until interrupted.\n";

constexpr auto kFollowInterval = std::chrono::milliseconds(200);

// Copies the file from `offset` to stdout; returns the new offset.
std::streamoff CopyFrom(const std::string& path, std::streamoff offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return offset;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < offset) offset = 0;  // truncated or replaced: start over
  in.seekg(offset);
  char buffer[1 << 14];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    std::fwrite(buffer, 1, static_cast<size_t>(in.gcount()), stdout);
  }
  std::fflush(stdout);
  return size;
}

}  // namespace

int RunLogsCommand(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Result<LabArgs> parsed = ParseLabArgs(args, {"--lines"}, {"-f", "--follow"});
  if (!parsed.ok() || parsed->positional.size() != 1) {
    std::fprintf(stderr, "loomctl logs: %s\n%s",
                 parsed.ok() ? "takes exactly one NODE" : parsed.status().message().c_str(), kUsage);
    return 2;
  }
  Result<lab::Workspace> workspace = OpenSelectedWorkspace(parsed->workspace);
  if (!workspace.ok()) return Fail("logs", workspace.status().message());
  const lab::NodeSpec* node = workspace->FindNode(parsed->positional[0]);
  if (node == nullptr) {
    std::string names;
    for (const lab::NodeSpec& spec : workspace->nodes())
      names += (names.empty() ? "" : ", ") + spec.info.fqdn;
    return Fail("logs",
                "no node '" + parsed->positional[0] + "' in " + workspace->dir() + " (nodes: " + names + ")");
  }
  std::streamoff offset = 0;
  if (auto lines = parsed->values.find("--lines"); lines != parsed->values.end()) {
    int count = 0;
    try {
      count = std::stoi(lines->second);
    } catch (const std::exception&) {
      count = -1;
    }
    if (count <= 0) {
      std::fprintf(stderr, "loomctl logs: --lines '%s' is not a positive number\n%s", lines->second.c_str(),
                   kUsage);
      return 2;
    }
    std::string tail = lab::TailOfFile(node->log_file, count);
    std::fputs(tail.c_str(), stdout);
    if (!tail.empty() && tail.back() != '\n') std::fputc('\n', stdout);
    std::ifstream in(node->log_file, std::ios::binary | std::ios::ate);
    offset = in ? static_cast<std::streamoff>(in.tellg()) : 0;
  } else {
    std::ifstream probe(node->log_file);
    if (!probe) return Fail("logs", node->info.fqdn + " has no log yet (" + node->log_file + ")");
    offset = CopyFrom(node->log_file, 0);
  }
  if (parsed->flags.count("-f") == 0 && parsed->flags.count("--follow") == 0) return 0;
  for (;;) {  // until interrupted
    std::this_thread::sleep_for(kFollowInterval);
    offset = CopyFrom(node->log_file, offset);
  }
}

}  // namespace loom::ctl
