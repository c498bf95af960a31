// loom-orderer: Loom's ordering service node.
//
//   loom-orderer --config FILE [--join BLOCKFILE]...
//
// Serves orderer.AtomicBroadcast (Broadcast, Deliver), loom.OrdererAdmin
// (join channels at run time, list them) and loom.Observer on
// the configured address, for the channels in its data folder and those
// joined with --join (a channel's genesis block). Once serving it prints
//   loom-orderer <name> listening on <host:port>
// on stdout (the port resolved when the config asks for port 0). SIGTERM or
// SIGINT shut it down gracefully. Exit status: 0 after a clean shutdown,
// 2 for bad usage or a bad config file, 1 when it cannot start.
#include <malloc.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/orderer/orderer_config.h"
#include "nodes/orderer/node_log.h"
#include "nodes/orderer/orderer_node.h"
#include "nodes/orderer/protobuf_log.h"

namespace {

constexpr int kExitCannotStart = 1;
constexpr int kExitUsage = 2;

void PrintUsage(std::FILE* out) {
  std::fprintf(
      out,
      "usage: loom-orderer --config FILE [--join BLOCKFILE]...\n"
      "  --config FILE       the node's YAML config (name, listen_address, msp, data_dir, ...)\n"
      "  --join BLOCKFILE    join (or re-open) the channel whose genesis block this is; repeatable\n");
}

// libraft's disk writer (uv_append) grows a block-aligned buffer of several
// MB for every batch of Raft entries it writes and frees it again. With
// glibc's defaults those buffers are mmap()ed and munmap()ed each time, so
// the Raft loop thread spent most of its time in page faults (perf: ~60 %
// of it under Broadcast load) — enough to miss heartbeats and lose the
// leadership. Serving buffers up to 32 MB (glibc's maximum) from the heap
// and not trimming freed memory back below 128 MB keeps them mapped.
void KeepLargeBuffersMapped() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  KeepLargeBuffersMapped();
  std::string config_file;
  std::vector<std::string> join_blocks;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "loom-orderer: %s needs a value\n", flag);
        return nullptr;
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      PrintUsage(stdout);
      return 0;
    } else if (arg == "--config") {
      const char* v = value("--config");
      if (v == nullptr) return kExitUsage;
      config_file = v;
    } else if (arg == "--join") {
      const char* v = value("--join");
      if (v == nullptr) return kExitUsage;
      join_blocks.emplace_back(v);
    } else {
      std::fprintf(stderr, "loom-orderer: unknown argument '%s'\n", arg.c_str());
      PrintUsage(stderr);
      return kExitUsage;
    }
  }
  if (config_file.empty()) {
    std::fprintf(stderr, "loom-orderer: --config FILE is required\n");
    PrintUsage(stderr);
    return kExitUsage;
  }

  auto config = loom::orderer::LoadOrdererConfigFile(config_file);
  if (!config.ok()) {
    std::fprintf(stderr, "loom-orderer: %s\n", config.status().message().c_str());
    return kExitUsage;
  }

  // Block the signals in every thread (gRPC's and ours inherit the mask);
  // the main thread takes them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Everything from here on goes to the node's log, libprotobuf's own
  // complaints about hostile bytes included (rate-limited).
  loom::orderer::NodeLog log(config->name);
  std::optional<loom::orderer::ProtobufLogRouting> protobuf_log;
  protobuf_log.emplace(&log);
  auto node = loom::orderer::OrdererNode::Start(*config, join_blocks,
                                                [&log](const std::string& line) { log.Write(line); });
  if (!node.ok()) {
    log.Write("cannot start: " + node.status().ToString());
    return kExitCannotStart;
  }
  for (const std::string& note : (*node)->start_notes()) log.Write(note);
  std::string channels;
  for (const std::string& id : (*node)->channel_ids()) channels += (channels.empty() ? "" : ", ") + id;
  log.Write("channels: " + (channels.empty() ? std::string("(none)") : channels));
  if (auto operations = (*node)->operations_address()) log.Write("operations endpoint on " + *operations);
  std::printf("loom-orderer %s listening on %s\n", config->name.c_str(), (*node)->listen_address().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log.Write(std::string(strsignal(signal_number)) + ", shutting down");
  (*node)->Shutdown(config->limits.shutdown_grace);
  node->reset();
  protobuf_log.reset();  // reports what it suppressed last
  log.Write("stopped");
  return 0;
}
