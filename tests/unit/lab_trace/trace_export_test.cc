#include "app/lab/trace_export.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/lab/tx_timeline_joiner.h"
#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/lab_trace/trace_events.h"

namespace loom::lab {
namespace {

using testing::Flow;
using testing::FlowEvents;

// RFC 4180 rows (quoted fields with "" escapes, commas and newlines inside quotes).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
    any = true;
  }
  if (rows.back().empty()) rows.pop_back();
  EXPECT_TRUE(any);
  return rows;
}

std::vector<TxTimeline> TwoTransactions() {
  TimelineJoiner joiner;
  for (const auto& event : FlowEvents("tx-valid", 4, Flow{})) joiner.Add(event);
  Flow later;
  later.t += 1'000'000'000;
  for (const auto& event : FlowEvents("tx,\"odd\"", 5, later, protos::MVCC_READ_CONFLICT)) joiner.Add(event);
  return joiner.Timelines();
}

TEST(TraceExport, JsonParsesBackToTheSameTimelines) {
  std::vector<TxTimeline> timelines = TwoTransactions();
  nlohmann::json parsed = nlohmann::json::parse(TimelinesToJson(timelines));
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 2u);
  for (size_t i = 0; i < timelines.size(); ++i) {
    const nlohmann::json& tx = parsed[i];
    EXPECT_EQ(tx["tx_id"], timelines[i].tx_id);
    EXPECT_EQ(tx["channel"], "mychannel");
    EXPECT_EQ(tx["block"], *timelines[i].block_number);
    EXPECT_EQ(tx["tx_index"], 0);
    EXPECT_EQ(tx["codes_disagree"], false);
    ASSERT_EQ(tx["spans"].size(), timelines[i].spans.size());
    for (size_t s = 0; s < timelines[i].spans.size(); ++s) {
      const TxSpan& span = timelines[i].spans[s];
      const nlohmann::json& js = tx["spans"][s];
      EXPECT_EQ(js["phase"], span.phase);
      EXPECT_EQ(js["group"], std::string(PhaseGroupName(span.group)));
      EXPECT_EQ(js["node"], span.node);
      EXPECT_EQ(js["start_ns"].get<int64_t>(), span.start_unix_nanos);
      EXPECT_EQ(js["end_ns"].get<int64_t>(), span.end_unix_nanos);
      EXPECT_DOUBLE_EQ(js["duration_us"].get<double>(), static_cast<double>(span.duration_nanos()) / 1000.0);
      EXPECT_EQ(js["facts"].size(), span.facts().size());
    }
  }
  EXPECT_EQ(parsed[0]["validation_code"], "VALID");
  EXPECT_EQ(parsed[1]["validation_code"], "MVCC_READ_CONFLICT");
  EXPECT_EQ(parsed[1]["validation_codes"]["peer0.org2"], "MVCC_READ_CONFLICT");
  EXPECT_EQ(parsed[0]["spans"][0]["facts"]["endorser_msp_id"], "Org1MSP");
}

TEST(TraceExport, CsvHasOneRowPerSpanWithTheDocumentedColumns) {
  std::vector<TxTimeline> timelines = TwoTransactions();
  std::vector<std::vector<std::string>> rows = ParseCsv(TimelinesToCsv(timelines));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"tx_id", "channel", "block", "validation_code", "phase",
                                               "group", "node", "start_ns", "end_ns", "duration_us"}));
  size_t row = 1;
  for (const TxTimeline& timeline : timelines) {
    for (const TxSpan& span : timeline.spans) {
      ASSERT_LT(row, rows.size());
      const std::vector<std::string>& r = rows[row++];
      ASSERT_EQ(r.size(), 10u);
      EXPECT_EQ(r[0], timeline.tx_id);  // the quoted tx id comes back intact
      EXPECT_EQ(r[1], "mychannel");
      EXPECT_EQ(r[2], std::to_string(*timeline.block_number));
      EXPECT_EQ(r[3], timeline.validation_code_name());
      EXPECT_EQ(r[4], span.phase);
      EXPECT_EQ(r[5], std::string(PhaseGroupName(span.group)));
      EXPECT_EQ(r[6], span.node);
      EXPECT_EQ(std::stoll(r[7]), span.start_unix_nanos);
      EXPECT_EQ(std::stoll(r[8]), span.end_unix_nanos);
      EXPECT_NEAR(std::stod(r[9]), static_cast<double>(span.duration_nanos()) / 1000.0, 0.001);
    }
  }
  EXPECT_EQ(row, rows.size());
}

TEST(TraceExport, WritesFilesAndRefusesUnknownFormats) {
  loom::testing::TempDir dir("trace-export");
  auto format = ParseExportFormat("csv");
  ASSERT_TRUE(format.ok());
  ASSERT_TRUE(ExportTimelines(TwoTransactions(), *format, dir.File("out.csv")).ok());
  EXPECT_EQ(ReadFile(dir.File("out.csv"))->rfind(kCsvHeader, 0), 0u);
  auto bad = ParseExportFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'xml'"), std::string::npos);
}

}  // namespace
}  // namespace loom::lab
