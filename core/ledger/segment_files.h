// The block store's data files: `blockfile_000000`, `blockfile_000001`, ...
// in one folder, each a run of length-prefixed frames
// (protocol::EncodeFrame). Only the last segment is ever written to.
//
// Thread safety: Read() and Size() may run concurrently with each other and
// with one thread calling Write(), Truncate() or AddSegment(). File
// descriptors are opened lazily and closed by the destructor, which must not
// race with any other call.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace loom::ledger {

class SegmentFiles {
 public:
  // Lists the segments in `dir` (created when missing). Files whose names
  // are not `blockfile_<digits>` are ignored. Corruption when the numbering
  // has a gap (a segment in the middle is missing).
  static Result<std::unique_ptr<SegmentFiles>> Open(const std::string& dir);
  ~SegmentFiles();

  SegmentFiles(const SegmentFiles&) = delete;
  SegmentFiles& operator=(const SegmentFiles&) = delete;

  uint32_t count() const;
  // "<dir>/blockfile_000007", for messages too.
  std::string PathOf(uint32_t segment) const;
  static std::string FileName(uint32_t segment);

  Result<uint64_t> Size(uint32_t segment) const;
  // Exactly `length` bytes at `offset`; Corruption when the file is shorter.
  Result<std::string> Read(uint32_t segment, uint64_t offset, uint64_t length) const;
  // Writes `bytes` at `offset` and fdatasyncs the file. On failure some of
  // the bytes may have been written; the caller truncates them away.
  Status Write(uint32_t segment, uint64_t offset, std::string_view bytes);
  // Cuts the file to `size` bytes and fsyncs it.
  Status Truncate(uint32_t segment, uint64_t size);
  // Creates the next segment (empty) and fsyncs the folder so the new name
  // survives a crash. Returns its number.
  Result<uint32_t> AddSegment();

 private:
  explicit SegmentFiles(std::string dir, uint32_t count);
  // The segment's descriptor, opened on first use.
  Result<int> Descriptor(uint32_t segment) const;
  Status SyncFolder() const;

  const std::string dir_;
  mutable std::mutex mutex_;
  mutable std::vector<int> descriptors_;  // guarded by mutex_; -1 = not open yet
};

}  // namespace loom::ledger
