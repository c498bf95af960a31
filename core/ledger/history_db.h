// HistoryDb: every committed write of a key, for Fabric's GetHistoryForKey
// and the lab's key-history view.
//
// On-disk encoding (in the shared LedgerDb, see ledger_db.h):
//   key   = 'h' + u32be(len(ns)) + ns + u32be(len(key)) + key
//               + u64be(block_num) + u64be(tx_num)
//   value = one byte: 0 = write, 1 = delete
// Both length prefixes make (ns, key) prefix-free, so one key's entries are
// one contiguous run, ordered by (block, tx) = commit order.
//
// Values are not stored here. Like Fabric's history DB, the index points at
// (block, tx) and the value is read from that transaction's write set in the
// block store (KvLedger::GetHistoryForKey does this), because the block store
// already holds every value durably, the block also supplies the tx id and
// timestamp a history query returns, and the index stays small and cannot
// disagree with the chain.
//
// Thread safety: reads may run concurrently with each other and a commit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ledger/ledger_db.h"
#include "core/util/status.h"

namespace loom::ledger {

struct HistoryEntry {
  uint64_t block_num = 0;
  uint64_t tx_num = 0;
  bool is_delete = false;
  bool operator==(const HistoryEntry&) const = default;
};

enum class HistoryOrder { kOldestFirst, kNewestFirst };

class HistoryDb {
 public:
  // `db` must outlive the HistoryDb.
  explicit HistoryDb(const LedgerDb* db) : db_(db) {}

  // Adds the record of a write (or delete) of `key` by tx `tx_num` of block
  // `block_num` to `batch`.
  static void Add(LedgerDb::Batch* batch, std::string_view ns, std::string_view key, uint64_t block_num,
                  uint64_t tx_num, bool is_delete);

  // Every committed write of `key`, in the given order, read from one
  // snapshot. At most `limit` entries when `limit` > 0. Corruption when an
  // entry is malformed.
  Result<std::vector<HistoryEntry>> GetHistory(std::string_view ns, std::string_view key, HistoryOrder order,
                                               size_t limit = 0) const;

  static std::string EncodeKey(std::string_view ns, std::string_view key, uint64_t block_num,
                               uint64_t tx_num);

 private:
  const LedgerDb* db_;
};

}  // namespace loom::ledger
