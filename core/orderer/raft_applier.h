// RaftApplier: the chain side of a Raft channel — applies its committed
// entries to a ChainBuilder and handles snapshot restores (see
// raft_fsm.h). No threads: the channel's chain thread owns it; not
// thread-safe.
//
// Restore brings the block store to the snapshot's height by pulling the
// missing blocks from other orderers (each must carry the expected number
// and link to the store's last header by previous_hash before it is
// appended), checks that the last block records the snapshot's log index,
// re-creates the ChainBuilder from the store and applies the snapshot's
// pending entries — after that the chain is exactly where the snapshot
// says, and committed entries continue with Apply. A Restore that fails
// leaves the applier refusing Apply (FailedPrecondition) until a Restore
// succeeds: applying later entries to a chain that misses blocks would cut
// different blocks.
#pragma once

#include <memory>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/block_store.h"
#include "core/orderer/block_cutter.h"
#include "core/orderer/block_puller.h"
#include "core/orderer/chain_builder.h"
#include "core/orderer/log_entry.h"
#include "core/orderer/raft_fsm.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::orderer {

class RaftApplier {
 public:
  // `store` (holding at least the genesis block) and `signer` must outlive
  // the applier. Errors from ChainBuilder::Create.
  static Result<std::unique_ptr<RaftApplier>> Create(ledger::BlockStore* store,
                                                     const protocol::Signer* signer, BatchConfig batch);

  // ChainBuilder::Apply (entries <= last applied are skipped); the blocks
  // it cut, already in the store. FailedPrecondition after a failed Restore.
  Result<std::vector<common::Block>> Apply(const LogEntry& entry);

  // Brings the store to snapshot.height blocks (pulling blocks
  // store.Height()..snapshot.height-1 with `puller`), then re-creates the
  // ChainBuilder from the store and applies snapshot.pending. A store
  // already at or past the height pulls nothing (`puller` may then be
  // null). Errors: the puller's (Unavailable, Corruption, ...) naming the
  // block; Corruption when a pulled block has another number or its
  // previous_hash does not link to the store's last block, or when block
  // snapshot.height-1 does not record snapshot.last_block_log_index; the
  // store's errors when appending.
  Status Restore(const RaftSnapshotState& snapshot, BlockPuller* puller);

  const ChainBuilder& builder() const { return *builder_; }
  // Blocks pulled by Restore calls so far.
  uint64_t pulled_blocks() const { return pulled_blocks_; }

 private:
  RaftApplier(ledger::BlockStore* store, const protocol::Signer* signer, BatchConfig batch,
              std::unique_ptr<ChainBuilder> builder);
  Status PullMissingBlocks(uint64_t height, BlockPuller* puller);

  ledger::BlockStore* const store_;
  const protocol::Signer* const signer_;
  const BatchConfig batch_;
  std::unique_ptr<ChainBuilder> builder_;
  Status restore_failure_;  // not OK while the last Restore failed
  uint64_t pulled_blocks_ = 0;
};

}  // namespace loom::orderer
