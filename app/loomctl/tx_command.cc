// loomctl tx TXID [--channel C]: everything the ledger says about one
// transaction — block, code, header, proposal, endorsements, read-write set,
// response and event.
#include <cstdio>

#include "app/lab/ledger_reader.h"
#include "app/lab/tx_record_json.h"
#include "app/loomctl/client_args.h"

namespace loom::ctl {
namespace {

std::string Version(const std::optional<ledger::Version>& version) {
  if (!version) return "absent";
  return std::to_string(version->block_num) + ":" + std::to_string(version->tx_num);
}

void PrintRecord(const lab::TxRecord& r) {
  using lab::DisplayBytes;
  std::printf("tx %s\n", r.tx_id.c_str());
  std::printf("channel %s, block %llu, tx %u: %s\n", r.channel.c_str(),
              static_cast<unsigned long long>(r.block_number), r.index, r.validation_code_name.c_str());
  std::printf("type %s, at %s\n", r.type.c_str(), r.timestamp.c_str());
  std::printf("creator %s %s\n", r.creator_mspid.c_str(), r.creator_subject.c_str());
  if (!r.chaincode.empty()) {
    std::printf("chaincode %s %s\n", r.chaincode.c_str(), r.chaincode_version.c_str());
    std::printf("function %s\n", DisplayBytes(r.function).c_str());
    for (size_t i = 0; i < r.args.size(); ++i)
      std::printf("  arg %zu: %s\n", i, DisplayBytes(r.args[i]).c_str());
  }
  for (const lab::TxEndorsement& e : r.endorsements)
    std::printf("endorsement %s %s: %s\n", e.mspid.c_str(), e.subject.c_str(),
                e.signature_valid ? "signature valid" : ("BAD: " + e.problem).c_str());
  for (const validator::NsReadWriteSet& ns : r.namespaces) {
    std::printf("namespace %s\n", ns.ns.c_str());
    for (const validator::KeyRead& read : ns.reads)
      std::printf("  read   %s @ %s\n", DisplayBytes(read.key).c_str(), Version(read.version).c_str());
    for (const validator::RangeQuery& q : ns.range_queries) {
      std::printf("  range  [%s, %s%s (%zu reads%s)\n", DisplayBytes(q.start_key).c_str(),
                  q.end_key.empty() ? "end" : DisplayBytes(q.end_key).c_str(), q.itr_exhausted ? ")" : "]",
                  q.raw_reads.size(), q.merkle_summary ? ", merkle summary" : "");
      for (const validator::KeyRead& read : q.raw_reads)
        std::printf("         %s @ %s\n", DisplayBytes(read.key).c_str(), Version(read.version).c_str());
    }
    for (const validator::KeyWrite& write : ns.writes) {
      if (write.is_delete)
        std::printf("  delete %s\n", DisplayBytes(write.key).c_str());
      else
        std::printf("  write  %s = %s\n", DisplayBytes(write.key).c_str(), DisplayBytes(write.value).c_str());
    }
  }
  if (!r.chaincode.empty())
    std::printf("response %d %s %s\n", r.response_status, r.response_message.c_str(),
                DisplayBytes(r.response_payload).c_str());
  if (r.event)
    std::printf("event %s from %s: %s\n", r.event->event_name.c_str(), r.event->chaincode_id.c_str(),
                DisplayBytes(r.event->payload).c_str());
  if (!r.decode_error.empty()) std::printf("decode error: %s\n", r.decode_error.c_str());
}

}  // namespace

int RunTxCommand(const std::vector<std::string>& args) {
  static const std::string kUsage =
      "usage: loomctl tx TXID [--channel C] [--peer P] [flags]\n"
      "  --channel C   the channel to look in (default: every channel of the network)\n" +
      CommonClientUsage();
  if (WantsHelp(args)) {
    std::printf("%s", kUsage.c_str());
    return 0;
  }
  ClientArgs parsed;
  if (auto error = ParseClientArgs(args, {}, parsed)) return UsageError("tx", *error, kUsage);
  if (parsed.positional.size() != 1) return UsageError("tx", "needs exactly one TXID", kUsage);
  if (parsed.peers.size() > 1) return UsageError("tx", "give at most one --peer", kUsage);
  Result<ClientConnection> connection = Connect(parsed);
  if (!connection.ok()) return Failure("tx", connection.status());
  lab::LedgerReader reader(connection->endpoints, connection->identity,
                           std::chrono::seconds(parsed.timeout_seconds));
  if (!parsed.peers.empty()) reader.set_peer(parsed.peers.front());
  Result<lab::TxRecord> record = reader.GetTx(parsed.positional[0], parsed.channel);
  if (!record.ok()) return Failure("tx", record.status());
  if (parsed.json)
    std::printf("%s\n", lab::ToJson(*record).dump(2).c_str());
  else
    PrintRecord(*record);
  return 0;
}

}  // namespace loom::ctl
