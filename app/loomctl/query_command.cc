// loomctl query CHANNEL CHAINCODE FN ARGS...: the chaincode's answer at one
// peer; nothing is ordered. Prints the payload (text, or 0x-hex).
#include <cstdio>

#include "app/lab/gateway.h"
#include "app/lab/tx_record_json.h"
#include "app/loomctl/client_args.h"

namespace loom::ctl {

int RunQueryCommand(const std::vector<std::string>& args) {
  static const std::string kUsage =
      "usage: loomctl query CHANNEL CHAINCODE FN [ARGS...] [--peer P] [flags]\n"
      "  --peer P      ask this peer (default: the first peer of the channel that answers)\n" +
      CommonClientUsage();
  if (WantsHelp(args)) {
    std::printf("%s", kUsage.c_str());
    return 0;
  }
  ClientArgs parsed;
  if (auto error = ParseClientArgs(args, {}, parsed)) return UsageError("query", *error, kUsage);
  if (parsed.positional.size() < 3) return UsageError("query", "needs CHANNEL CHAINCODE FN", kUsage);
  if (parsed.peers.size() > 1) return UsageError("query", "give at most one --peer", kUsage);
  // A profile that lists no channels: its nodes serve the channel named here.
  if (parsed.channel.empty()) parsed.channel = parsed.positional[0];
  Result<ClientConnection> connection = Connect(parsed);
  if (!connection.ok()) return Failure("query", connection.status());
  lab::Gateway gateway(connection->endpoints, connection->identity);
  lab::QueryOptions options;
  if (!parsed.peers.empty()) options.peer = parsed.peers.front();
  options.timeout = std::chrono::seconds(parsed.timeout_seconds);
  std::vector<std::string> call(parsed.positional.begin() + 2, parsed.positional.end());
  Result<lab::QueryResult> result = gateway.Query(parsed.positional[0], parsed.positional[1], call, options);
  if (!result.ok()) return Failure("query", result.status());
  if (parsed.json)
    std::printf("%s\n", lab::ToJson(*result).dump(2).c_str());
  else
    std::printf("%s\n", lab::DisplayBytes(result->payload).c_str());
  return 0;
}

}  // namespace loom::ctl
