#include "core/orderer/raft_applier.h"

#include <string>
#include <utility>

namespace loom::orderer {

RaftApplier::RaftApplier(ledger::BlockStore* store, const protocol::Signer* signer, BatchConfig batch,
                         std::unique_ptr<ChainBuilder> builder)
    : store_(store), signer_(signer), batch_(batch), builder_(std::move(builder)) {}

Result<std::unique_ptr<RaftApplier>> RaftApplier::Create(ledger::BlockStore* store,
                                                         const protocol::Signer* signer, BatchConfig batch) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<ChainBuilder> builder, ChainBuilder::Create(store, signer, batch));
  return std::unique_ptr<RaftApplier>(new RaftApplier(store, signer, batch, std::move(builder)));
}

Result<std::vector<common::Block>> RaftApplier::Apply(const LogEntry& entry) {
  if (!restore_failure_.ok()) {
    return Status::FailedPrecondition("chain " + builder_->channel_id() + ": a snapshot restore failed (" +
                                      restore_failure_.message() +
                                      "); restore again before applying entries");
  }
  return builder_->Apply(entry);
}

Status RaftApplier::PullMissingBlocks(uint64_t height, BlockPuller* puller) {
  for (uint64_t number = store_->Height(); number < height; number = store_->Height()) {
    const std::string where = "chain " + builder_->channel_id() + ", pulled block " + std::to_string(number);
    if (puller == nullptr) {
      return Status::FailedPrecondition(where + ": no block puller, and the store holds only " +
                                        std::to_string(number) + " of " + std::to_string(height) + " blocks");
    }
    auto block = puller->PullBlock(number);
    if (!block.ok()) return block.status().WithContext(where);
    if (block->header().number() != number) {
      return Status::Corruption(where + ": it carries number " + std::to_string(block->header().number()));
    }
    // Checked here, not left to the store, so that the error says what is
    // wrong: another orderer's chain does not continue ours.
    if (block->header().previous_hash() != store_->LastHeaderHash()) {
      return Status::Corruption(where + ": its previous_hash does not link to block " +
                                std::to_string(number - 1) + " of the local chain");
    }
    Status appended = store_->Append(*block);
    if (!appended.ok()) return appended.WithContext(where + ": appending");
    ++pulled_blocks_;
  }
  return Status::Ok();
}

Status RaftApplier::Restore(const RaftSnapshotState& snapshot, BlockPuller* puller) {
  restore_failure_ = [&]() -> Status {
    const std::string where = "chain " + builder_->channel_id() + ": restoring the snapshot at raft index " +
                              std::to_string(snapshot.applied_index);
    LOOM_RETURN_IF_ERROR(PullMissingBlocks(snapshot.height, puller));
    if (store_->Height() == snapshot.height && snapshot.height > 0) {
      LOOM_ASSIGN_OR_RETURN(common::Block last, store_->GetBlock(snapshot.height - 1));
      auto recorded = LastLogIndexOfBlock(last);
      if (!recorded.ok()) return recorded.status().WithContext(where);
      if (*recorded != snapshot.last_block_log_index) {
        return Status::Corruption(where + ": block " + std::to_string(snapshot.height - 1) +
                                  " records log index " + std::to_string(*recorded) + ", the snapshot says " +
                                  std::to_string(snapshot.last_block_log_index));
      }
    }
    auto builder = ChainBuilder::Create(store_, signer_, batch_);
    if (!builder.ok()) return builder.status().WithContext(where);
    builder_ = std::move(builder).value();
    for (const LogEntry& entry : snapshot.pending) {
      auto applied = builder_->Apply(entry);
      if (!applied.ok())
        return applied.status().WithContext(where + ", pending entry " + std::to_string(entry.index));
    }
    return Status::Ok();
  }();
  return restore_failure_;
}

}  // namespace loom::orderer
