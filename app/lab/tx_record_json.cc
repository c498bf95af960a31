#include "app/lab/tx_record_json.h"

namespace loom::lab {
namespace {

using Json = nlohmann::ordered_json;

Json VersionJson(const std::optional<ledger::Version>& version) {
  if (!version) return nullptr;
  return Json{{"block", version->block_num}, {"tx", version->tx_num}};
}

Json ReadJson(const validator::KeyRead& read) {
  return Json{{"key", DisplayBytes(read.key)}, {"version", VersionJson(read.version)}};
}

Json NamespaceJson(const validator::NsReadWriteSet& ns) {
  Json reads = Json::array(), ranges = Json::array(), writes = Json::array(), deletes = Json::array();
  for (const validator::KeyRead& read : ns.reads) reads.push_back(ReadJson(read));
  for (const validator::RangeQuery& query : ns.range_queries) {
    Json raw = Json::array();
    for (const validator::KeyRead& read : query.raw_reads) raw.push_back(ReadJson(read));
    ranges.push_back(Json{{"start_key", DisplayBytes(query.start_key)},
                          {"end_key", DisplayBytes(query.end_key)},
                          {"itr_exhausted", query.itr_exhausted},
                          {"merkle_summary", query.merkle_summary},
                          {"reads", raw}});
  }
  for (const validator::KeyWrite& write : ns.writes) {
    if (write.is_delete)
      deletes.push_back(DisplayBytes(write.key));
    else
      writes.push_back(Json{{"key", DisplayBytes(write.key)}, {"value", DisplayBytes(write.value)}});
  }
  return Json{{"namespace", ns.ns},
              {"reads", reads},
              {"range_queries", ranges},
              {"writes", writes},
              {"deletes", deletes}};
}

Json PositionJson(const std::optional<TxPosition>& position) {
  if (!position) return nullptr;
  return Json{{"tx_id", position->tx_id},
              {"block", position->block_number},
              {"tx_index", position->tx_index},
              {"validation_code", position->validation_code}};
}

}  // namespace

Json ToJson(const TxRecord& r) {
  Json args = Json::array();
  for (const std::string& arg : r.args) args.push_back(DisplayBytes(arg));
  Json endorsements = Json::array();
  for (const TxEndorsement& e : r.endorsements)
    endorsements.push_back(Json{{"mspid", e.mspid},
                                {"subject", e.subject},
                                {"signature_valid", e.signature_valid},
                                {"problem", e.problem}});
  Json namespaces = Json::array();
  for (const validator::NsReadWriteSet& ns : r.namespaces) namespaces.push_back(NamespaceJson(ns));
  Json event = nullptr;
  if (r.event)
    event = Json{{"chaincode_id", r.event->chaincode_id},
                 {"event_name", r.event->event_name},
                 {"payload", DisplayBytes(r.event->payload)}};
  return Json{{"channel", r.channel},
              {"tx_id", r.tx_id},
              {"block", r.block_number},
              {"tx_index", r.index},
              {"validation_code", r.validation_code},
              {"validation_code_name", r.validation_code_name},
              {"type", r.type},
              {"timestamp", r.timestamp},
              {"creator", Json{{"mspid", r.creator_mspid}, {"subject", r.creator_subject}}},
              {"chaincode", r.chaincode},
              {"chaincode_version", r.chaincode_version},
              {"function", DisplayBytes(r.function)},
              {"args", args},
              {"endorsements", endorsements},
              {"rwset", namespaces},
              {"response", Json{{"status", r.response_status},
                                {"message", r.response_message},
                                {"payload", DisplayBytes(r.response_payload)}}},
              {"event", event},
              {"decode_error", r.decode_error}};
}

Json ToJson(const BlockSummary& s) {
  Json txs = Json::array();
  for (const BlockTxSummary& tx : s.txs)
    txs.push_back(Json{{"index", tx.index},
                       {"tx_id", tx.tx_id},
                       {"type", tx.type},
                       {"creator_mspid", tx.creator_mspid},
                       {"chaincode", tx.chaincode},
                       {"function", tx.function},
                       {"validation_code", tx.validation_code},
                       {"validation_code_name", tx.validation_code_name}});
  return Json{{"number", s.number},
              {"hash", s.hash},
              {"previous_hash", s.previous_hash},
              {"data_hash", s.data_hash},
              {"tx_count", s.tx_count},
              {"valid_count", s.valid_count},
              {"invalid_count", s.invalid_count},
              {"txs", txs}};
}

Json ToJson(const ChainInfo& info) {
  return Json{{"channel", info.channel},
              {"peer", info.peer},
              {"height", info.height},
              {"current_block_hash", info.current_block_hash},
              {"previous_block_hash", info.previous_block_hash}};
}

Json ToJson(const Explanation& e) {
  Json out{{"channel", e.channel},
           {"tx_id", e.tx_id},
           {"block", e.block_number},
           {"tx_index", e.tx_index},
           {"validation_code", e.validation_code},
           {"validation_code_name", e.validation_code_name},
           {"valid", e.valid},
           {"meaning", e.meaning},
           {"summary", e.summary}};
  out["read_conflict"] = nullptr;
  if (e.read_conflict) {
    const ReadConflictExplanation& c = *e.read_conflict;
    out["read_conflict"] = Json{{"namespace", c.ns},
                                {"key", DisplayBytes(c.key)},
                                {"version_read", VersionJson(c.version_read)},
                                {"version_found", VersionJson(c.version_found)},
                                {"writer", PositionJson(c.writer)},
                                {"writer_deleted", c.writer_deleted}};
  }
  out["phantom"] = nullptr;
  if (e.phantom) {
    const PhantomExplanation& p = *e.phantom;
    out["phantom"] = Json{{"namespace", p.ns},
                          {"start_key", DisplayBytes(p.start_key)},
                          {"end_key", DisplayBytes(p.end_key)},
                          {"itr_exhausted", p.itr_exhausted},
                          {"key", DisplayBytes(p.key)},
                          {"change", p.change},
                          {"version_read", VersionJson(p.version_read)},
                          {"version_found", VersionJson(p.version_found)},
                          {"writer", PositionJson(p.writer)}};
  }
  out["policy"] = nullptr;
  if (e.policy) {
    const PolicyExplanation& p = *e.policy;
    Json endorsements = Json::array();
    for (const EndorsementExplanation& x : p.endorsements)
      endorsements.push_back(Json{{"index", x.index},
                                  {"mspid", x.mspid},
                                  {"subject", x.subject},
                                  {"role", x.role},
                                  {"counted", x.counted},
                                  {"satisfied_principal", x.satisfied_principal},
                                  {"problem", x.problem}});
    out["policy"] = Json{{"chaincode", p.chaincode},
                         {"policy", p.policy},
                         {"policy_reference", p.policy_reference},
                         {"reference_rule", p.reference_rule},
                         {"endorsements", endorsements},
                         {"unsatisfied_principals", p.unsatisfied_principals},
                         {"orgs_needed", p.orgs_needed}};
  }
  out["duplicate_of"] = PositionJson(e.duplicate_of);
  out["facts"] = e.facts;
  return out;
}

Json ToJson(const InvokeResult& r) {
  Json endorsers = Json::array();
  for (const EndorserResult& e : r.endorsers)
    endorsers.push_back(
        Json{{"name", e.name}, {"mspid", e.mspid}, {"status", e.status}, {"message", e.message}});
  return Json{{"tx_id", r.tx_id},
              {"committed", r.committed},
              {"validation_code", r.committed ? Json(r.validation_code) : Json(nullptr)},
              {"validation_code_name", r.validation_code_name},
              {"block", r.committed ? Json(r.block_number) : Json(nullptr)},
              {"orderer", r.orderer},
              {"endorsers", endorsers},
              {"phases_ms", Json{{"endorse", r.phases.endorse_ms},
                                 {"order", r.phases.order_ms},
                                 {"commit", r.phases.commit_ms},
                                 {"total", r.phases.total_ms}}},
              {"payload", DisplayBytes(r.payload)}};
}

Json ToJson(const QueryResult& r) {
  return Json{{"peer", r.peer},
              {"mspid", r.mspid},
              {"status", r.status},
              {"message", r.message},
              {"payload", DisplayBytes(r.payload)},
              {"duration_ms", r.duration_ms}};
}

}  // namespace loom::lab
