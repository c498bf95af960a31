// LedgerDb: the peer ledger's LevelDB, shared by the state DB, the history
// index and the savepoint so that one synced write batch covers all three
// (a block's effects are all there or none are).
//
// Top-level key spaces, told apart by their first byte:
//   's'  state        (state_db.h)
//   'h'  history      (history_db.h)
//   'p'  savepoint    (kv_ledger.h)
//
// Thread safety: Get, NewSnapshot and NewCursor may run concurrently with each
// other and with Write. Snapshots and cursors must be destroyed before the
// LedgerDb; a cursor keeps its snapshot alive by itself.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace leveldb {
class DB;
class FilterPolicy;
class Iterator;
class Snapshot;
class WriteBatch;
}  // namespace leveldb

namespace loom::ledger {

class LedgerDb {
 public:
  // Writes not yet applied; LedgerDb::Write applies them atomically in order.
  class Batch {
   public:
    Batch();
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

    void Put(std::string_view key, std::string_view value);
    void Delete(std::string_view key);
    void Clear();

   private:
    friend class LedgerDb;
    std::unique_ptr<leveldb::WriteBatch> writes_;
  };

  // A read view frozen at its creation: later writes are invisible to it.
  class Snapshot {
   public:
    ~Snapshot();
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;

   private:
    friend class LedgerDb;
    Snapshot(leveldb::DB* db, const leveldb::Snapshot* snapshot) : db_(db), snapshot_(snapshot) {}
    leveldb::DB* db_;
    const leveldb::Snapshot* snapshot_;
  };

  // Ordered traversal over a snapshot (LevelDB's bytewise key order).
  class Cursor {
   public:
    ~Cursor();
    Cursor(Cursor&&) noexcept;
    Cursor& operator=(Cursor&&) noexcept;

    void Seek(std::string_view key);  // first key >= `key`
    void SeekToLast();
    bool Valid() const;
    void Next();
    void Prev();
    std::string_view key() const;    // requires Valid()
    std::string_view value() const;  // requires Valid()
    // Not OK when iteration stopped on an error rather than at the end.
    Status status() const;

   private:
    friend class LedgerDb;
    Cursor(std::shared_ptr<const Snapshot> snapshot, std::unique_ptr<leveldb::Iterator> it, std::string dir);
    std::shared_ptr<const Snapshot> snapshot_;
    std::unique_ptr<leveldb::Iterator> it_;
    std::string dir_;
  };

  // Opens (creating when missing) the LevelDB in `dir`.
  static Result<std::unique_ptr<LedgerDb>> Open(const std::string& dir);
  ~LedgerDb();
  LedgerDb(const LedgerDb&) = delete;
  LedgerDb& operator=(const LedgerDb&) = delete;

  const std::string& dir() const { return dir_; }

  // The value of `key` (as of `snapshot` when given); nullopt when absent.
  Result<std::optional<std::string>> Get(std::string_view key, const Snapshot* snapshot = nullptr) const;
  // Applies and empties `batch` in one synced LevelDB write.
  Status Write(Batch* batch);

  std::shared_ptr<const Snapshot> NewSnapshot() const;
  // A cursor over `snapshot`, or over a fresh one when null.
  Cursor NewCursor(std::shared_ptr<const Snapshot> snapshot = nullptr) const;

 private:
  LedgerDb(std::string dir, std::unique_ptr<const leveldb::FilterPolicy> filter,
           std::unique_ptr<leveldb::DB> db);

  const std::string dir_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;  // used by db_, so declared first
  std::unique_ptr<leveldb::DB> db_;
};

// `bytes` with anything outside printable ASCII as \xNN, for error messages
// about keys (which may hold any bytes).
std::string PrintableBytes(std::string_view bytes);

// Appends `value` as 8 big-endian bytes (keeps numbers in order as keys).
void AppendBigEndian64(std::string* out, uint64_t value);
void AppendBigEndian32(std::string* out, uint32_t value);
// Reads 8 / 4 big-endian bytes at `at`; the caller checks the size.
uint64_t ReadBigEndian64(std::string_view in, size_t at);
uint32_t ReadBigEndian32(std::string_view in, size_t at);

}  // namespace loom::ledger
