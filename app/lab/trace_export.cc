#include "app/lab/trace_export.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/util/file_util.h"

namespace loom::lab {
namespace {

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string Micros(int64_t nanos) {
  char text[48];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(nanos) / 1000.0);
  return text;
}

}  // namespace

nlohmann::json TimelineToJson(const TxTimeline& timeline) {
  nlohmann::json out;
  out["tx_id"] = timeline.tx_id;
  out["channel"] = timeline.channel;
  out["block"] = timeline.block_number ? nlohmann::json(*timeline.block_number) : nlohmann::json(nullptr);
  out["tx_index"] = timeline.tx_index ? nlohmann::json(*timeline.tx_index) : nlohmann::json(nullptr);
  out["validation_code"] = timeline.validation_code_name();
  nlohmann::json codes = nlohmann::json::object();
  for (const auto& [peer, code] : timeline.validation_codes) codes[peer] = ValidationCodeName(code);
  out["validation_codes"] = std::move(codes);
  out["codes_disagree"] = timeline.codes_disagree();
  nlohmann::json spans = nlohmann::json::array();
  for (const TxSpan& span : timeline.spans) {
    nlohmann::json facts = nlohmann::json::object();
    for (const auto& [key, value] : span.facts()) facts[key] = value;
    spans.push_back({{"phase", span.phase},
                     {"group", std::string(PhaseGroupName(span.group))},
                     {"node", span.node},
                     {"start_ns", span.start_unix_nanos},
                     {"end_ns", span.end_unix_nanos},
                     {"duration_us", static_cast<double>(span.duration_nanos()) / 1000.0},
                     {"block_level", span.block_level},
                     {"facts", std::move(facts)}});
  }
  out["spans"] = std::move(spans);
  return out;
}

std::string TimelinesToJson(const std::vector<TxTimeline>& timelines, int indent) {
  nlohmann::json all = nlohmann::json::array();
  for (const TxTimeline& timeline : timelines) all.push_back(TimelineToJson(timeline));
  // Replace invalid UTF-8 (chaincode messages are arbitrary bytes) instead of throwing.
  return all.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string TimelinesToCsv(const std::vector<TxTimeline>& timelines) {
  std::string out = std::string(kCsvHeader) + "\n";
  for (const TxTimeline& timeline : timelines) {
    const std::string prefix = CsvField(timeline.tx_id) + "," + CsvField(timeline.channel) + "," +
                               (timeline.block_number ? std::to_string(*timeline.block_number) : "") + "," +
                               CsvField(timeline.validation_code_name()) + ",";
    for (const TxSpan& span : timeline.spans) {
      out += prefix + CsvField(span.phase) + "," + std::string(PhaseGroupName(span.group)) + "," +
             CsvField(span.node) + "," + std::to_string(span.start_unix_nanos) + "," +
             std::to_string(span.end_unix_nanos) + "," + Micros(span.duration_nanos()) + "\n";
    }
  }
  return out;
}

Result<ExportFormat> ParseExportFormat(const std::string& name) {
  if (name == "json") return ExportFormat::kJson;
  if (name == "csv") return ExportFormat::kCsv;
  return Status::InvalidArgument("unknown export format '" + name + "' (json or csv)");
}

Status ExportTimelines(const std::vector<TxTimeline>& timelines, ExportFormat format,
                       const std::string& path) {
  const std::string data =
      format == ExportFormat::kJson ? TimelinesToJson(timelines) : TimelinesToCsv(timelines);
  return WriteFileAtomically(path, data).WithContext("writing the export " + path);
}

}  // namespace loom::lab
