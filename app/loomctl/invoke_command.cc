// loomctl invoke CHANNEL CHAINCODE FN ARGS...: endorse by the chaincode's
// policy (or at the --peer endorsers), order, wait for the commit; print the
// tx id, validation code, block and the time of each phase. Exit 1 when the
// transaction committed as invalid.
#include <cstdio>

#include "app/lab/gateway.h"
#include "app/lab/tx_record_json.h"
#include "app/loomctl/client_args.h"

namespace loom::ctl {
namespace {

const std::string kUsage =
    "usage: loomctl invoke CHANNEL CHAINCODE FN [ARGS...] [--peer P]... [--no-wait] [flags]\n"
    "  --peer P      endorse at these peers (default: enough peers for the endorsement policy)\n"
    "  --no-wait     return once the orderer accepted the transaction\n" +
    CommonClientUsage();

void PrintInvoke(const lab::InvokeResult& r) {
  std::printf("tx %s\n", r.tx_id.c_str());
  if (r.committed)
    std::printf("committed: %s in block %llu\n", r.validation_code_name.c_str(),
                static_cast<unsigned long long>(r.block_number));
  else
    std::printf("ordered by %s (commit not awaited)\n", r.orderer.c_str());
  for (const lab::EndorserResult& e : r.endorsers)
    std::printf("endorser %s (%s): %d %s\n", e.name.c_str(), e.mspid.c_str(), e.status, e.message.c_str());
  std::printf("phases: endorse %.1f ms, order %.1f ms, commit %.1f ms, total %.1f ms\n", r.phases.endorse_ms,
              r.phases.order_ms, r.phases.commit_ms, r.phases.total_ms);
  if (!r.payload.empty()) std::printf("payload: %s\n", lab::DisplayBytes(r.payload).c_str());
}

}  // namespace

int RunInvokeCommand(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::printf("%s", kUsage.c_str());
    return 0;
  }
  ClientArgs parsed;
  if (auto error = ParseClientArgs(args, {"--no-wait"}, parsed)) return UsageError("invoke", *error, kUsage);
  if (parsed.positional.size() < 3) return UsageError("invoke", "needs CHANNEL CHAINCODE FN", kUsage);
  // A profile that lists no channels: its nodes serve the channel named here.
  if (parsed.channel.empty()) parsed.channel = parsed.positional[0];
  Result<ClientConnection> connection = Connect(parsed);
  if (!connection.ok()) return Failure("invoke", connection.status());
  lab::Gateway gateway(connection->endpoints, connection->identity);
  lab::InvokeOptions options;
  options.peers = parsed.peers;
  options.wait_for_commit = !parsed.no_wait;
  options.timeout = std::chrono::seconds(parsed.timeout_seconds);
  std::vector<std::string> call(parsed.positional.begin() + 2, parsed.positional.end());
  Result<lab::InvokeResult> result =
      gateway.Invoke(parsed.positional[0], parsed.positional[1], call, options);
  if (!result.ok()) return Failure("invoke", result.status());
  if (parsed.json)
    std::printf("%s\n", lab::ToJson(*result).dump(2).c_str());
  else
    PrintInvoke(*result);
  return result->committed && result->validation_code != 0 ? 1 : 0;
}

}  // namespace loom::ctl
