// The trace store: every raw trace event a collector received, on disk in the
// workspace (Workspace::TraceDir()), so a run can be replayed without the
// network (the GUI's replay mode, loom-bench's reports, `loomctl trace`).
//
// Format — binary, not JSONL: loom.TraceEvent round-trips exactly (bytes
// fields, enums, the oneof detail) and it is ~3x smaller and much cheaper to
// write at thousands of events per second; the JSON/CSV exports
// (trace_export.h) are the human-readable form.
//   <dir>/segment-00000001.ltrace, segment-00000002.ltrace, ...
//   each file: "LOOMTRC1", then records: u32 length (LE), u32 CRC-32 of the
//   payload (LE), payload = a serialized loom.TraceEvent.
// Append-only; a writer always starts a new segment (an old one may end in a
// torn record). The store is size-bounded: when a segment reaches
// segment_bytes the writer starts the next, and deletes the oldest segments
// while the total exceeds max_total_bytes (the newest segment is never
// deleted).
//
// Crash tolerance: a record cut short at the end of a segment (the writer
// died mid-write, or is still writing) is skipped and reported as a torn
// tail; a record whose CRC or payload is bad is reported as corrupt (a bad
// CRC ends that segment: what follows cannot be trusted to be aligned).
//
// TraceStoreWriter is thread-safe. Events are buffered and written when the
// buffer is large, when flush_interval has passed since the last write, on
// Flush() and on destruction. One writer per folder at a time: Open takes an
// exclusive lock (flock on <dir>/writer.lock) and fails with
// FailedPrecondition while another writer holds it; readers need no lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "app/lab/tx_timeline.h"
#include "app/lab/tx_timeline_joiner.h"
#include "core/util/status.h"
#include "loom/observer.pb.h"

namespace loom::lab {

struct TraceStoreOptions {
  uint64_t max_total_bytes = 64ull << 20;
  uint64_t segment_bytes = 0;  // 0: max_total_bytes / 8, at least 64 KiB
  std::chrono::milliseconds flush_interval{200};
};

struct TraceStoreStats {
  uint64_t records_written = 0;
  uint64_t bytes_on_disk = 0;  // all segments, including buffered-but-unwritten bytes
  uint64_t segments = 0;
  uint64_t segments_deleted = 0;  // by the size bound
};

class TraceStoreWriter {
 public:
  // Creates `dir` if needed and starts a new segment after the existing ones.
  static Result<std::unique_ptr<TraceStoreWriter>> Open(const std::string& dir,
                                                        TraceStoreOptions options = {});
  ~TraceStoreWriter();  // Flush(); errors are dropped
  TraceStoreWriter(const TraceStoreWriter&) = delete;
  TraceStoreWriter& operator=(const TraceStoreWriter&) = delete;

  Status Append(const loom::TraceEvent& event);
  Status Flush();
  TraceStoreStats stats() const;
  const std::string& dir() const { return dir_; }

 private:
  TraceStoreWriter(std::string dir, TraceStoreOptions options);
  Status OpenNextSegment();  // requires mutex_
  Status WriteBuffer();      // requires mutex_
  Status EnforceBound();     // requires mutex_

  const std::string dir_;
  const TraceStoreOptions options_;
  mutable std::mutex mutex_;
  int lock_fd_ = -1;                                  // holds the folder's writer lock
  int fd_ = -1;                                       // guarded by mutex_
  uint64_t next_segment_ = 1;                         // guarded by mutex_
  std::vector<std::string> segments_;                 // guarded by mutex_; oldest first, the last is open
  std::vector<uint64_t> segment_sizes_;               // guarded by mutex_
  std::string buffer_;                                // guarded by mutex_
  std::chrono::steady_clock::time_point last_write_;  // guarded by mutex_
  TraceStoreStats stats_;                             // guarded by mutex_
};

struct StoreLoadReport {
  uint64_t segments = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::vector<std::string> torn_tails;  // "segment-00000003.ltrace: 17 bytes of a torn record at offset 4096"
  std::vector<std::string> corrupt;     // bad CRC / payload / header, with file and offset
};

// The segment files of a store, oldest first (full paths). Empty when `dir`
// does not exist.
std::vector<std::string> ListSegments(const std::string& dir);

// Reads one segment's bytes (`name` for the report): calls `on_event` for
// every readable record; torn and corrupt records go to `report` (may be
// null). Never fails: what cannot be read is reported.
void ReadTraceSegment(const std::string& name, std::string_view data,
                      const std::function<void(std::shared_ptr<const loom::TraceEvent>)>& on_event,
                      StoreLoadReport* report);

// Calls `on_event` for every readable record, oldest first. NotFound when
// `dir` does not exist; IoError when a segment cannot be read. Torn and
// corrupt records are skipped and reported in `report` (may be null).
Status ReadTraceStore(const std::string& dir,
                      const std::function<void(std::shared_ptr<const loom::TraceEvent>)>& on_event,
                      StoreLoadReport* report);

struct LoadedTrace {
  std::vector<TxTimeline> timelines;  // oldest first
  std::vector<std::shared_ptr<const loom::TraceEvent>> channel_events;
  StoreLoadReport report;
  uint64_t duplicates_dropped = 0;
};

// Rebuilds the timelines of a stored run, without the network.
Result<LoadedTrace> LoadTimelines(const std::string& dir, JoinerOptions options = {});

}  // namespace loom::lab
