// JSON forms of the client's records, with stable field names (documented
// in docs/cli.md): what `loomctl tx|blocks|explain|invoke|query --json`
// print. Bytes are DisplayBytes text (printable as is, else "0x" + hex);
// versions are {"block": N, "tx": M} or null. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "app/lab/explain.h"
#include "app/lab/gateway.h"
#include "app/lab/ledger_reader.h"
#include "app/lab/tx_record.h"

namespace loom::lab {

nlohmann::ordered_json ToJson(const TxRecord& record);
nlohmann::ordered_json ToJson(const BlockSummary& summary);
nlohmann::ordered_json ToJson(const ChainInfo& info);
nlohmann::ordered_json ToJson(const Explanation& explanation);
nlohmann::ordered_json ToJson(const InvokeResult& result);
nlohmann::ordered_json ToJson(const QueryResult& result);

}  // namespace loom::lab
