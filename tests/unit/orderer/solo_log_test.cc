// SoloLog: append and read back, reopen, torn tails cut at every byte,
// corruption reported, segments rotated and compacted, concurrent appends.
#include "core/orderer/solo_log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/util/file_util.h"
#include "orderer_test_support.h"

namespace loom::orderer {
namespace {

using testing::TempDir;

const char kChannel[] = "mychannel";

LogEntry EnvelopeEntry(const std::string& text) {
  return LogEntry::Envelope(kChannel, "envelope:" + text);
}

std::unique_ptr<SoloLog> OpenLog(const std::string& dir, SoloLogOptions options = {}) {
  auto log = SoloLog::Open(dir, options);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(log).value() : nullptr;
}

std::vector<LogEntry> AppendOk(SoloLog& log, std::vector<LogEntry> entries) {
  auto appended = log.Append(std::move(entries));
  EXPECT_TRUE(appended.ok()) << appended.status().ToString();
  return appended.ok() ? std::move(appended).value() : std::vector<LogEntry>{};
}

std::vector<LogEntry> ReadAll(const SoloLog& log, uint64_t from = 1) {
  auto entries = log.ReadFrom(from);
  EXPECT_TRUE(entries.ok()) << entries.status().ToString();
  return entries.ok() ? std::move(entries).value() : std::vector<LogEntry>{};
}

std::vector<std::string> SegmentFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& item : std::filesystem::directory_iterator(dir)) {
    if (item.path().extension() == ".wal") files.push_back(item.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadBytes(const std::string& path) {
  return ReadFile(path).value();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(Crc32c, MatchesKnownVectors) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(SoloLog, AppendAssignsConsecutiveIndexesAndReadsBack) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_index(), 1u);
  EXPECT_EQ(log->first_index(), 1u);
  EXPECT_TRUE(ReadAll(*log).empty());

  auto first = AppendOk(*log, {EnvelopeEntry("a"), EnvelopeEntry("b")});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].index, 1u);
  EXPECT_EQ(first[1].index, 2u);
  EXPECT_EQ(first[1].envelope, "envelope:b");
  auto second = AppendOk(*log, {LogEntry::TimeToCut(kChannel, 1), EnvelopeEntry("c")});
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].index, 3u);
  EXPECT_EQ(log->next_index(), 5u);

  std::vector<LogEntry> all = ReadAll(*log);
  ASSERT_EQ(all.size(), 4u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].index, i + 1);
  EXPECT_EQ(all[0], first[0]);
  EXPECT_EQ(all[2], second[0]);
  EXPECT_EQ(all[2].kind, LogEntry::kTimeToCut);
  EXPECT_EQ(all[2].cut_block_number, 1u);

  std::vector<LogEntry> tail = ReadAll(*log, 3);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].index, 3u);
  auto limited = log->ReadFrom(2, 2);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].index, 3u);
  EXPECT_TRUE(ReadAll(*log, 5).empty());
  EXPECT_TRUE(ReadAll(*log, 100).empty());
  EXPECT_TRUE(log->ReadFrom(0).status().IsNotFound());
  auto none = log->Append({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(SoloLog, InvalidEntriesAreRefusedAndNothingIsWritten) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);
  auto refused = log->Append({EnvelopeEntry("ok"), LogEntry::Envelope("", "x")});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsInvalidArgument());
  EXPECT_EQ(refused.status().message(), "log entry 0: no channel");
  EXPECT_EQ(log->next_index(), 1u);
  EXPECT_TRUE(ReadAll(*log).empty());
}

TEST(SoloLog, ReopenKeepsEveryEntryAndContinues) {
  TempDir dir;
  {
    auto log = OpenLog(dir.path());
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 10; ++i) AppendOk(*log, {EnvelopeEntry(std::to_string(i))});
  }
  auto log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(log->recovery_notes().empty());
  EXPECT_EQ(log->next_index(), 11u);
  auto appended = AppendOk(*log, {EnvelopeEntry("after")});
  ASSERT_EQ(appended.size(), 1u);
  EXPECT_EQ(appended[0].index, 11u);
  std::vector<LogEntry> all = ReadAll(*log);
  ASSERT_EQ(all.size(), 11u);
  EXPECT_EQ(all[4].envelope, "envelope:4");
}

TEST(SoloLog, ASecondOpenOfTheSameFolderIsRefused) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);
  auto second = SoloLog::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("already open"), std::string::npos) << second.status().message();
}

// A crash while the last Append was being written leaves any prefix of its
// bytes; every one of them must reopen to the entries before it.
TEST(SoloLog, TornTailIsCutAtEveryByteOfTheLastRecord) {
  TempDir dir;
  uint64_t size_before_last = 0;
  {
    auto log = OpenLog(dir.path());
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 5; ++i) AppendOk(*log, {EnvelopeEntry(std::to_string(i))});
    size_before_last = std::filesystem::file_size(SegmentFiles(dir.path())[0]);
    AppendOk(*log, {EnvelopeEntry(std::string(300, 'z'))});  // a length that needs two varint bytes
  }
  const std::string segment = SegmentFiles(dir.path())[0];
  const std::string whole = ReadBytes(segment);
  ASSERT_GT(whole.size(), size_before_last + 300);

  for (size_t cut = size_before_last; cut < whole.size(); ++cut) {
    SCOPED_TRACE("file cut at " + std::to_string(cut) + " of " + std::to_string(whole.size()));
    WriteBytes(segment, whole.substr(0, cut));
    auto log = OpenLog(dir.path());
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->next_index(), 6u);
    EXPECT_EQ(log->recovery_notes().size(), cut == size_before_last ? 0u : 1u);
    if (cut > size_before_last) {
      EXPECT_NE(log->recovery_notes()[0].find("cut a torn tail of " + std::to_string(cut - size_before_last) +
                                              " bytes at offset " + std::to_string(size_before_last)),
                std::string::npos)
          << log->recovery_notes()[0];
    }
    EXPECT_EQ(std::filesystem::file_size(segment), size_before_last);
    // The log continues where the intact entries end.
    auto appended = AppendOk(*log, {EnvelopeEntry("again")});
    ASSERT_EQ(appended.size(), 1u);
    EXPECT_EQ(appended[0].index, 6u);
    std::vector<LogEntry> all = ReadAll(*log);
    ASSERT_EQ(all.size(), 6u);
    EXPECT_EQ(all[4].envelope, "envelope:4");
    EXPECT_EQ(all[5].envelope, "envelope:again");
  }
}

TEST(SoloLog, ZeroFilledTailIsCut) {
  TempDir dir;
  {
    auto log = OpenLog(dir.path());
    ASSERT_NE(log, nullptr);
    AppendOk(*log, {EnvelopeEntry("a"), EnvelopeEntry("b")});
  }
  const std::string segment = SegmentFiles(dir.path())[0];
  const std::string whole = ReadBytes(segment);
  WriteBytes(segment, whole + std::string(4096, '\0'));
  auto log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_index(), 3u);
  ASSERT_EQ(log->recovery_notes().size(), 1u);
  EXPECT_EQ(std::filesystem::file_size(segment), whole.size());
}

// Offsets of each record in a segment written by AppendOne() calls.
struct WrittenLog {
  std::string segment;
  std::vector<uint64_t> record_offsets;
  std::string bytes;
};

WrittenLog WriteEntries(const std::string& dir, int count) {
  WrittenLog written;
  auto log = OpenLog(dir);
  for (int i = 0; i < count; ++i) {
    written.segment = SegmentFiles(dir)[0];
    written.record_offsets.push_back(std::filesystem::file_size(written.segment));
    AppendOk(*log, {EnvelopeEntry("entry number " + std::to_string(i))});
  }
  log.reset();
  written.bytes = ReadBytes(written.segment);
  return written;
}

// A torn last record whose envelope happens to hold a whole record (a client
// can send any bytes) is still a torn tail, not damage in the middle.
TEST(SoloLog, RecordBytesInsideATornEnvelopeDoNotCount) {
  TempDir dir;
  WrittenLog written = WriteEntries(dir.path(), 3);
  const std::string first_record = written.bytes.substr(0, written.record_offsets[1]);
  {
    auto log = OpenLog(dir.path());
    ASSERT_NE(log, nullptr);
    AppendOk(*log, {LogEntry::Envelope(kChannel, "before" + first_record + "after")});
  }
  const std::string whole = ReadBytes(written.segment);
  WriteBytes(written.segment, whole.substr(0, whole.size() - 3));
  auto log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_index(), 4u);
  EXPECT_EQ(log->recovery_notes().size(), 1u);
}

TEST(SoloLog, CorruptByteInTheMiddleIsDetected) {
  TempDir dir;
  WrittenLog written = WriteEntries(dir.path(), 5);
  std::string damaged = written.bytes;
  const uint64_t record = written.record_offsets[1];  // entry 2
  damaged[record + 10] ^= 0x20;
  WriteBytes(written.segment, damaged);

  auto log = SoloLog::Open(dir.path());
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(log.status().IsCorruption()) << log.status().ToString();
  EXPECT_EQ(log.status().message(), written.segment + ": record at offset " + std::to_string(record) +
                                        " (entry 2): checksum mismatch");
  // Nothing was cut: the damaged file is left for inspection.
  EXPECT_EQ(ReadBytes(written.segment), damaged);
}

TEST(SoloLog, CorruptLengthInTheMiddleIsNotMistakenForATornTail) {
  TempDir dir;
  WrittenLog written = WriteEntries(dir.path(), 5);
  std::string damaged = written.bytes;
  const uint64_t record = written.record_offsets[2];  // entry 3
  damaged[record] = '\xff';                           // a two-byte length of 16383: past the end of the file
  damaged[record + 1] = '\x7f';
  WriteBytes(written.segment, damaged);

  auto log = SoloLog::Open(dir.path());
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(log.status().IsCorruption());
  EXPECT_EQ(log.status().message(), written.segment + ": record at offset " + std::to_string(record) +
                                        " (entry 3): incomplete record");
}

TEST(SoloLog, CorruptLastRecordThatIsWholeIsNotATornTail) {
  TempDir dir;
  WrittenLog written = WriteEntries(dir.path(), 3);
  std::string damaged = written.bytes;
  damaged[damaged.size() - 2] ^= 0x01;
  WriteBytes(written.segment, damaged);
  auto log = SoloLog::Open(dir.path());
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(log.status().IsCorruption());
  EXPECT_NE(log.status().message().find("(entry 3): checksum mismatch"), std::string::npos);
}

TEST(SoloLog, CorruptionAfterOpenIsReportedByReadFrom) {
  TempDir dir;
  WrittenLog written = WriteEntries(dir.path(), 4);
  auto log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);
  std::string damaged = written.bytes;
  damaged[written.record_offsets[3] + 8] ^= 0x40;  // entry 4
  WriteBytes(written.segment, damaged);
  auto entries = log->ReadFrom(1);
  ASSERT_FALSE(entries.ok());
  EXPECT_TRUE(entries.status().IsCorruption());
  EXPECT_NE(entries.status().message().find("(entry 4): checksum mismatch"), std::string::npos)
      << entries.status().message();
  auto before = log->ReadFrom(1, 3);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->size(), 3u);
}

TEST(SoloLog, RecordsOutOfSequenceAreCorruption) {
  TempDir dir;
  WrittenLog written = WriteEntries(dir.path(), 3);
  // Entry 2's record twice: the third record then holds entry 2.
  std::string entry2 =
      written.bytes.substr(written.record_offsets[1], written.record_offsets[2] - written.record_offsets[1]);
  WriteBytes(written.segment, written.bytes.substr(0, written.record_offsets[2]) + entry2);
  auto log = SoloLog::Open(dir.path());
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("(entry 3): holds entry 2 where entry 3 belongs"), std::string::npos)
      << log.status().message();
}

TEST(SoloLog, SegmentsRotateAndReadAcrossThem) {
  TempDir dir;
  SoloLogOptions options;
  options.segment_bytes = 200;
  auto log = OpenLog(dir.path(), options);
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 30; ++i) AppendOk(*log, {EnvelopeEntry(std::to_string(i)), EnvelopeEntry("x")});
  EXPECT_GT(log->segment_count(), 5u);
  EXPECT_EQ(SegmentFiles(dir.path()).size(), log->segment_count());
  std::vector<LogEntry> all = ReadAll(*log);
  ASSERT_EQ(all.size(), 60u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].index, i + 1);
  auto middle = log->ReadFrom(17, 20);
  ASSERT_TRUE(middle.ok());
  ASSERT_EQ(middle->size(), 20u);
  EXPECT_EQ(middle->front().index, 17u);
  EXPECT_EQ(middle->back().index, 36u);

  log.reset();
  log = OpenLog(dir.path(), options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_index(), 61u);
  EXPECT_EQ(ReadAll(*log).size(), 60u);
}

TEST(SoloLog, CompactDropsWholeSegmentsOnly) {
  TempDir dir;
  SoloLogOptions options;
  options.segment_bytes = 200;
  auto log = OpenLog(dir.path(), options);
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 40; ++i) AppendOk(*log, {EnvelopeEntry(std::to_string(i))});
  const size_t segments_before = log->segment_count();

  ASSERT_TRUE(log->Compact(20).ok());
  const uint64_t first = log->first_index();
  EXPECT_GT(first, 1u);
  EXPECT_LE(first, 21u);  // entry 21 and later are kept
  EXPECT_LT(log->segment_count(), segments_before);
  EXPECT_TRUE(log->ReadFrom(1).status().IsNotFound());
  EXPECT_NE(log->ReadFrom(first - 1).status().message().find("the oldest is " + std::to_string(first)),
            std::string::npos);
  std::vector<LogEntry> kept = ReadAll(*log, first);
  ASSERT_EQ(kept.size(), 41 - first);
  EXPECT_EQ(kept.front().index, first);

  log.reset();
  log = OpenLog(dir.path(), options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->first_index(), first);
  EXPECT_EQ(log->next_index(), 41u);

  EXPECT_TRUE(log->Compact(41).IsInvalidArgument());
  ASSERT_TRUE(log->Compact(40).ok());  // everything: a new empty segment remembers where the log is
  EXPECT_EQ(log->first_index(), 41u);
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_TRUE(ReadAll(*log, 41).empty());
  log.reset();
  log = OpenLog(dir.path(), options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_index(), 41u);
  auto appended = AppendOk(*log, {EnvelopeEntry("after compaction")});
  ASSERT_EQ(appended.size(), 1u);
  EXPECT_EQ(appended[0].index, 41u);
}

TEST(SoloLog, AMissingSegmentIsCorruption) {
  TempDir dir;
  SoloLogOptions options;
  options.segment_bytes = 100;
  {
    auto log = OpenLog(dir.path(), options);
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 20; ++i) AppendOk(*log, {EnvelopeEntry(std::to_string(i))});
  }
  std::vector<std::string> files = SegmentFiles(dir.path());
  ASSERT_GE(files.size(), 3u);
  std::filesystem::remove(files[1]);
  auto log = SoloLog::Open(dir.path(), options);
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(log.status().IsCorruption());
  EXPECT_NE(log.status().message().find("but the previous segment ends before entry"), std::string::npos)
      << log.status().message();
}

TEST(SoloLog, ATornTailInAnOlderSegmentIsCorruption) {
  TempDir dir;
  SoloLogOptions options;
  options.segment_bytes = 100;
  {
    auto log = OpenLog(dir.path(), options);
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 20; ++i) AppendOk(*log, {EnvelopeEntry(std::to_string(i))});
  }
  std::vector<std::string> files = SegmentFiles(dir.path());
  ASSERT_GE(files.size(), 2u);
  std::string bytes = ReadBytes(files[0]);
  WriteBytes(files[0], bytes.substr(0, bytes.size() - 3));
  auto log = SoloLog::Open(dir.path(), options);
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(log.status().IsCorruption()) << log.status().ToString();
}

// Writers on several threads and a reader alongside: every entry lands once,
// indexes are consecutive, each writer's entries keep their order.
TEST(SoloLog, ConcurrentAppendsAndReads) {
  TempDir dir;
  SoloLogOptions options;
  options.segment_bytes = 4096;
  auto log = OpenLog(dir.path(), options);
  ASSERT_NE(log, nullptr);
  constexpr int kWriters = 4;
  constexpr int kAppendsEach = 50;
  std::atomic<bool> done{false};
  std::atomic<size_t> reader_problems{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto entries = log->ReadFrom(1);
      if (!entries.ok()) {
        ++reader_problems;
        continue;
      }
      for (size_t i = 0; i < entries->size(); ++i) {
        if ((*entries)[i].index != i + 1) ++reader_problems;
      }
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kAppendsEach; ++i) {
        std::vector<LogEntry> group;
        for (int k = 0; k <= i % 3; ++k) {
          group.push_back(
              EnvelopeEntry(std::to_string(w) + "/" + std::to_string(i) + "/" + std::to_string(k)));
        }
        auto appended = log->Append(std::move(group));
        if (!appended.ok()) ADD_FAILURE() << appended.status().ToString();
      }
    });
  }
  for (auto& writer : writers) writer.join();
  done = true;
  reader.join();
  EXPECT_EQ(reader_problems.load(), 0u);

  std::vector<LogEntry> all = ReadAll(*log);
  std::set<std::string> seen;
  std::vector<int> last_append_of_writer(kWriters, -1);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].index, i + 1);
    EXPECT_TRUE(seen.insert(all[i].envelope).second) << all[i].envelope;
    int writer = 0, append = 0, k = 0;
    ASSERT_EQ(std::sscanf(all[i].envelope.c_str(), "envelope:%d/%d/%d", &writer, &append, &k), 3);
    EXPECT_GE(append, last_append_of_writer[writer]);
    last_append_of_writer[writer] = append;
  }
  size_t expected = 0;
  for (int i = 0; i < kAppendsEach; ++i) expected += static_cast<size_t>(i % 3 + 1);
  EXPECT_EQ(all.size(), expected * kWriters);
}

}  // namespace
}  // namespace loom::orderer
