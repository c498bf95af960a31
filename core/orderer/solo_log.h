// SoloLog: the solo orderer's durable, append-only log of LogEntry records.
//
// Broadcast answers SUCCESS only once an envelope's entry is durable here, so
// Append() returns only after the entries are on disk. On disk the log is a
// folder of segment files named after their first index
// ("00000000000000000001.wal"), each a sequence of records
//
//   EncodeFrame(crc32c(entry) as 4 bytes little-endian || EncodeLogEntry(entry))
//
// Indexes are consecutive from 1 across segments. A LOCK file (flock) keeps a
// second SoloLog, in this or another process, out of the folder.
//
// Recovery (Open): an incomplete record at the end of the newest segment — a
// write torn by a crash, whose entries were never acknowledged — is cut off
// and reported in recovery_notes(). Anything else that does not check out (a
// record whose checksum fails, an index out of sequence, an incomplete record
// followed by intact ones, a gap between segments) is Corruption naming the
// file, the offset and the entry, and the log does not open.
//
// Thread-safety: all methods may be called from any thread. Appends are
// serialized (each call is one write and one fdatasync: group commit);
// ReadFrom runs concurrently with Append and sees only durable entries.
// After a failed write or sync the log refuses further appends (the state of
// the file is unknown until it is reopened).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/orderer/log_entry.h"
#include "core/util/status.h"

namespace loom::orderer {

// CRC-32C (Castagnoli), as iSCSI and LevelDB use; hardware-accelerated on
// x86-64 when the CPU has SSE 4.2.
uint32_t Crc32c(std::string_view data);

struct SoloLogOptions {
  // Appends go to a new segment once the current one holds this many bytes
  // (only whole segments can be compacted away).
  uint64_t segment_bytes = 64ull << 20;
};

class SoloLog {
 public:
  // Opens (creating when needed) the log in `dir`, recovering as described
  // above. Corruption / IoError / FailedPrecondition (folder already open).
  static Result<std::unique_ptr<SoloLog>> Open(const std::string& dir, SoloLogOptions options = {});
  ~SoloLog();
  SoloLog(const SoloLog&) = delete;
  SoloLog& operator=(const SoloLog&) = delete;

  // Assigns the next consecutive indexes to `entries` (their `index` fields
  // are overwritten), writes them with one write and one fdatasync, and
  // returns them with their indexes. InvalidArgument (nothing written) when
  // an entry fails ValidateLogEntry; IoError when the disk fails.
  Result<std::vector<LogEntry>> Append(std::vector<LogEntry> entries);

  // Up to `max_entries` entries from `index` on, in order; empty when `index`
  // is past the end. NotFound when `index` was compacted away (or is 0);
  // Corruption when a stored record no longer checks out.
  Result<std::vector<LogEntry>> ReadFrom(uint64_t index,
                                         size_t max_entries = std::numeric_limits<size_t>::max()) const;

  // Deletes the segments whose entries all have indexes <= `up_to_index`
  // (the entries are in durable blocks). The newest segment is first closed
  // and a new one started when it is wholly covered. InvalidArgument when
  // `up_to_index` is past the last entry.
  Status Compact(uint64_t up_to_index);

  // Index of the oldest entry kept (== next_index() when the log is empty).
  uint64_t first_index() const;
  // Index the next appended entry gets; last entry = next_index() - 1.
  uint64_t next_index() const;
  size_t segment_count() const;
  const std::string& dir() const { return dir_; }
  // What Open cut off or found, one line each, for the node's log.
  const std::vector<std::string>& recovery_notes() const { return recovery_notes_; }

 private:
  struct Segment;
  struct ReadSpan;

  SoloLog(std::string dir, SoloLogOptions options, int lock_fd);
  Status Recover();
  Status StartSegment(uint64_t first_index);  // requires append_mutex_
  Status RemoveSegmentFile(const std::shared_ptr<Segment>& segment);
  Status SyncDir() const;

  const std::string dir_;
  const SoloLogOptions options_;
  const int lock_fd_;
  std::vector<std::string> recovery_notes_;

  // Serializes Append and Compact; taken before state_mutex_.
  std::mutex append_mutex_;
  bool failed_ = false;  // guarded by append_mutex_

  // Guards segments_ (the list and each segment's size and offsets) and
  // next_index_; held only briefly, never during I/O by readers.
  mutable std::mutex state_mutex_;
  std::vector<std::shared_ptr<Segment>> segments_;  // oldest first; never empty once open
  uint64_t next_index_ = 1;
};

}  // namespace loom::orderer
