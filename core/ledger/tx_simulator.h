// TxSimulator: runs one proposal's state accesses against one consistent
// StateSnapshot and records them as Fabric's read-write set, the bytes an
// endorser puts in ChaincodeAction.results (after Fabric's lockbased
// txSimulator, queryHelper and rwsetutil.RWSetBuilder).
//
// Contracts (Fabric's semantics, release 2.x):
// - Every read sees the snapshot taken when the simulator was made, however
//   many blocks commit meanwhile.
// - GetState records a read of (ns, key) with its committed version, or with
//   no version when the key is absent. Read-your-writes is NOT supported, as
//   in Fabric ("Read-Write set semantics"): a read after the transaction's
//   own PutState / DelState returns the committed value and records the read.
// - PutState / DelState record writes; the last write of a key wins. A
//   delete is a write with is_delete. A PutState with an empty value is
//   recorded as a delete, as Fabric does (its KVWrite has IsDelete = value
//   == nil, and an empty bytes field arrives from the shim as nil).
// - GetStateByRange(ns, start, end) iterates the COMMITTED keys of the
//   snapshot in [start, end) (empty start = the namespace's first key, empty
//   end = to its end); the transaction's own writes are not merged in. Each
//   iterator yields one RangeQueryInfo{start_key, end_key, itr_exhausted,
//   raw_reads} as Fabric's resultsItr does: raw_reads are the (key, version)
//   of every entry the caller consumed with Next; while not exhausted,
//   end_key is the last key consumed ("" when none); once Next reported the
//   end, itr_exhausted is true and end_key is the query's end key. Reads
//   consumed twice are not deduplicated; no reads gives no reads_info.
// - GetStateByRangeWithPagination(ns, start, end, page_size, bookmark) runs
//   the same query from `bookmark` (when not empty) and ends after
//   page_size entries. Its RangeQueryInfo is recorded like any other (a
//   full page counts as exhausted, as Fabric's paginated LevelDB scanner
//   does). As in Fabric, paginated queries are only allowed in read-only
//   transactions: one after a write, or a write after one, is
//   FailedPrecondition. Bookmark() gives the key the next page starts at.
// - Range infos are added in the order the iterators were opened; a second
//   one with the same (start_key, end_key, itr_exhausted) in a namespace is
//   dropped, as Fabric's builder keeps the first.
// - GetHistoryForKey reads the ledger's history and records nothing
//   (Fabric: history queries are not validated, so not in the rwset). It
//   needs a simulator made with a ledger; it reads the latest committed
//   history, not the snapshot, as Fabric's history query executor does.
// - Finish() produces rwset.TxReadWriteSet{data_model KV} with one
//   NsReadWriteSet per namespace touched, in sorted namespace order, each a
//   marshalled kvrwset.KVRWSet with reads and writes sorted by key and range
//   infos in the order above. Namespaces appear even with only reads or range
//   queries. An empty simulation gives an empty KV TxReadWriteSet.
// - Keys of GetState / PutState / DelState / GetHistoryForKey must be
//   non-empty valid UTF-8, and non-empty range bounds and bookmarks valid
//   UTF-8 (Fabric's validateKey); else InvalidArgument naming the key.
// - After Finish, every call (and Next on any iterator) is
//   FailedPrecondition; so is a second Finish.
//
// Not implemented here: private data (collection hashed rwsets), key
// metadata writes, rich queries, and Fabric's merkle summary of range reads
// (Fabric hashes a range's reads once more than 50 are consumed; Loom always
// records raw reads, which Fabric's validator also accepts).
//
// Thread safety: one simulation is driven by one thread at a time; many
// simulators may run beside each other and beside commits. The ledger (its
// LedgerDb) must outlive the simulator; iterators live as long as it does.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ledger/kv_ledger.h"
#include "core/ledger/state_db.h"
#include "core/util/status.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"

namespace loom::ledger {

class TxSimulator;

// One key and value of a range query result (Fabric's queryresult.KV).
struct RangeResult {
  std::string key;
  std::string value;
};

// A range query's results, owned by its TxSimulator (valid while it lives).
class RangeQueryIterator {
 public:
  // The next committed entry; nullopt at the end of the range (or of the
  // page), which marks the range info exhausted. FailedPrecondition after
  // Close or the simulator's Finish; Corruption / IoError from the state.
  Result<std::optional<RangeResult>> Next();
  // Stops the query; the range info keeps what was consumed. Idempotent.
  void Close() { closed_ = true; }
  // For paginated queries (Fabric's GetBookmarkAndClose): the key after the
  // last one consumed, in range, or "" when there is none; then closes.
  Result<std::string> Bookmark();
  // Entries returned by Next so far (the page's fetched records count).
  int32_t fetched_count() const { return fetched_count_; }

 private:
  friend class TxSimulator;
  RangeQueryIterator(const TxSimulator* owner, std::string ns, std::string start_key, std::string end_key,
                     int32_t page_size, StateRangeIterator state_iterator);

  const TxSimulator* owner_;
  std::string ns_;
  std::string end_key_;  // the query's end key
  int32_t page_size_;    // 0 = not paginated
  StateRangeIterator state_iterator_;
  kvrwset::RangeQueryInfo info_;  // start_key set at creation
  std::vector<kvrwset::KVRead> reads_;
  int32_t fetched_count_ = 0;
  bool closed_ = false;
};

class TxSimulator {
 public:
  // Simulates against `snapshot`; `tx_id` only names the transaction in
  // errors. With `ledger`, GetHistoryForKey reads its history.
  TxSimulator(std::string tx_id, StateSnapshot snapshot, const KvLedger* ledger = nullptr);
  // Simulates against a snapshot of `ledger`'s state taken now.
  static std::unique_ptr<TxSimulator> Start(std::string tx_id, const KvLedger& ledger);
  TxSimulator(const TxSimulator&) = delete;
  TxSimulator& operator=(const TxSimulator&) = delete;

  // The committed value of `key` (nullopt when absent); records the read.
  Result<std::optional<std::string>> GetState(std::string_view ns, std::string_view key);
  Status PutState(std::string_view ns, std::string_view key, std::string_view value);
  Status DelState(std::string_view ns, std::string_view key);

  Result<RangeQueryIterator*> GetStateByRange(std::string_view ns, std::string_view start_key,
                                              std::string_view end_key);
  // page_size must be > 0.
  Result<RangeQueryIterator*> GetStateByRangeWithPagination(std::string_view ns, std::string_view start_key,
                                                            std::string_view end_key, int32_t page_size,
                                                            std::string_view bookmark);

  // Not recorded. FailedPrecondition without a ledger.
  Result<std::vector<KeyModification>> GetHistoryForKey(std::string_view ns, std::string_view key);

  // The marshalled rwset.TxReadWriteSet; ends the simulation.
  Result<std::string> Finish();
  bool finished() const { return finished_; }
  const std::string& tx_id() const { return tx_id_; }

 private:
  friend class RangeQueryIterator;
  struct WriteRecord {
    std::string value;
    bool is_delete = false;
  };
  // Per namespace, maps keep reads and writes sorted by key as Fabric's
  // builder sorts them; range infos stay in opening order.
  struct NamespaceRecord {
    std::map<std::string, std::optional<Version>, std::less<>> reads;
    std::map<std::string, WriteRecord, std::less<>> writes;
  };

  Status CheckNotFinished(std::string_view operation) const;
  Status CheckKey(std::string_view operation, std::string_view key) const;
  Status CheckRangeBound(std::string_view operation, std::string_view what, std::string_view key) const;
  Status CheckWriteAllowed(std::string_view operation, std::string_view key);
  Result<RangeQueryIterator*> OpenRange(std::string_view operation, std::string_view ns,
                                        std::string_view start_key, std::string_view end_key,
                                        int32_t page_size);
  std::string Context(std::string_view operation) const;

  const std::string tx_id_;
  const StateSnapshot snapshot_;
  const KvLedger* ledger_;
  std::map<std::string, NamespaceRecord, std::less<>> namespaces_;
  std::vector<std::unique_ptr<RangeQueryIterator>> iterators_;  // in opening order
  bool write_performed_ = false;
  bool paginated_query_performed_ = false;
  bool finished_ = false;
};

// Fabric's key rule for the state: non-empty, valid UTF-8. InvalidArgument
// naming `key` (printable) otherwise.
Status ValidateStateKey(std::string_view key);

}  // namespace loom::ledger
