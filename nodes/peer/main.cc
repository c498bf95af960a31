// loom-peer: Loom's peer node.
//
//   loom-peer --config FILE [--join BLOCKFILE]...
//
// Keeps the channels in its data folder and those joined with --join (a
// channel's genesis block), pulling their blocks from the orderers and
// committing them; serves protos.Deliver (Deliver, DeliverFiltered,
// DeliverWithPrivateData), loom.PeerAdmin (join channels at run time, list
// them) and loom.Observer on the configured address. Once serving it prints
//   loom-peer <name> listening on <host:port>
// on stdout (the port resolved when the config asks for port 0). SIGTERM or
// SIGINT shut it down gracefully. Exit status: 0 after a clean shutdown, 2
// for bad usage or a bad config file, 1 when it cannot start.
//
// Endorsement policies come from the chaincode definitions committed on
// the channel (lifecycle::EndorsementPolicyFor: `_lifecycle` itself is
// governed by /Channel/Application/LifecycleEndorsement; an undefined
// chaincode's transactions are INVALID_CHAINCODE), and so do their
// validation plugins (lifecycle::ValidationPluginFor: "vscc" or "fabcoin").

#include <cstdio>
#include <string>
#include <variant>

#include "core/lifecycle/endorsement_policy.h"
#include "core/peer/peer_config.h"
#include "nodes/common/node_log.h"
#include "nodes/common/node_main.h"
#include "nodes/peer/peer_node.h"
#include "nodes/peer/peer_services.h"

namespace {

constexpr const char* kUsage =
    "usage: loom-peer --config FILE [--join BLOCKFILE]...\n"
    "  --config FILE       the node's YAML config (name, listen_address, chaincode_address, msp,\n"
    "                      data_dir, ...)\n"
    "  --join BLOCKFILE    join (or re-open) the channel whose genesis block this is; repeatable\n";

}  // namespace

int main(int argc, char** argv) {
  auto parsed = loom::nodes::ParseNodeFlags(argc, argv, "loom-peer", kUsage);
  if (const int* exit_status = std::get_if<int>(&parsed)) return *exit_status;
  const loom::nodes::NodeFlags& flags = std::get<loom::nodes::NodeFlags>(parsed);

  auto config = loom::peer::LoadPeerConfigFile(flags.config_file);
  if (!config.ok()) {
    std::fprintf(stderr, "loom-peer: %s\n", config.status().message().c_str());
    return loom::nodes::kExitUsage;
  }

  // Blocked in every thread started from here on; the main thread takes them.
  loom::nodes::ShutdownSignals signals;

  loom::nodes::NodeLog log("loom-peer", config->name);
  loom::peer::PeerNodeStartOptions options;
  options.join_blocks = flags.join_blocks;
  options.endorsement_policy = loom::lifecycle::EndorsementPolicyFor;
  options.validation_plugin = loom::lifecycle::ValidationPluginFor;
  // The chaincode server's address is bound inside Start; chaincodes launch
  // on their first proposal, after it is known.
  auto chaincode_address = std::make_shared<loom::peer::SharedAddress>();
  options.services =
      loom::peer::EndorsementServices([chaincode_address] { return chaincode_address->Get(); });
  options.log = [&log](const std::string& line) { log.Write(line); };
  auto node = loom::peer::PeerNode::Start(*config, std::move(options));
  if (!node.ok()) {
    log.Write("cannot start: " + node.status().ToString());
    return loom::nodes::kExitCannotStart;
  }
  chaincode_address->Set((*node)->chaincode_address());
  for (const std::string& note : (*node)->start_notes()) log.Write(note);
  std::string channels;
  for (const std::string& id : (*node)->channel_ids()) channels += (channels.empty() ? "" : ", ") + id;
  log.Write("channels: " + (channels.empty() ? std::string("(none)") : channels));
  if (!(*node)->chaincode_address().empty()) log.Write("chaincode address " + (*node)->chaincode_address());
  if (auto operations = (*node)->operations_address()) log.Write("operations endpoint on " + *operations);
  std::printf("loom-peer %s listening on %s\n", config->name.c_str(), (*node)->listen_address().c_str());
  std::fflush(stdout);

  log.Write(signals.Wait() + ", shutting down");
  (*node)->Shutdown(config->limits.shutdown_grace);
  node->reset();
  log.Write("stopped");
  return 0;
}
