// loomctl blocks CHANNEL [--from N] [--to M]: a table of the channel's
// blocks (through a peer's Deliver), one line per block and one per
// transaction.
#include <cstdio>

#include "app/lab/ledger_reader.h"
#include "app/lab/tx_record_json.h"
#include "app/loomctl/client_args.h"

namespace loom::ctl {
namespace {

void PrintBlocks(const std::vector<lab::BlockSummary>& blocks) {
  std::printf("%-7s %-4s %-6s %-8s %s\n", "BLOCK", "TXS", "VALID", "INVALID", "HASH");
  for (const lab::BlockSummary& block : blocks) {
    std::printf("%-7llu %-4u %-6u %-8u %s\n", static_cast<unsigned long long>(block.number), block.tx_count,
                block.valid_count, block.invalid_count, block.hash.substr(0, 16).c_str());
    for (const lab::BlockTxSummary& tx : block.txs) {
      std::string call =
          tx.chaincode.empty() ? "-" : tx.chaincode + (tx.function.empty() ? "" : "." + tx.function);
      std::printf("  tx %-3u %-16.16s %-21s %-10s %-28s %s\n", tx.index, tx.tx_id.c_str(), tx.type.c_str(),
                  tx.creator_mspid.empty() ? "-" : tx.creator_mspid.c_str(), call.c_str(),
                  tx.validation_code_name.c_str());
    }
  }
}

}  // namespace

int RunBlocksCommand(const std::vector<std::string>& args) {
  static const std::string kUsage =
      "usage: loomctl blocks CHANNEL [--from N] [--to M] [--peer P] [flags]\n"
      "  --from N --to M   the blocks to list (default: all)\n"
      "  --peer P          read from this peer\n" +
      CommonClientUsage();
  if (WantsHelp(args)) {
    std::printf("%s", kUsage.c_str());
    return 0;
  }
  ClientArgs parsed;
  if (auto error = ParseClientArgs(args, {"--from", "--to"}, parsed))
    return UsageError("blocks", *error, kUsage);
  if (parsed.positional.size() != 1) return UsageError("blocks", "needs exactly one CHANNEL", kUsage);
  if (parsed.peers.size() > 1) return UsageError("blocks", "give at most one --peer", kUsage);
  // A profile that lists no channels: its nodes serve the channel named here.
  if (parsed.channel.empty()) parsed.channel = parsed.positional[0];
  Result<ClientConnection> connection = Connect(parsed);
  if (!connection.ok()) return Failure("blocks", connection.status());
  lab::LedgerReader reader(connection->endpoints, connection->identity,
                           std::chrono::seconds(parsed.timeout_seconds));
  if (!parsed.peers.empty()) reader.set_peer(parsed.peers.front());
  Result<std::vector<common::Block>> blocks =
      reader.GetBlocks(parsed.positional[0], parsed.from.value_or(0), parsed.to);
  if (!blocks.ok()) return Failure("blocks", blocks.status());
  std::vector<lab::BlockSummary> summaries;
  for (const common::Block& block : *blocks) summaries.push_back(lab::SummarizeBlock(block));
  if (parsed.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const lab::BlockSummary& summary : summaries) out.push_back(lab::ToJson(summary));
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    PrintBlocks(summaries);
  }
  return 0;
}

}  // namespace loom::ctl
