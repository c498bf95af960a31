#include "core/orderer/solo_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

#include "core/protocol/block_file.h"
#include "core/util/file_util.h"

namespace loom::orderer {
namespace {

constexpr size_t kChecksumBytes = 4;
constexpr size_t kSegmentNameDigits = 20;
constexpr std::string_view kSegmentSuffix = ".wal";

// ---- CRC-32C -------------------------------------------------------------

constexpr uint32_t kCastagnoliReversed = 0x82F63B78u;

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? kCastagnoliReversed : 0);
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

uint32_t Crc32cSoftware(uint32_t crc, const uint8_t* data, size_t size) {
  for (size_t i = 0; i < size; ++i) crc = kCrcTable[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cHardware(uint32_t crc, const uint8_t* data, size_t size) {
  uint64_t wide = crc;
  for (; size >= 8; size -= 8, data += 8) {
    uint64_t word;
    std::memcpy(&word, data, sizeof word);
    wide = __builtin_ia32_crc32di(wide, word);
  }
  crc = static_cast<uint32_t>(wide);
  for (; size > 0; --size, ++data) crc = __builtin_ia32_crc32qi(crc, *data);
  return crc;
}
bool HaveSse42() {
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  return have;
}
#endif

// ---- helpers -----------------------------------------------------------------

std::string ErrnoText() {
  return std::strerror(errno);
}

std::string SegmentName(uint64_t first_index) {
  char name[kSegmentNameDigits + 1];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(first_index));
  return std::string(name) + std::string(kSegmentSuffix);
}

std::optional<uint64_t> ParseSegmentName(const std::string& name) {
  if (name.size() != kSegmentNameDigits + kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix)) {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (size_t i = 0; i < kSegmentNameDigits; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return value;
}

void PutLittleEndian32(uint32_t value, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint32_t GetLittleEndian32(std::string_view bytes) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  return value;
}

std::string EncodeRecord(const LogEntry& entry) {
  std::string encoded = EncodeLogEntry(entry);
  std::string record;
  record.reserve(kChecksumBytes + encoded.size());
  PutLittleEndian32(Crc32c(encoded), &record);
  record += encoded;
  return protocol::EncodeFrame(record);
}

// One frame of a segment, parsed without trusting its bytes.
struct Frame {
  enum Outcome { kWhole, kIncomplete, kBadLength } outcome = kWhole;
  std::string_view record;  // kWhole: the framed bytes
  size_t end = 0;           // kWhole: offset just past the frame
};

constexpr uint64_t kMaxRecordBytes = uint64_t{1} << 32;

Frame ParseFrameAt(std::string_view buffer, size_t offset) {
  uint64_t length = 0;
  size_t position = offset;
  for (int shift = 0;; shift += 7) {
    if (shift >= 64) return {Frame::kBadLength, {}, 0};
    if (position >= buffer.size()) return {Frame::kIncomplete, {}, 0};
    uint8_t byte = static_cast<uint8_t>(buffer[position++]);
    length |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (length > kMaxRecordBytes) return {Frame::kBadLength, {}, 0};
  if (length > buffer.size() - position) return {Frame::kIncomplete, {}, 0};
  return {Frame::kWhole, buffer.substr(position, length), position + length};
}

// The entry bytes of a record whose checksum holds.
std::optional<std::string_view> CheckedPayload(std::string_view record) {
  if (record.size() < kChecksumBytes) return std::nullopt;
  std::string_view payload = record.substr(kChecksumBytes);
  if (Crc32c(payload) != GetLittleEndian32(record)) return std::nullopt;
  return payload;
}

// Whether an intact record of a later entry (index > `damaged_index`)
// starts anywhere at or after `from`: tells a torn tail (nothing intact
// follows) from damage in the middle of the log. Requiring a later index
// keeps bytes inside the damaged record's own envelope from counting.
bool IntactRecordFollows(std::string_view buffer, size_t from, uint64_t damaged_index) {
  for (size_t offset = from; offset < buffer.size(); ++offset) {
    Frame frame = ParseFrameAt(buffer, offset);
    if (frame.outcome != Frame::kWhole) continue;
    auto payload = CheckedPayload(frame.record);
    if (!payload) continue;
    auto entry = DecodeLogEntry(*payload);
    if (entry.ok() && entry->index > damaged_index) return true;
  }
  return false;
}

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

// A problem found while scanning a segment.
struct ScanProblem {
  size_t offset = 0;
  bool incomplete = false;  // the record runs past the end of the file
  std::string message;
};

// Decodes one record at `offset` that must hold entry `expected_index`.
Result<LogEntry> DecodeRecordAt(std::string_view buffer, size_t offset, uint64_t expected_index, size_t* end,
                                bool* incomplete) {
  *incomplete = false;
  Frame frame = ParseFrameAt(buffer, offset);
  if (frame.outcome == Frame::kIncomplete) {
    *incomplete = true;
    return Status::Corruption("incomplete record");
  }
  if (frame.outcome == Frame::kBadLength) return Status::Corruption("corrupt record length");
  auto payload = CheckedPayload(frame.record);
  if (!payload) return Status::Corruption("checksum mismatch");
  auto entry = DecodeLogEntry(*payload);
  if (!entry.ok()) return Status::Corruption(entry.status().message());
  if (entry->index != expected_index) {
    return Status::Corruption("holds entry " + std::to_string(entry->index) + " where entry " +
                              std::to_string(expected_index) + " belongs");
  }
  *end = frame.end;
  return entry;
}

std::string Where(const std::string& path, size_t offset, uint64_t index) {
  return path + ": record at offset " + std::to_string(offset) + " (entry " + std::to_string(index) + ")";
}

Result<std::string> ReadRange(int fd, const std::string& path, uint64_t begin, uint64_t end) {
  std::string buffer(end - begin, '\0');
  size_t done = 0;
  while (done < buffer.size()) {
    ssize_t n = ::pread(fd, buffer.data() + done, buffer.size() - done, static_cast<off_t>(begin + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(path + ": read failed: " + ErrnoText());
    if (n == 0) return Status::Corruption(path + ": file ends at " + std::to_string(begin + done));
    done += static_cast<size_t>(n);
  }
  return buffer;
}

Status WriteAll(int fd, const std::string& path, std::string_view data, uint64_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(path + ": write failed: " + ErrnoText());
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

uint32_t Crc32c(std::string_view data) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
#if defined(__x86_64__)
  if (HaveSse42()) return ~Crc32cHardware(~0u, bytes, data.size());
#endif
  return ~Crc32cSoftware(~0u, bytes, data.size());
}

// ---- SoloLog -----------------------------------------------------------------

struct SoloLog::Segment {
  uint64_t first_index = 0;
  std::string path;
  int fd = -1;
  uint64_t size = 0;              // bytes of whole, durable records
  std::vector<uint64_t> offsets;  // where each record starts

  ~Segment() {
    if (fd >= 0) ::close(fd);
  }
  uint64_t end_index() const { return first_index + offsets.size(); }
};

// A run of consecutive records of one segment, copied out under the lock.
struct SoloLog::ReadSpan {
  std::shared_ptr<Segment> segment;
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t first_index = 0;
  size_t count = 0;
};

SoloLog::SoloLog(std::string dir, SoloLogOptions options, int lock_fd)
    : dir_(std::move(dir)), options_(options), lock_fd_(lock_fd) {}

SoloLog::~SoloLog() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<SoloLog>> SoloLog::Open(const std::string& dir, SoloLogOptions options) {
  LOOM_RETURN_IF_ERROR(MakeDirectories(dir));
  const std::string lock_path = dir + "/LOCK";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return Status::IoError(lock_path + ": cannot open: " + ErrnoText());
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    std::string error = ErrnoText();
    ::close(lock_fd);
    return Status::FailedPrecondition(dir + ": the log is already open elsewhere (" + lock_path +
                                      " is locked: " + error + ")");
  }
  std::unique_ptr<SoloLog> log(new SoloLog(dir, options, lock_fd));
  LOOM_RETURN_IF_ERROR(log->Recover());
  return log;
}

Status SoloLog::Recover() {
  std::vector<uint64_t> first_indexes;
  std::error_code error;
  for (const auto& item : std::filesystem::directory_iterator(dir_, error)) {
    if (auto first = ParseSegmentName(item.path().filename().string())) first_indexes.push_back(*first);
  }
  if (error) return Status::IoError(dir_ + ": cannot list: " + error.message());
  std::sort(first_indexes.begin(), first_indexes.end());
  if (first_indexes.empty()) return StartSegment(1);

  for (size_t i = 0; i < first_indexes.size(); ++i) {
    const bool newest = i + 1 == first_indexes.size();
    auto segment = std::make_shared<Segment>();
    segment->first_index = first_indexes[i];
    segment->path = dir_ + "/" + SegmentName(first_indexes[i]);
    if (segment->first_index == 0) return Status::Corruption(segment->path + ": entry indexes start at 1");
    if (!segments_.empty() && segment->first_index != segments_.back()->end_index()) {
      return Status::Corruption(segment->path + ": starts at entry " + std::to_string(segment->first_index) +
                                " but the previous segment ends before entry " +
                                std::to_string(segments_.back()->end_index()));
    }
    segment->fd = ::open(segment->path.c_str(), O_RDWR | O_CLOEXEC);
    if (segment->fd < 0) return Status::IoError(segment->path + ": cannot open: " + ErrnoText());
    struct stat info;
    if (::fstat(segment->fd, &info) != 0) {
      return Status::IoError(segment->path + ": stat failed: " + ErrnoText());
    }
    LOOM_ASSIGN_OR_RETURN(std::string bytes,
                          ReadRange(segment->fd, segment->path, 0, static_cast<uint64_t>(info.st_size)));

    size_t offset = 0;
    while (offset < bytes.size()) {
      const uint64_t index = segment->end_index();
      size_t end = 0;
      bool incomplete = false;
      auto entry = DecodeRecordAt(bytes, offset, index, &end, &incomplete);
      if (entry.ok()) {
        segment->offsets.push_back(offset);
        offset = end;
        continue;
      }
      std::string_view rest = std::string_view(bytes).substr(offset);
      const bool torn =
          newest && (incomplete || AllZero(rest)) && !IntactRecordFollows(bytes, offset + 1, index);
      if (!torn) return entry.status().WithContext(Where(segment->path, offset, index));
      if (::ftruncate(segment->fd, static_cast<off_t>(offset)) != 0 || ::fdatasync(segment->fd) != 0) {
        return Status::IoError(segment->path + ": cannot cut the torn tail: " + ErrnoText());
      }
      recovery_notes_.push_back(segment->path + ": cut a torn tail of " + std::to_string(rest.size()) +
                                " bytes at offset " + std::to_string(offset) + " (" +
                                entry.status().message() + "); the log ends at entry " +
                                std::to_string(index - 1));
      break;
    }
    segment->size = std::min<uint64_t>(offset, bytes.size());
    segments_.push_back(std::move(segment));
  }
  next_index_ = segments_.back()->end_index();
  return Status::Ok();
}

Status SoloLog::StartSegment(uint64_t first_index) {
  auto segment = std::make_shared<Segment>();
  segment->first_index = first_index;
  segment->path = dir_ + "/" + SegmentName(first_index);
  segment->fd = ::open(segment->path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (segment->fd < 0) return Status::IoError(segment->path + ": cannot create: " + ErrnoText());
  LOOM_RETURN_IF_ERROR(SyncDir());
  std::lock_guard state(state_mutex_);
  segments_.push_back(std::move(segment));
  next_index_ = first_index;
  return Status::Ok();
}

Status SoloLog::SyncDir() const {
  int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(dir_ + ": cannot open the folder: " + ErrnoText());
  int result = ::fsync(fd);
  std::string error = result != 0 ? ErrnoText() : "";
  ::close(fd);
  if (result != 0) return Status::IoError(dir_ + ": fsync of the folder failed: " + error);
  return Status::Ok();
}

Result<std::vector<LogEntry>> SoloLog::Append(std::vector<LogEntry> entries) {
  if (entries.empty()) return entries;
  std::lock_guard append(append_mutex_);
  if (failed_) {
    return Status::FailedPrecondition(dir_ + ": the log failed to write earlier; reopen it before appending");
  }
  for (const LogEntry& entry : entries) LOOM_RETURN_IF_ERROR(ValidateLogEntry(entry));

  // Only appenders change segments_ and next_index_, and they hold
  // append_mutex_, so reading them here without state_mutex_ is safe.
  if (segments_.back()->size >= options_.segment_bytes && !segments_.back()->offsets.empty()) {
    LOOM_RETURN_IF_ERROR(StartSegment(next_index_));
  }
  Segment& active = *segments_.back();

  std::string buffer;
  std::vector<uint64_t> offsets;
  offsets.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].index = next_index_ + i;
    offsets.push_back(active.size + buffer.size());
    buffer += EncodeRecord(entries[i]);
  }

  Status written = WriteAll(active.fd, active.path, buffer, active.size);
  if (written.ok() && ::fdatasync(active.fd) != 0) {
    written = Status::IoError(active.path + ": fdatasync failed: " + ErrnoText());
  }
  if (!written.ok()) {
    // After a failed sync the page cache may not match the disk; only a
    // reopen (which re-reads and checks the file) can tell what survived.
    failed_ = true;
    (void)::ftruncate(active.fd, static_cast<off_t>(active.size));
    return written;
  }

  std::lock_guard state(state_mutex_);
  active.offsets.insert(active.offsets.end(), offsets.begin(), offsets.end());
  active.size += buffer.size();
  next_index_ += entries.size();
  return entries;
}

Result<std::vector<LogEntry>> SoloLog::ReadFrom(uint64_t index, size_t max_entries) const {
  std::vector<ReadSpan> spans;
  {
    std::lock_guard state(state_mutex_);
    const uint64_t first = segments_.front()->first_index;
    if (index == 0 || index < first) {
      return Status::NotFound(dir_ + ": log entry " + std::to_string(index) + " is not kept (the oldest is " +
                              std::to_string(first) + ")");
    }
    size_t remaining = max_entries;
    for (const auto& segment : segments_) {
      if (remaining == 0) break;
      if (segment->end_index() <= index) continue;
      const size_t start = index > segment->first_index ? index - segment->first_index : 0;
      if (start >= segment->offsets.size()) continue;
      const size_t count = std::min(segment->offsets.size() - start, remaining);
      const size_t stop = start + count;
      spans.push_back({segment, segment->offsets[start],
                       stop < segment->offsets.size() ? segment->offsets[stop] : segment->size,
                       segment->first_index + start, count});
      remaining -= count;
    }
  }

  std::vector<LogEntry> entries;
  for (const ReadSpan& span : spans) {
    LOOM_ASSIGN_OR_RETURN(std::string bytes,
                          ReadRange(span.segment->fd, span.segment->path, span.begin, span.end));
    size_t offset = 0;
    for (size_t i = 0; i < span.count; ++i) {
      const uint64_t index_here = span.first_index + i;
      size_t end = 0;
      bool incomplete = false;
      auto entry = DecodeRecordAt(bytes, offset, index_here, &end, &incomplete);
      if (!entry.ok()) {
        return entry.status().WithContext(Where(span.segment->path, span.begin + offset, index_here));
      }
      entries.push_back(std::move(entry).value());
      offset = end;
    }
  }
  return entries;
}

Status SoloLog::Compact(uint64_t up_to_index) {
  std::lock_guard append(append_mutex_);
  if (up_to_index >= next_index_) {
    return Status::InvalidArgument(dir_ + ": cannot compact up to entry " + std::to_string(up_to_index) +
                                   ", the log ends at entry " + std::to_string(next_index_ - 1));
  }
  const Segment& newest = *segments_.back();
  if (!newest.offsets.empty() && newest.end_index() - 1 <= up_to_index) {
    LOOM_RETURN_IF_ERROR(StartSegment(next_index_));
  }
  std::vector<std::shared_ptr<Segment>> removed;
  {
    std::lock_guard state(state_mutex_);
    size_t drop = 0;
    while (drop + 1 < segments_.size() && segments_[drop + 1]->first_index <= up_to_index + 1) ++drop;
    removed.assign(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(drop));
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  // Oldest first, so a failure part way leaves a gap-free run of segments.
  for (const auto& segment : removed) LOOM_RETURN_IF_ERROR(RemoveSegmentFile(segment));
  return removed.empty() ? Status::Ok() : SyncDir();
}

Status SoloLog::RemoveSegmentFile(const std::shared_ptr<Segment>& segment) {
  // Readers holding the segment keep reading through its open descriptor.
  if (::unlink(segment->path.c_str()) != 0) {
    return Status::IoError(segment->path + ": cannot delete: " + ErrnoText());
  }
  return Status::Ok();
}

uint64_t SoloLog::first_index() const {
  std::lock_guard state(state_mutex_);
  return segments_.front()->first_index;
}

uint64_t SoloLog::next_index() const {
  std::lock_guard state(state_mutex_);
  return next_index_;
}

size_t SoloLog::segment_count() const {
  std::lock_guard state(state_mutex_);
  return segments_.size();
}

}  // namespace loom::orderer
