#include "core/validator/tx_rwset.h"

#include "core/ledger/tx_write_set.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"

namespace loom::validator {
namespace {

KeyRead ToKeyRead(const kvrwset::KVRead& read) {
  KeyRead result{read.key(), std::nullopt};
  if (read.has_version())
    result.version = ledger::Version{read.version().block_num(), read.version().tx_num()};
  return result;
}

RangeQuery ToRangeQuery(const kvrwset::RangeQueryInfo& info) {
  RangeQuery query;
  query.start_key = info.start_key();
  query.end_key = info.end_key();
  query.itr_exhausted = info.itr_exhausted();
  query.merkle_summary = info.has_reads_merkle_hashes();
  for (const kvrwset::KVRead& read : info.raw_reads().kv_reads()) query.raw_reads.push_back(ToKeyRead(read));
  return query;
}

}  // namespace

Result<TxReadWriteSet> ExtractTxReadWriteSet(std::string_view envelope_bytes) {
  LOOM_ASSIGN_OR_RETURN(ledger::TxEndorsedResults endorsed, ledger::ExtractTxEndorsedResults(envelope_bytes));
  TxReadWriteSet result;
  result.header_type = endorsed.header_type;
  result.tx_id = std::move(endorsed.tx_id);
  for (int i = 0; i < endorsed.results.ns_rwset_size(); ++i) {
    const rwset::NsReadWriteSet& ns_rwset = endorsed.results.ns_rwset(i);
    kvrwset::KVRWSet kv_rwset;
    if (!kv_rwset.ParseFromString(ns_rwset.rwset())) {
      return Status::InvalidArgument("transaction read-write set: ns_rwset[" + std::to_string(i) + "] ('" +
                                     ns_rwset.namespace_() + "').rwset is not a kvrwset.KVRWSet");
    }
    NsReadWriteSet ns{ns_rwset.namespace_(), {}, {}, {}, {}};
    for (const rwset::CollectionHashedReadWriteSet& collection : ns_rwset.collection_hashed_rwset())
      ns.collection_names.push_back(collection.collection_name());
    for (const kvrwset::KVRead& read : kv_rwset.reads()) ns.reads.push_back(ToKeyRead(read));
    for (const kvrwset::RangeQueryInfo& info : kv_rwset.range_queries_info())
      ns.range_queries.push_back(ToRangeQuery(info));
    for (const kvrwset::KVWrite& write : kv_rwset.writes()) {
      ns.writes.push_back(
          KeyWrite{write.key(), write.is_delete() ? std::string() : write.value(), write.is_delete()});
    }
    result.namespaces.push_back(std::move(ns));
  }
  return result;
}

}  // namespace loom::validator
