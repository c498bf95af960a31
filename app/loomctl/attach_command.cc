// loomctl attach PROFILE --msp DIR --msp-id ID: the network a Fabric
// connection profile describes — any network speaking Fabric's protocol —
// as seen with that identity: per channel, each peer's height (qscc
// GetChainInfo) or why it could not be reached. Read-only; then inspect with
// `loomctl blocks|tx|explain --profile PROFILE --msp DIR --msp-id ID`.
#include <cstdio>

#include "app/lab/ledger_reader.h"
#include "app/lab/tx_record_json.h"
#include "app/loomctl/client_args.h"

namespace loom::ctl {

int RunAttachCommand(const std::vector<std::string>& args) {
  static const std::string kUsage =
      "usage: loomctl attach PROFILE --msp DIR --msp-id ID [--channel C] [--json] [--timeout S]\n"
      "  --channel C   the channel to inspect when the profile lists none\n";
  if (WantsHelp(args)) {
    std::printf("%s", kUsage.c_str());
    return 0;
  }
  // PROFILE comes first and stands for --profile PROFILE.
  if (args.empty() || args[0].rfind("--", 0) == 0)
    return UsageError("attach", "needs a PROFILE first", kUsage);
  for (const std::string& arg : args)
    if (arg == "--profile" || arg == "--workspace")
      return UsageError("attach", "PROFILE is the argument; " + arg + " does not apply", kUsage);
  std::vector<std::string> flags = {"--profile"};
  flags.insert(flags.end(), args.begin(), args.end());
  ClientArgs parsed;
  if (auto error = ParseClientArgs(flags, {}, parsed)) return UsageError("attach", *error, kUsage);
  if (!parsed.positional.empty())
    return UsageError("attach", "unexpected argument " + parsed.positional[0], kUsage);
  Result<ClientConnection> connection = Connect(parsed);
  if (!connection.ok()) return Failure("attach", connection.status());
  const lab::NetworkEndpoints& network = connection->endpoints;
  if (network.channels.empty())
    return Failure("attach",
                   Status::InvalidArgument(parsed.profile + " lists no channels: name one with --channel"));
  lab::LedgerReader reader(network, connection->identity, std::chrono::seconds(parsed.timeout_seconds));

  nlohmann::ordered_json out{{"profile", parsed.profile},
                             {"peers", nlohmann::ordered_json::array()},
                             {"orderers", nlohmann::ordered_json::array()},
                             {"channels", nlohmann::ordered_json::array()}};
  for (const lab::PeerEndpoint& peer : network.peers)
    out["peers"].push_back({{"name", peer.name},
                            {"mspid", peer.mspid},
                            {"address", peer.endpoint.address},
                            {"tls", !peer.endpoint.tls_root_certs_pem.empty()},
                            {"channels", peer.channels}});
  for (const lab::OrdererEndpoint& orderer : network.orderers)
    out["orderers"].push_back({{"name", orderer.name},
                               {"mspid", orderer.mspid},
                               {"address", orderer.endpoint.address},
                               {"tls", !orderer.endpoint.tls_root_certs_pem.empty()},
                               {"channels", orderer.channels}});
  int reached_any = 0;
  for (const std::string& channel : network.channels) {
    nlohmann::ordered_json entry{
        {"channel", channel}, {"height", 0}, {"peers", nlohmann::ordered_json::array()}};
    uint64_t height = 0;
    for (auto& [peer, info] : reader.GetChainInfoEverywhere(channel)) {
      nlohmann::ordered_json row{{"name", peer}, {"reached", info.ok()}};
      if (info.ok()) {
        row["height"] = info->height;
        row["current_block_hash"] = info->current_block_hash;
        height = std::max(height, info->height);
        ++reached_any;
      } else {
        row["error"] = info.status().message();
      }
      entry["peers"].push_back(row);
    }
    entry["height"] = height;
    out["channels"].push_back(entry);
  }
  if (parsed.json) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("network of %s: %zu peers, %zu orderers\n", parsed.profile.c_str(), network.peers.size(),
                network.orderers.size());
    for (const auto& channel : out["channels"]) {
      std::printf("channel %s: height %llu\n", channel["channel"].get<std::string>().c_str(),
                  static_cast<unsigned long long>(channel["height"].get<uint64_t>()));
      for (const auto& peer : channel["peers"]) {
        if (peer["reached"].get<bool>())
          std::printf("  %-32s height %llu\n", peer["name"].get<std::string>().c_str(),
                      static_cast<unsigned long long>(peer["height"].get<uint64_t>()));
        else
          std::printf("  %-32s unreachable: %s\n", peer["name"].get<std::string>().c_str(),
                      peer["error"].get<std::string>().c_str());
      }
    }
  }
  return reached_any > 0 ? 0 : 1;
}

}  // namespace loom::ctl
