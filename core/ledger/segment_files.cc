#include "core/ledger/segment_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/util/file_util.h"

namespace loom::ledger {
namespace {

constexpr std::string_view kPrefix = "blockfile_";

std::string ErrnoText() {
  return std::strerror(errno);
}

// The segment number in a file name, or -1 for files that are not segments.
int64_t ParseSegmentName(std::string_view name) {
  if (name.substr(0, kPrefix.size()) != kPrefix) return -1;
  std::string_view digits = name.substr(kPrefix.size());
  if (digits.empty() || digits.size() > 9) return -1;
  uint32_t number = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) return -1;
  return number;
}

}  // namespace

SegmentFiles::SegmentFiles(std::string dir, uint32_t count) : dir_(std::move(dir)), descriptors_(count, -1) {}

SegmentFiles::~SegmentFiles() {
  for (int fd : descriptors_) {
    if (fd >= 0) ::close(fd);
  }
}

Result<std::unique_ptr<SegmentFiles>> SegmentFiles::Open(const std::string& dir) {
  LOOM_RETURN_IF_ERROR(MakeDirectories(dir));
  std::map<uint32_t, std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    int64_t number = ParseSegmentName(name);
    if (number >= 0) found.emplace(static_cast<uint32_t>(number), name);
  }
  if (ec) return Status::IoError(dir + ": cannot list: " + ec.message());
  uint32_t expected = 0;
  for (const auto& [number, name] : found) {
    if (number != expected) {
      return Status::Corruption(dir + "/" + FileName(expected) + " is missing (the folder has " + name +
                                "): a block segment in the middle of the chain was lost");
    }
    ++expected;
  }
  return std::unique_ptr<SegmentFiles>(new SegmentFiles(dir, expected));
}

std::string SegmentFiles::FileName(uint32_t segment) {
  char name[32];
  std::snprintf(name, sizeof(name), "blockfile_%06u", segment);
  return name;
}

std::string SegmentFiles::PathOf(uint32_t segment) const {
  return dir_ + "/" + FileName(segment);
}

uint32_t SegmentFiles::count() const {
  std::lock_guard lock(mutex_);
  return static_cast<uint32_t>(descriptors_.size());
}

Result<int> SegmentFiles::Descriptor(uint32_t segment) const {
  std::lock_guard lock(mutex_);
  if (segment >= descriptors_.size()) {
    return Status::NotFound(PathOf(segment) + ": no such segment (the store has " +
                            std::to_string(descriptors_.size()) + ")");
  }
  int& fd = descriptors_[segment];
  if (fd < 0) {
    fd = ::open(PathOf(segment).c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return Status::IoError(PathOf(segment) + ": cannot open: " + ErrnoText());
  }
  return fd;
}

Result<uint64_t> SegmentFiles::Size(uint32_t segment) const {
  LOOM_ASSIGN_OR_RETURN(int fd, Descriptor(segment));
  struct stat info;
  if (::fstat(fd, &info) != 0) return Status::IoError(PathOf(segment) + ": cannot stat: " + ErrnoText());
  return static_cast<uint64_t>(info.st_size);
}

Result<std::string> SegmentFiles::Read(uint32_t segment, uint64_t offset, uint64_t length) const {
  LOOM_ASSIGN_OR_RETURN(int fd, Descriptor(segment));
  std::string bytes(length, '\0');
  uint64_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, bytes.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(PathOf(segment) + ": read at offset " + std::to_string(offset + done) +
                             " failed: " + ErrnoText());
    }
    if (n == 0) {
      return Status::Corruption(PathOf(segment) + ": expected " + std::to_string(length) +
                                " bytes at offset " + std::to_string(offset) + ", the file ends at " +
                                std::to_string(offset + done));
    }
    done += static_cast<uint64_t>(n);
  }
  return bytes;
}

Status SegmentFiles::Write(uint32_t segment, uint64_t offset, std::string_view bytes) {
  LOOM_ASSIGN_OR_RETURN(int fd, Descriptor(segment));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(PathOf(segment) + ": write at offset " + std::to_string(offset + done) +
                             " failed: " + ErrnoText());
    }
    done += static_cast<size_t>(n);
  }
  if (::fdatasync(fd) != 0) return Status::IoError(PathOf(segment) + ": fdatasync failed: " + ErrnoText());
  return Status::Ok();
}

Status SegmentFiles::Truncate(uint32_t segment, uint64_t size) {
  LOOM_ASSIGN_OR_RETURN(int fd, Descriptor(segment));
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    return Status::IoError(PathOf(segment) + ": cannot truncate to " + std::to_string(size) +
                           " bytes: " + ErrnoText());
  }
  if (::fsync(fd) != 0) return Status::IoError(PathOf(segment) + ": fsync failed: " + ErrnoText());
  return Status::Ok();
}

Result<uint32_t> SegmentFiles::AddSegment() {
  std::lock_guard lock(mutex_);
  uint32_t segment = static_cast<uint32_t>(descriptors_.size());
  std::string path = PathOf(segment);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(path + ": cannot create: " + ErrnoText());
  descriptors_.push_back(fd);
  LOOM_RETURN_IF_ERROR(SyncFolder());
  return segment;
}

Status SegmentFiles::SyncFolder() const {
  int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(dir_ + ": cannot open folder: " + ErrnoText());
  int result = ::fsync(fd);
  std::string error = result != 0 ? ErrnoText() : "";
  ::close(fd);
  if (result != 0) return Status::IoError(dir_ + ": fsync of the folder failed: " + error);
  return Status::Ok();
}

}  // namespace loom::ledger
