// BlockStore: the append-only chain of blocks that orderer and peer keep
// (after Fabric's blkstorage, simplified).
//
// Layout under `dir`:
//   blocks/blockfile_000000, blockfile_000001, ...  segments of frames
//       (varint length + marshalled common.Block, protocol::EncodeFrame);
//       a new segment starts when a block would overflow max_segment_bytes.
//   index/   LevelDB: number -> location, header hash -> number,
//            tx id -> (number, tx index), and a checkpoint (last indexed block).
//
// Durability: Append writes the frame and fdatasyncs the segment, then writes
// the block's index entries and the checkpoint in one synced LevelDB batch.
// A crash between the two leaves a block the index does not know; Open
// finds and indexes it. A crash inside the frame write leaves a torn tail;
// Open cuts it off (see chain_recovery.h) and says so in recovery_notes().
//
// Thread safety: one writer (Append) and any number of concurrent readers;
// readers never block on an Append's fsync except for the instant the new
// height is published. Close() may be called from any thread: it wakes every
// WaitForBlock, waits for in-flight calls, and releases files; calls after it
// fail with FailedPrecondition. Destroy the store only once no other thread
// can call it any more (the destructor calls Close()).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/block_location.h"
#include "core/util/status.h"

namespace loom::ledger {

class BlockIndex;
class SegmentFiles;

struct BlockStoreOptions {
  // A block that would make the current segment larger starts a new one; a
  // single bigger block goes alone in its segment.
  uint64_t max_segment_bytes = uint64_t{64} << 20;
};

class BlockStore {
 public:
  // Opens or creates the store in `dir`, recovering after a crash. Errors:
  // Corruption when the index is ahead of the block files or damage is not
  // confined to the tail; IoError from the file system.
  static Result<std::unique_ptr<BlockStore>> Open(const std::string& dir);
  static Result<std::unique_ptr<BlockStore>> Open(const std::string& dir, const BlockStoreOptions& options);
  ~BlockStore();

  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;

  // Appends the next block, durably. InvalidArgument (nothing written) when
  // its number is not Height(), its previous_hash is not LastHeaderHash() or
  // its data_hash does not match its data. On an I/O error the partial frame
  // is truncated away; if even that fails, or the index write fails, every
  // later Append fails until the store is reopened (which recovers).
  Status Append(const common::Block& block);
  // The same for a marshalled block, whose bytes are stored exactly as
  // given (a block as received, kept byte for byte). InvalidArgument too
  // when the bytes are not a common.Block.
  Status AppendBytes(std::string_view block_bytes);

  uint64_t Height() const;  // number of blocks
  // NotFound past the end; Corruption if the stored bytes are damaged.
  Result<common::Block> GetBlock(uint64_t number) const;
  // The bytes exactly as stored, for Deliver without re-encoding.
  Result<std::string> GetBlockBytes(uint64_t number) const;
  Result<uint64_t> GetBlockNumberByHash(std::string_view header_hash) const;
  // The first block and position that carried `tx_id` in a channel header.
  Result<TxLocation> GetTxLocation(std::string_view tx_id) const;
  std::string LastHeaderHash() const;  // "" when empty

  // Waits until Height() > number (true), the deadline passes (false) or
  // Close() is called (false).
  bool WaitForBlock(uint64_t number, std::chrono::steady_clock::time_point deadline) const;
  void Close();

  // What recovery re-indexed or cut off at Open, for the node's log.
  const std::vector<std::string>& recovery_notes() const { return recovery_notes_; }
  const std::string& dir() const { return dir_; }

 private:
  BlockStore(std::string dir, BlockStoreOptions options, std::unique_ptr<SegmentFiles> segments,
             std::unique_ptr<BlockIndex> index);
  // Append of `block`, whose marshalled form is `bytes`.
  Status AppendBlock(const common::Block& block, std::string_view bytes);
  // OK when the store is open and `number` is below the height.
  Status CheckReadable(uint64_t number) const;
  Status CheckOpen() const;  // requires state_mutex_
  // Records that the store can no longer append safely.
  Status Fail(const Status& cause, std::string_view consequence);

  const std::string dir_;
  const BlockStoreOptions options_;
  std::vector<std::string> recovery_notes_;  // set once by Open

  // Shared by every call that touches the files or the index; Close() holds
  // it exclusively while releasing them.
  mutable std::shared_mutex lifetime_mutex_;
  std::unique_ptr<SegmentFiles> segments_;
  std::unique_ptr<BlockIndex> index_;

  // Serializes appends; guards the write position.
  std::mutex append_mutex_;
  uint32_t tail_segment_ = 0;
  uint64_t tail_offset_ = 0;

  // Guards the published chain state below; block_added_ signals changes.
  mutable std::mutex state_mutex_;
  mutable std::condition_variable block_added_;
  uint64_t height_ = 0;
  std::string last_header_hash_;
  bool closed_ = false;
  Status failure_;  // not OK once an append left the store inconsistent
};

}  // namespace loom::ledger
