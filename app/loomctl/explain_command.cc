// loomctl explain TXID [--channel C]: why the transaction got its
// validation code, from a replay of the channel's blocks up to it.
#include <cstdio>

#include "app/lab/explain.h"
#include "app/lab/tx_record_json.h"
#include "app/loomctl/client_args.h"

namespace loom::ctl {
namespace {

std::string Writer(const std::optional<lab::TxPosition>& writer) {
  if (!writer) return "unknown";
  return writer->tx_id + " (block " + std::to_string(writer->block_number) + ", tx " +
         std::to_string(writer->tx_index) + ")";
}

void PrintExplanation(const lab::Explanation& e) {
  std::printf("%s\n", e.summary.c_str());
  if (e.valid) return;
  std::printf("code %s: %s\n", e.validation_code_name.c_str(), e.meaning.c_str());
  if (e.read_conflict) {
    const lab::ReadConflictExplanation& c = *e.read_conflict;
    std::printf("key            %s/%s\n", c.ns.c_str(), lab::DisplayBytes(c.key).c_str());
    std::printf("version read   %s\n", lab::VersionText(c.version_read).c_str());
    std::printf("version found  %s\n", lab::VersionText(c.version_found).c_str());
    std::printf("%-14s %s\n", c.writer_deleted ? "deleted by" : "written by", Writer(c.writer).c_str());
  }
  if (e.phantom) {
    const lab::PhantomExplanation& p = *e.phantom;
    std::printf("range          %s [%s, %s%s\n", p.ns.c_str(), lab::DisplayBytes(p.start_key).c_str(),
                p.end_key.empty() ? "end" : lab::DisplayBytes(p.end_key).c_str(),
                p.itr_exhausted ? ")" : "]");
    std::printf("key            %s %s\n", lab::DisplayBytes(p.key).c_str(), p.change.c_str());
    std::printf("by             %s\n", Writer(p.writer).c_str());
  }
  if (e.policy) {
    const lab::PolicyExplanation& p = *e.policy;
    std::printf("policy         %s\n", p.policy.c_str());
    if (!p.policy_reference.empty())
      std::printf("defined as     %s (%s)\n", p.policy_reference.c_str(), p.reference_rule.c_str());
    for (const lab::EndorsementExplanation& x : p.endorsements)
      std::printf("endorsement %u  %s %s: %s\n", x.index, x.mspid.c_str(), x.role.c_str(),
                  x.satisfied_principal ? "counted" : ("not counted: " + x.problem).c_str());
    for (const std::string& principal : p.unsatisfied_principals)
      std::printf("missing        %s\n", principal.c_str());
    for (const std::string& org : p.orgs_needed) std::printf("needed org     %s\n", org.c_str());
  }
  if (e.duplicate_of) std::printf("earlier tx     %s\n", Writer(e.duplicate_of).c_str());
  for (const std::string& fact : e.facts) std::printf("note: %s\n", fact.c_str());
}

}  // namespace

int RunExplainCommand(const std::vector<std::string>& args) {
  static const std::string kUsage =
      "usage: loomctl explain TXID [--channel C] [--peer P] [flags]\n"
      "  --channel C   the channel to look in (default: every channel of the network)\n" +
      CommonClientUsage();
  if (WantsHelp(args)) {
    std::printf("%s", kUsage.c_str());
    return 0;
  }
  ClientArgs parsed;
  if (auto error = ParseClientArgs(args, {}, parsed)) return UsageError("explain", *error, kUsage);
  if (parsed.positional.size() != 1) return UsageError("explain", "needs exactly one TXID", kUsage);
  if (parsed.peers.size() > 1) return UsageError("explain", "give at most one --peer", kUsage);
  Result<ClientConnection> connection = Connect(parsed);
  if (!connection.ok()) return Failure("explain", connection.status());
  lab::LedgerReader reader(connection->endpoints, connection->identity,
                           std::chrono::seconds(parsed.timeout_seconds));
  if (!parsed.peers.empty()) reader.set_peer(parsed.peers.front());
  Result<lab::Explanation> explanation = lab::Explain(reader, parsed.positional[0], parsed.channel);
  if (!explanation.ok()) return Failure("explain", explanation.status());
  if (parsed.json)
    std::printf("%s\n", lab::ToJson(*explanation).dump(2).c_str());
  else
    PrintExplanation(*explanation);
  return 0;
}

}  // namespace loom::ctl
