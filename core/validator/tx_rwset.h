// The read-write set of a transaction as the validator's MVCC phase needs it:
// per namespace, the keys read with their versions, the range queries with
// what they returned, and the writes and deletes.
//
// Decoded from a marshalled common.Envelope along the path of
// core/ledger/tx_write_set.h (ExtractTxEndorsedResults: exactly one action,
// KV data model), then each rwset.NsReadWriteSet's kvrwset.KVRWSet:
//  - KVRead: a missing `version` means the key was absent when simulated
//    (Fabric's nil version.Height), so `version` is nullopt;
//  - RangeQueryInfo: [start_key, end_key) when itr_exhausted; when the
//    chaincode stopped early (itr_exhausted false) end_key is the last key
//    it read, and the range is [start_key, end_key]. An empty end_key means
//    to the end of the namespace. Its results are raw_reads (checked) or a
//    reads_merkle_hashes summary, which Loom's validator does not support
//    (recorded as `merkle_summary`; see mvcc_validator.h). A RangeQueryInfo
//    with neither is a query that returned nothing;
//  - KVWrite: a write, or a delete when is_delete.
// Key-level metadata writes are not decoded. Private-data (collection)
// hashed rwsets are not decoded either; their presence is recorded as
// `collection_names` so the validator can refuse what it cannot check.
//
// Non-endorser header types (CONFIG, ...) have no namespaces. Every malformed
// layer is one InvalidArgument naming it. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ledger/state_db.h"
#include "core/util/status.h"

namespace loom::validator {

struct KeyRead {
  std::string key;
  std::optional<ledger::Version> version;  // nullopt: the key was absent
  bool operator==(const KeyRead&) const = default;
};

struct RangeQuery {
  std::string start_key;
  std::string end_key;  // exclusive when itr_exhausted, else the last key read
  bool itr_exhausted = false;
  std::vector<KeyRead> raw_reads;  // in key order, as the chaincode saw them
  bool merkle_summary = false;     // results given as a merkle summary only
};

struct KeyWrite {
  std::string key;
  std::string value;  // empty for a delete
  bool is_delete = false;
};

struct NsReadWriteSet {
  std::string ns;
  std::vector<KeyRead> reads;
  std::vector<RangeQuery> range_queries;
  std::vector<KeyWrite> writes;
  std::vector<std::string> collection_names;  // of its collection hashed rwsets
};

struct TxReadWriteSet {
  int32_t header_type = 0;  // common.HeaderType
  std::string tx_id;
  std::vector<NsReadWriteSet> namespaces;  // in rwset order
};

Result<TxReadWriteSet> ExtractTxReadWriteSet(std::string_view envelope_bytes);

}  // namespace loom::validator
