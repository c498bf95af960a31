// The block store's LevelDB index.
//
// Keys (one-byte prefix, then the key):
//   'n' + 8-byte big-endian number  -> BlockLocation (segment, offset, length)
//   'h' + header hash               -> block number
//   't' + tx id                     -> TxLocation (first occurrence only)
//   'c'                             -> Checkpoint: the last indexed block
// A Batch of blocks and its checkpoint are written in one synced LevelDB
// write, so the index never holds part of a block and its checkpoint always
// names the last block it holds.
//
// Thread safety: lookups may run concurrently with each other and with one
// thread adding and committing batches.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/ledger/block_location.h"
#include "core/ledger/indexed_block.h"
#include "core/util/status.h"

namespace leveldb {
class DB;
class FilterPolicy;
}  // namespace leveldb

namespace loom::ledger {

// The index's high-water mark: it holds blocks 0..height-1, and the last
// one ends at `end_offset` of `segment`.
struct Checkpoint {
  uint64_t height = 0;
  uint32_t segment = 0;
  uint64_t end_offset = 0;
  std::string last_header_hash;
};

class BlockIndex {
 public:
  // Index entries for consecutive blocks, not yet written.
  class Batch {
   public:
    Batch();
    ~Batch();
    size_t block_count() const { return block_count_; }

   private:
    friend class BlockIndex;
    struct Writes;
    std::unique_ptr<Writes> writes_;
    std::unordered_set<std::string> tx_ids_;  // tx ids added by this batch
    size_t block_count_ = 0;
  };

  // Opens (creating when missing) the LevelDB in `dir`.
  static Result<std::unique_ptr<BlockIndex>> Open(const std::string& dir);
  ~BlockIndex();

  BlockIndex(const BlockIndex&) = delete;
  BlockIndex& operator=(const BlockIndex&) = delete;

  const std::string& dir() const { return dir_; }

  // nullopt for an index that holds no block yet.
  Result<std::optional<Checkpoint>> ReadCheckpoint() const;
  // NotFound when the index has no such entry.
  Result<BlockLocation> FindBlock(uint64_t number) const;
  Result<uint64_t> FindBlockNumber(std::string_view header_hash) const;
  Result<TxLocation> FindTx(std::string_view tx_id) const;

  // Adds a block's entries to `batch`. A tx id already in the index (for an
  // earlier block) or in the batch keeps its first location.
  Status Add(Batch* batch, const IndexedBlock& block) const;
  // Writes the batch and `checkpoint` atomically (synced) and empties it.
  Status Commit(Batch* batch, const Checkpoint& checkpoint);
  // Forgets the last block (number `number`, header hash `header_hash`):
  // its entries, every tx id entry pointing at it (found by a scan of all tx
  // ids, as its data may be unreadable) and sets the checkpoint to
  // `previous`, atomically.
  Status RollBackLastBlock(uint64_t number, std::string_view header_hash, const Checkpoint& previous);

 private:
  BlockIndex(std::string dir, std::unique_ptr<const leveldb::FilterPolicy> filter,
             std::unique_ptr<leveldb::DB> db);
  // The stored value; NotFound when absent.
  Result<std::string> Get(const std::string& key, std::string_view what) const;

  const std::string dir_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace loom::ledger
