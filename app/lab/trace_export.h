// Exports of transaction timelines, for people and other tools.
//
// JSON: an array with one object per transaction, oldest first:
//   {"tx_id", "channel", "block" (number or null), "tx_index" (or null),
//    "validation_code" ("VALID", ..., "DISAGREE", or "" when no peer reported),
//    "validation_codes": {peer: code}, "codes_disagree": bool,
//    "spans": [{"phase", "group", "node", "start_ns", "end_ns", "duration_us",
//               "block_level", "facts": {key: value}}]}   (spans by start)
//
// CSV (RFC 4180, a header row, then one row per span):
//   tx_id, channel, block (empty when unknown), validation_code (as in JSON),
//   phase (Observer phase name or client phase), group (endorse | order |
//   validate | commit | client), node, start_ns, end_ns (Unix ns, the node's
//   wall clock), duration_us (end - start, microseconds with 3 decimals).
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/lab/tx_timeline.h"
#include "core/util/status.h"

namespace loom::lab {

inline constexpr char kCsvHeader[] =
    "tx_id,channel,block,validation_code,phase,group,node,start_ns,end_ns,duration_us";

nlohmann::json TimelineToJson(const TxTimeline& timeline);
std::string TimelinesToJson(const std::vector<TxTimeline>& timelines, int indent = 2);
std::string TimelinesToCsv(const std::vector<TxTimeline>& timelines);

enum class ExportFormat { kJson, kCsv };
// "json" or "csv"; InvalidArgument naming the value otherwise.
Result<ExportFormat> ParseExportFormat(const std::string& name);
// Writes the export to `path` (atomically: a temporary file renamed).
Status ExportTimelines(const std::vector<TxTimeline>& timelines, ExportFormat format,
                       const std::string& path);

}  // namespace loom::lab
