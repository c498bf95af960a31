#include "app/lab/trace_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/util/file_util.h"

namespace loom::lab {
namespace {

constexpr char kMagic[] = "LOOMTRC1";
constexpr size_t kMagicSize = 8;
constexpr size_t kRecordHeader = 8;
constexpr uint32_t kMaxRecord = 64u << 20;
constexpr char kPrefix[] = "segment-";
constexpr char kSuffix[] = ".ltrace";
constexpr size_t kWriteThreshold = 64 * 1024;

uint32_t Crc32(const char* data, size_t size) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ static_cast<uint8_t>(data[i])) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

void PutU32(std::string* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

uint32_t GetU32(const char* in) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  return value;
}

// The segment number of a file name, or 0 when it is not a segment.
uint64_t SegmentNumber(const std::string& name) {
  const size_t prefix = std::strlen(kPrefix), suffix = std::strlen(kSuffix);
  if (name.size() <= prefix + suffix || name.compare(0, prefix, kPrefix) != 0 ||
      name.compare(name.size() - suffix, suffix, kSuffix) != 0) {
    return 0;
  }
  uint64_t number = 0;
  for (size_t i = prefix; i < name.size() - suffix; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    number = number * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return number;
}

std::string SegmentName(uint64_t number) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%08llu", static_cast<unsigned long long>(number));
  return std::string(kPrefix) + digits + kSuffix;
}

std::string ErrnoText() {
  return std::strerror(errno);
}

}  // namespace

std::vector<std::string> ListSegments(const std::string& dir) {
  std::vector<std::pair<uint64_t, std::string>> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    uint64_t number = SegmentNumber(entry.path().filename().string());
    if (number > 0 && entry.is_regular_file(error)) found.emplace_back(number, entry.path().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [number, path] : found) out.push_back(std::move(path));
  return out;
}

// --- writer ---

TraceStoreWriter::TraceStoreWriter(std::string dir, TraceStoreOptions options)
    : dir_(std::move(dir)), options_([&] {
        if (options.segment_bytes == 0) options.segment_bytes = options.max_total_bytes / 8;
        options.segment_bytes = std::max<uint64_t>(options.segment_bytes, 64 * 1024);
        return options;
      }()) {}

Result<std::unique_ptr<TraceStoreWriter>> TraceStoreWriter::Open(const std::string& dir,
                                                                 TraceStoreOptions options) {
  LOOM_RETURN_IF_ERROR(MakeDirectories(dir).WithContext("the trace store " + dir));
  std::unique_ptr<TraceStoreWriter> writer(new TraceStoreWriter(dir, options));
  std::lock_guard lock(writer->mutex_);
  // One writer per folder: two would pick the same next segment number.
  const std::string lock_path = (std::filesystem::path(dir) / "writer.lock").string();
  writer->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (writer->lock_fd_ < 0) return Status::IoError("cannot create " + lock_path + ": " + ErrnoText());
  if (::flock(writer->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status::FailedPrecondition("another trace collector is writing to " + dir +
                                      " (only one may record into a store at a time)");
  }
  for (const std::string& path : ListSegments(dir)) {
    std::error_code error;
    uint64_t size = std::filesystem::file_size(path, error);
    writer->segments_.push_back(path);
    writer->segment_sizes_.push_back(error ? 0 : size);
    writer->stats_.bytes_on_disk += error ? 0 : size;
    writer->next_segment_ = SegmentNumber(std::filesystem::path(path).filename().string()) + 1;
  }
  LOOM_RETURN_IF_ERROR(writer->OpenNextSegment());
  LOOM_RETURN_IF_ERROR(writer->EnforceBound());
  return writer;
}

TraceStoreWriter::~TraceStoreWriter() {
  (void)Flush();
  std::lock_guard lock(mutex_);
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Status TraceStoreWriter::OpenNextSegment() {
  if (fd_ >= 0) ::close(fd_);
  const std::string path = (std::filesystem::path(dir_) / SegmentName(next_segment_++)).string();
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::IoError("cannot create trace segment " + path + ": " + ErrnoText());
  segments_.push_back(path);
  segment_sizes_.push_back(0);
  ++stats_.segments;
  buffer_.append(kMagic, kMagicSize);
  segment_sizes_.back() += kMagicSize;
  stats_.bytes_on_disk += kMagicSize;
  return WriteBuffer();
}

Status TraceStoreWriter::WriteBuffer() {
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      buffer_.erase(0, done);
      return Status::IoError("writing trace segment " + segments_.back() + ": " + ErrnoText());
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  last_write_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

Status TraceStoreWriter::EnforceBound() {
  while (stats_.bytes_on_disk > options_.max_total_bytes && segments_.size() > 1) {
    std::error_code error;
    std::filesystem::remove(segments_.front(), error);
    if (error) return Status::IoError("deleting trace segment " + segments_.front() + ": " + error.message());
    stats_.bytes_on_disk -= segment_sizes_.front();
    segments_.erase(segments_.begin());
    segment_sizes_.erase(segment_sizes_.begin());
    ++stats_.segments_deleted;
  }
  return Status::Ok();
}

Status TraceStoreWriter::Append(const loom::TraceEvent& event) {
  std::string payload;
  if (!event.SerializeToString(&payload)) return Status::Internal("a trace event did not serialize");
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return Status::FailedPrecondition("the trace store " + dir_ + " has no open segment");
  const uint64_t record = kRecordHeader + payload.size();
  if (segment_sizes_.back() > kMagicSize && segment_sizes_.back() + record > options_.segment_bytes) {
    LOOM_RETURN_IF_ERROR(WriteBuffer());
    LOOM_RETURN_IF_ERROR(OpenNextSegment());
  }
  PutU32(&buffer_, static_cast<uint32_t>(payload.size()));
  PutU32(&buffer_, Crc32(payload.data(), payload.size()));
  buffer_ += payload;
  segment_sizes_.back() += record;
  stats_.bytes_on_disk += record;
  ++stats_.records_written;
  if (buffer_.size() >= kWriteThreshold ||
      std::chrono::steady_clock::now() - last_write_ >= options_.flush_interval) {
    LOOM_RETURN_IF_ERROR(WriteBuffer());
  }
  return EnforceBound();
}

Status TraceStoreWriter::Flush() {
  std::lock_guard lock(mutex_);
  if (fd_ < 0 || buffer_.empty()) return Status::Ok();
  return WriteBuffer();
}

TraceStoreStats TraceStoreWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

// --- reader ---

void ReadTraceSegment(const std::string& name, std::string_view data,
                      const std::function<void(std::shared_ptr<const loom::TraceEvent>)>& on_event,
                      StoreLoadReport* report) {
  StoreLoadReport local;
  StoreLoadReport& out = report != nullptr ? *report : local;
  ++out.segments;
  out.bytes += data.size();
  if (data.size() < kMagicSize) {
    out.torn_tails.push_back(name + ": " + std::to_string(data.size()) + " bytes, shorter than its header");
    return;
  }
  if (std::memcmp(data.data(), kMagic, kMagicSize) != 0) {
    out.corrupt.push_back(name + ": not a trace segment (bad header)");
    return;
  }
  size_t offset = kMagicSize;
  while (offset < data.size()) {
    const size_t left = data.size() - offset;
    if (left < kRecordHeader) {
      out.torn_tails.push_back(name + ": " + std::to_string(left) +
                               " bytes of a torn record header at offset " + std::to_string(offset));
      return;
    }
    const uint32_t length = GetU32(data.data() + offset);
    const uint32_t crc = GetU32(data.data() + offset + 4);
    if (length > kMaxRecord) {
      out.corrupt.push_back(name + ": record length " + std::to_string(length) + " at offset " +
                            std::to_string(offset) + " is too large; the rest of the segment is skipped");
      return;
    }
    if (left - kRecordHeader < length) {
      out.torn_tails.push_back(name + ": " + std::to_string(left) + " bytes of a torn " +
                               std::to_string(length) + "-byte record at offset " + std::to_string(offset));
      return;
    }
    const char* payload = data.data() + offset + kRecordHeader;
    if (Crc32(payload, length) != crc) {
      out.corrupt.push_back(name + ": bad CRC in the record at offset " + std::to_string(offset) +
                            "; the rest of the segment is skipped");
      return;
    }
    auto event = std::make_shared<loom::TraceEvent>();
    if (!event->ParseFromArray(payload, static_cast<int>(length))) {
      out.corrupt.push_back(name + ": the record at offset " + std::to_string(offset) +
                            " is not a loom.TraceEvent");
    } else {
      ++out.records;
      on_event(std::move(event));
    }
    offset += kRecordHeader + length;
  }
}

Status ReadTraceStore(const std::string& dir,
                      const std::function<void(std::shared_ptr<const loom::TraceEvent>)>& on_event,
                      StoreLoadReport* report) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return Status::NotFound("no trace store at " + dir);
  for (const std::string& path : ListSegments(dir)) {
    Result<std::string> read = ReadFile(path);
    if (!read.ok()) return read.status();
    ReadTraceSegment(std::filesystem::path(path).filename().string(), *read, on_event, report);
  }
  return Status::Ok();
}

Result<LoadedTrace> LoadTimelines(const std::string& dir, JoinerOptions options) {
  TimelineJoiner joiner(options);
  LoadedTrace loaded;
  LOOM_RETURN_IF_ERROR(ReadTraceStore(
      dir, [&](std::shared_ptr<const loom::TraceEvent> event) { joiner.Add(std::move(event)); },
      &loaded.report));
  loaded.timelines = joiner.Timelines();
  loaded.channel_events.assign(joiner.channel_events().begin(), joiner.channel_events().end());
  loaded.duplicates_dropped = joiner.duplicates_dropped();
  return loaded;
}

}  // namespace loom::lab
