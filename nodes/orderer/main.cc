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

#include <cstdio>
#include <optional>
#include <string>
#include <variant>

#include "core/orderer/orderer_config.h"
#include "nodes/common/node_log.h"
#include "nodes/common/node_main.h"
#include "nodes/orderer/orderer_node.h"
#include "nodes/orderer/protobuf_log.h"

namespace {

constexpr const char* kUsage =
    "usage: loom-orderer --config FILE [--join BLOCKFILE]...\n"
    "  --config FILE       the node's YAML config (name, listen_address, msp, data_dir, ...)\n"
    "  --join BLOCKFILE    join (or re-open) the channel whose genesis block this is; repeatable\n";

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
  auto parsed = loom::nodes::ParseNodeFlags(argc, argv, "loom-orderer", kUsage);
  if (const int* exit_status = std::get_if<int>(&parsed)) return *exit_status;
  const loom::nodes::NodeFlags& flags = std::get<loom::nodes::NodeFlags>(parsed);

  auto config = loom::orderer::LoadOrdererConfigFile(flags.config_file);
  if (!config.ok()) {
    std::fprintf(stderr, "loom-orderer: %s\n", config.status().message().c_str());
    return loom::nodes::kExitUsage;
  }

  // Blocked in every thread started from here on; the main thread takes them.
  loom::nodes::ShutdownSignals signals;

  // Everything from here on goes to the node's log, libprotobuf's own
  // complaints about hostile bytes included (rate-limited).
  loom::nodes::NodeLog log("loom-orderer", config->name);
  std::optional<loom::orderer::ProtobufLogRouting> protobuf_log;
  protobuf_log.emplace(&log);
  auto node = loom::orderer::OrdererNode::Start(*config, flags.join_blocks,
                                                [&log](const std::string& line) { log.Write(line); });
  if (!node.ok()) {
    log.Write("cannot start: " + node.status().ToString());
    return loom::nodes::kExitCannotStart;
  }
  for (const std::string& note : (*node)->start_notes()) log.Write(note);
  std::string channels;
  for (const std::string& id : (*node)->channel_ids()) channels += (channels.empty() ? "" : ", ") + id;
  log.Write("channels: " + (channels.empty() ? std::string("(none)") : channels));
  if (auto operations = (*node)->operations_address()) log.Write("operations endpoint on " + *operations);
  std::printf("loom-orderer %s listening on %s\n", config->name.c_str(), (*node)->listen_address().c_str());
  std::fflush(stdout);

  log.Write(signals.Wait() + ", shutting down");
  (*node)->Shutdown(config->limits.shutdown_grace);
  node->reset();
  protobuf_log.reset();  // reports what it suppressed last
  log.Write("stopped");
  return 0;
}
