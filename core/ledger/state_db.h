// StateDb: the world state, namespace/key -> (value, version), with Fabric's
// semantics. A version is the (block number, transaction number) of the
// transaction that last wrote the key; a delete removes the key, so a
// deleted key reads as absent (no version), like a key never written.
//
// On-disk encoding (in the shared LedgerDb, see ledger_db.h):
//   key   = 's' + u32be(len(namespace)) + namespace + key
//   value = 0x01 (format) + u64be(block_num) + u64be(tx_num) + value bytes
// The length prefix makes the namespace part prefix-free: every key of a
// namespace starts with the same 5+len(ns) bytes and no key of another
// namespace starts with them, whatever bytes (NUL, 0xff) namespaces and keys
// hold. So a namespace's keys form one contiguous run in LevelDB's order and
// within it keys sort bytewise, which is the order range queries return.
//
// Reads: Get / GetRange on the StateDb see the latest committed state; a
// StateSnapshot sees the state as of its creation however many commits follow
// (the endorser simulates a proposal against one). Writes go into a
// LedgerDb::Batch (Put / Delete) that the ledger commits atomically.
//
// Thread safety: all reads may run concurrently with each other and with a
// commit. Snapshots and iterators must not outlive the LedgerDb.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/ledger/ledger_db.h"
#include "core/util/status.h"

namespace loom::ledger {

// Fabric's version.Height.
struct Version {
  uint64_t block_num = 0;
  uint64_t tx_num = 0;
  auto operator<=>(const Version&) const = default;
};

struct VersionedValue {
  std::string value;
  Version version;
};

struct StateEntry {
  std::string key;  // without the namespace
  std::string value;
  Version version;
};

// The keys of one namespace in [start_key, end_key), in key order.
class StateRangeIterator {
 public:
  // The next entry; nullopt after the last. Corruption when a stored value
  // is malformed, IoError when LevelDB fails.
  Result<std::optional<StateEntry>> Next();

 private:
  friend class StateSnapshot;
  StateRangeIterator(LedgerDb::Cursor cursor, std::string ns, std::string prefix, std::string start_key,
                     std::string end_key);

  LedgerDb::Cursor cursor_;
  std::string ns_;
  std::string prefix_;     // the namespace's encoded prefix
  std::string start_key_;  // encoded
  std::string end_key_;    // encoded; empty = to the end of the namespace
  bool started_ = false;
  bool done_ = false;
};

// A consistent read view of the state at one moment.
class StateSnapshot {
 public:
  // The value and version of `key`; nullopt when absent or deleted.
  Result<std::optional<VersionedValue>> Get(std::string_view ns, std::string_view key) const;
  // Keys of `ns` from `start_key` (inclusive) to `end_key` (exclusive;
  // empty = to the end of the namespace). An empty `start_key` starts at the
  // namespace's first key.
  StateRangeIterator GetRange(std::string_view ns, std::string_view start_key,
                              std::string_view end_key) const;

 private:
  friend class StateDb;
  StateSnapshot(const LedgerDb* db, std::shared_ptr<const LedgerDb::Snapshot> snapshot)
      : db_(db), snapshot_(std::move(snapshot)) {}
  const LedgerDb* db_;
  std::shared_ptr<const LedgerDb::Snapshot> snapshot_;
};

class StateDb {
 public:
  // `db` must outlive the StateDb.
  explicit StateDb(const LedgerDb* db) : db_(db) {}

  // The latest committed state (each call is its own consistent read).
  Result<std::optional<VersionedValue>> Get(std::string_view ns, std::string_view key) const;
  StateRangeIterator GetRange(std::string_view ns, std::string_view start_key,
                              std::string_view end_key) const;
  StateSnapshot NewSnapshot() const;

  // Add a write of `key` (value and version) or its deletion to `batch`.
  static void Put(LedgerDb::Batch* batch, std::string_view ns, std::string_view key, std::string_view value,
                  const Version& version);
  static void Delete(LedgerDb::Batch* batch, std::string_view ns, std::string_view key);

  // The encodings above, exposed for tests and tools.
  static std::string EncodeKey(std::string_view ns, std::string_view key);
  static std::string EncodeValue(std::string_view value, const Version& version);
  // Corruption naming `where` when the bytes are not an encoded value.
  static Result<VersionedValue> DecodeValue(std::string_view bytes, std::string_view where);

 private:
  const LedgerDb* db_;
};

}  // namespace loom::ledger
