#include "app/lab/trace_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/lab_trace/trace_events.h"

namespace loom::lab {
namespace {

using testing::Flow;
using testing::FlowEvents;

std::vector<loom::TraceEvent> ReadAll(const std::string& dir, StoreLoadReport* report) {
  std::vector<loom::TraceEvent> events;
  Status read = ReadTraceStore(
      dir, [&](std::shared_ptr<const loom::TraceEvent> event) { events.push_back(*event); }, report);
  EXPECT_TRUE(read.ok()) << read.ToString();
  return events;
}

loom::TraceEvent Numbered(uint64_t sequence, size_t padding = 0) {
  loom::TraceEvent event = testing::Endorsed("peer0.org1", "tx" + std::to_string(sequence), 1, 2);
  event.set_sequence(sequence);
  if (padding > 0) (*event.mutable_facts())["pad"] = std::string(padding, 'x');
  return event;
}

TEST(TraceStore, RoundTripsEveryEventExactly) {
  loom::testing::TempDir dir("trace-store");
  std::vector<loom::TraceEvent> written = FlowEvents("tx1", 2, Flow{});
  {
    auto writer = TraceStoreWriter::Open(dir.File("traces"));
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (const auto& event : written) ASSERT_TRUE((*writer)->Append(event).ok());
    EXPECT_EQ((*writer)->stats().records_written, written.size());
  }
  StoreLoadReport report;
  std::vector<loom::TraceEvent> read = ReadAll(dir.File("traces"), &report);
  ASSERT_EQ(read.size(), written.size());
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].SerializeAsString(), written[i].SerializeAsString()) << i;
  }
  EXPECT_EQ(report.records, written.size());
  EXPECT_TRUE(report.torn_tails.empty());
  EXPECT_TRUE(report.corrupt.empty());
}

TEST(TraceStore, ASecondWriterStartsANewSegmentAndLoadJoinsBoth) {
  loom::testing::TempDir dir("trace-store");
  for (const char* tx : {"a", "b"}) {
    auto writer = TraceStoreWriter::Open(dir.File("traces"));
    ASSERT_TRUE(writer.ok());
    for (const auto& event : FlowEvents(tx, tx[0] == 'a' ? 1 : 2, Flow{}))
      ASSERT_TRUE((*writer)->Append(event).ok());
  }
  EXPECT_EQ(ListSegments(dir.File("traces")).size(), 2u);
  auto loaded = LoadTimelines(dir.File("traces"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->timelines.size(), 2u);
  EXPECT_EQ(loaded->timelines[0].tx_id, "a");
  EXPECT_EQ(loaded->timelines[1].spans.size(), 15u);
  EXPECT_EQ(loaded->report.segments, 2u);
}

TEST(TraceStore, TheSizeBoundDeletesTheOldestSegmentsFirst) {
  loom::testing::TempDir dir("trace-store");
  TraceStoreOptions options;
  options.max_total_bytes = 256 * 1024;
  options.segment_bytes = 64 * 1024;
  auto writer = TraceStoreWriter::Open(dir.File("traces"), options);
  ASSERT_TRUE(writer.ok());
  const uint64_t total = 200;
  for (uint64_t i = 1; i <= total; ++i) ASSERT_TRUE((*writer)->Append(Numbered(i, 4000)).ok());
  ASSERT_TRUE((*writer)->Flush().ok());
  TraceStoreStats stats = (*writer)->stats();
  EXPECT_GT(stats.segments_deleted, 0u);
  EXPECT_LE(stats.bytes_on_disk, options.max_total_bytes);

  uint64_t on_disk = 0;
  for (const std::string& segment : ListSegments(dir.File("traces")))
    on_disk += std::filesystem::file_size(segment);
  EXPECT_EQ(on_disk, stats.bytes_on_disk);
  EXPECT_LE(on_disk, options.max_total_bytes);

  std::vector<loom::TraceEvent> read = ReadAll(dir.File("traces"), nullptr);
  ASSERT_FALSE(read.empty());
  ASSERT_LT(read.size(), total);
  // What is left is the newest events, in order, without a hole.
  EXPECT_EQ(read.back().sequence(), total);
  for (size_t i = 1; i < read.size(); ++i) EXPECT_EQ(read[i].sequence(), read[i - 1].sequence() + 1);
  EXPECT_GT(read.front().sequence(), 1u);
}

TEST(TraceStore, ATornLastRecordIsSkippedAndReported) {
  loom::testing::TempDir dir("trace-store");
  {
    auto writer = TraceStoreWriter::Open(dir.File("traces"));
    ASSERT_TRUE(writer.ok());
    for (uint64_t i = 1; i <= 3; ++i) ASSERT_TRUE((*writer)->Append(Numbered(i)).ok());
  }
  const std::string segment = ListSegments(dir.File("traces")).back();
  const uintmax_t size = std::filesystem::file_size(segment);
  std::filesystem::resize_file(segment, size - 5);  // the writer died mid-record

  StoreLoadReport report;
  std::vector<loom::TraceEvent> read = ReadAll(dir.File("traces"), &report);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[1].sequence(), 2u);
  ASSERT_EQ(report.torn_tails.size(), 1u);
  EXPECT_NE(report.torn_tails[0].find("segment-00000001.ltrace"), std::string::npos) << report.torn_tails[0];
  EXPECT_NE(report.torn_tails[0].find("torn"), std::string::npos);
  EXPECT_TRUE(report.corrupt.empty());

  // A new writer after the crash appends a new segment; the torn one stays readable.
  {
    auto writer = TraceStoreWriter::Open(dir.File("traces"));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append(Numbered(4)).ok());
  }
  EXPECT_EQ(ReadAll(dir.File("traces"), nullptr).size(), 3u);
}

TEST(TraceStore, ABadCrcIsReportedAsCorrupt) {
  loom::testing::TempDir dir("trace-store");
  {
    auto writer = TraceStoreWriter::Open(dir.File("traces"));
    ASSERT_TRUE(writer.ok());
    for (uint64_t i = 1; i <= 3; ++i) ASSERT_TRUE((*writer)->Append(Numbered(i)).ok());
  }
  const std::string segment = ListSegments(dir.File("traces")).back();
  std::string data = *ReadFile(segment);
  data[data.size() - 3] ^= 0x5a;  // a flipped byte in the last record's payload
  ASSERT_TRUE(WriteFileAtomically(segment, data).ok());
  StoreLoadReport report;
  EXPECT_EQ(ReadAll(dir.File("traces"), &report).size(), 2u);
  ASSERT_EQ(report.corrupt.size(), 1u);
  EXPECT_NE(report.corrupt[0].find("bad CRC"), std::string::npos) << report.corrupt[0];
}

TEST(TraceStore, OnlyOneWriterAtATime) {
  loom::testing::TempDir dir("trace-store");
  auto first = TraceStoreWriter::Open(dir.File("traces"));
  ASSERT_TRUE(first.ok());
  auto second = TraceStoreWriter::Open(dir.File("traces"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another trace collector"), std::string::npos);
  first->reset();
  EXPECT_TRUE(TraceStoreWriter::Open(dir.File("traces")).ok());
}

TEST(TraceStore, AMissingStoreIsNotFound) {
  loom::testing::TempDir dir("trace-store");
  auto loaded = LoadTimelines(dir.File("nothing-here"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.status().IsNotFound());
  EXPECT_NE(loaded.status().message().find("nothing-here"), std::string::npos);
}

}  // namespace
}  // namespace loom::lab
