// The state changes a transaction asks for: its public write set.
//
// For an ENDORSER_TRANSACTION the path is Envelope -> Payload ->
// protos.Transaction -> its action -> ChaincodeActionPayload ->
// ProposalResponsePayload (the endorsed response) -> extension =
// ChaincodeAction -> results = rwset.TxReadWriteSet -> per namespace
// kvrwset.KVRWSet -> writes. Like Fabric's committer, only a transaction with
// exactly one action is accepted (Fabric's validator refuses any other).
// Other header types (CONFIG, ...) write nothing to the state.
// Private-data (collection) hashed write sets are not extracted yet.
//
// Parsing never trusts the bytes: each problem is one InvalidArgument naming
// the layer that is wrong. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"
#include "ledger/rwset/rwset.pb.h"

namespace loom::ledger {

struct KeyWrite {
  std::string ns;
  std::string key;
  std::string value;  // empty for a delete
  bool is_delete = false;
};

struct TxWriteSet {
  int32_t header_type = 0;  // common.HeaderType
  std::string tx_id;
  int64_t timestamp_seconds = 0;
  int32_t timestamp_nanos = 0;
  std::vector<KeyWrite> writes;  // in write-set order; empty for non-endorser txs
};

Result<TxWriteSet> ExtractTxWriteSet(std::string_view envelope_bytes);

// The same path, stopping at the endorsed rwset.TxReadWriteSet (checked to
// be the KV data model) for callers that need more than the writes: the
// validator's MVCC phase reads its reads and range queries. For non-endorser
// header types `results` is empty. Errors as for ExtractTxWriteSet.
struct TxEndorsedResults {
  int32_t header_type = 0;  // common.HeaderType
  std::string tx_id;
  int64_t timestamp_seconds = 0;
  int32_t timestamp_nanos = 0;
  rwset::TxReadWriteSet results;
};
Result<TxEndorsedResults> ExtractTxEndorsedResults(std::string_view envelope_bytes);

}  // namespace loom::ledger
