// KvLedger: one channel's peer ledger — the block store plus the world state,
// the history index and the savepoint (after Fabric's kvledger).
//
// Layout under `dir`:
//   chain/     the BlockStore (block_store.h): every block, valid txs or not
//   statedb/   the LedgerDb (ledger_db.h) holding
//                state      's' ...   (state_db.h)
//                history    'h' ...   (history_db.h)
//                savepoint  'p' -> 0x01 (format) + u64be(last committed block number)
//                extras     'x' + key -> value   (KvLedgerOptions::block_extras)
//
// Commit(block, codes) stores the block with `codes` in its
// TRANSACTIONS_FILTER metadata (one protos.TxValidationCode byte per tx),
// appended and fsynced first; then the write sets of its VALID
// ENDORSER_TRANSACTIONs go to the state (version = (block, tx index)) and
// history, together with the new savepoint, in ONE synced LevelDB batch.
// Invalid transactions and non-endorser transactions (config blocks) change
// no state. So a crash anywhere leaves either the state of the block before
// (the savepoint is behind the block store and Open replays the blocks after
// it, with the codes stored in their metadata) or the state after.
//
// Thread safety: one committer; reads (state(), history(), block_store(),
// GetHistoryForKey, Height) may run concurrently with a commit. A reader sees
// a block in the block store slightly before its state is visible.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/block_store.h"
#include "core/ledger/history_db.h"
#include "core/ledger/ledger_db.h"
#include "core/ledger/state_db.h"
#include "core/util/status.h"

namespace loom::ledger {

class KvLedger;

struct KvLedgerOptions {
  BlockStoreOptions block_store;
  // Test hook, called after a block is appended and fsynced but before its
  // state batch is written. A non-OK status stops the commit there as a
  // crash would: Commit returns it, the block is stored, the state is not,
  // and every later Commit fails until the ledger is reopened (and replays).
  std::function<Status(uint64_t block_number)> before_state_commit;
  // Extra key/values a layer above keeps per block (the peer's state hash),
  // computed from the block and its codes and written in the block's state
  // batch, so they are exactly as durable as its state; called again for
  // every block Open replays. `ledger` reads the extras of earlier blocks
  // (GetExtra). Called before the block is appended: an error makes Commit
  // return it with nothing stored (Open: Corruption naming the block).
  std::function<Result<std::vector<std::pair<std::string, std::string>>>(
      const KvLedger& ledger, const common::Block& block, std::string_view codes)>
      block_extras;
};

// One entry of GetHistoryForKey, as Fabric's queryresult.KeyModification.
struct KeyModification {
  uint64_t block_num = 0;
  uint64_t tx_num = 0;
  std::string tx_id;
  std::string value;  // empty for a delete
  bool is_delete = false;
  int64_t timestamp_seconds = 0;  // the transaction's channel header timestamp
  int32_t timestamp_nanos = 0;
};

class KvLedger {
 public:
  // Opens or creates the ledger in `dir`, recovering the block store (see
  // block_store.h) and replaying blocks past the savepoint. Corruption when
  // the savepoint is malformed or ahead of the block store, or a block to
  // replay lacks valid TRANSACTIONS_FILTER codes or write sets.
  static Result<std::unique_ptr<KvLedger>> Open(const std::string& dir, const KvLedgerOptions& options = {});
  ~KvLedger();
  KvLedger(const KvLedger&) = delete;
  KvLedger& operator=(const KvLedger&) = delete;

  // Commits the next block (number == Height()) with one validation code per
  // transaction. InvalidArgument, with nothing stored, for a wrong number, a
  // code count that differs from the transaction count, or a VALID
  // transaction whose write set cannot be parsed; the block store's errors
  // (hash chain, data hash, I/O) pass through.
  Status Commit(const common::Block& block, const std::vector<uint8_t>& validation_codes);

  // Number of blocks whose state is committed (savepoint + 1; 0 when empty).
  // Published just after the state batch, so a state read may already see
  // block Height() (never a later one).
  uint64_t Height() const { return height_.load(std::memory_order_acquire); }

  const StateDb& state() const { return *state_; }
  const HistoryDb& history() const { return *history_; }
  const BlockStore& block_store() const { return *blocks_; }

  // Every committed write of `key` with its value, tx id and timestamp,
  // read from the blocks the history index points at.
  Result<std::vector<KeyModification>> GetHistoryForKey(std::string_view ns, std::string_view key,
                                                        HistoryOrder order, size_t limit = 0) const;

  // The value block_extras stored under `key`; nullopt when none.
  Result<std::optional<std::string>> GetExtra(std::string_view key) const;

  // What Open recovered or replayed, for the node's log.
  const std::vector<std::string>& recovery_notes() const { return recovery_notes_; }

  static constexpr std::string_view kSavepointKey = "p";
  static constexpr char kExtraPrefix = 'x';

 private:
  KvLedger(KvLedgerOptions options, std::unique_ptr<BlockStore> blocks, std::unique_ptr<LedgerDb> db);
  Status Recover();
  // Adds the state, history and savepoint writes of `block` to `batch`.
  // InvalidArgument when a VALID transaction's write set cannot be parsed.
  static Status AddBlockWrites(const common::Block& block, std::string_view codes, LedgerDb::Batch* batch);
  // Adds block_extras' entries for `block` to `batch` (when set).
  Status AddBlockExtras(const common::Block& block, std::string_view codes, LedgerDb::Batch* batch) const;

  const KvLedgerOptions options_;
  std::unique_ptr<BlockStore> blocks_;
  std::unique_ptr<LedgerDb> db_;
  std::unique_ptr<StateDb> state_;
  std::unique_ptr<HistoryDb> history_;
  std::vector<std::string> recovery_notes_;

  std::mutex commit_mutex_;  // one Commit at a time; guards failure_
  Status failure_;           // set when a commit stopped between block and state
  std::atomic<uint64_t> height_{0};
};

}  // namespace loom::ledger
