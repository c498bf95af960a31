#include "core/ledger/block_store.h"

#include "core/crypto/hash.h"
#include "core/ledger/block_index.h"
#include "core/ledger/chain_recovery.h"
#include "core/ledger/indexed_block.h"
#include "core/ledger/segment_files.h"
#include "core/protocol/block.h"
#include "core/protocol/block_file.h"

namespace loom::ledger {

Result<std::unique_ptr<BlockStore>> BlockStore::Open(const std::string& dir) {
  return Open(dir, BlockStoreOptions());
}

Result<std::unique_ptr<BlockStore>> BlockStore::Open(const std::string& dir,
                                                     const BlockStoreOptions& options) {
  if (options.max_segment_bytes == 0) {
    return Status::InvalidArgument(dir + ": max_segment_bytes must be positive");
  }
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<SegmentFiles> segments, SegmentFiles::Open(dir + "/blocks"));
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<BlockIndex> index, BlockIndex::Open(dir + "/index"));
  LOOM_ASSIGN_OR_RETURN(RecoveredChain chain, RecoverChain(*segments, *index));

  uint32_t tail_segment = segments->count() - 1;  // recovery leaves at least one
  LOOM_ASSIGN_OR_RETURN(uint64_t tail_offset, segments->Size(tail_segment));

  std::unique_ptr<BlockStore> store(new BlockStore(dir, options, std::move(segments), std::move(index)));
  store->recovery_notes_ = std::move(chain.notes);
  store->tail_segment_ = tail_segment;
  store->tail_offset_ = tail_offset;
  store->height_ = chain.tip.height;
  store->last_header_hash_ = std::move(chain.tip.last_header_hash);
  return store;
}

BlockStore::BlockStore(std::string dir, BlockStoreOptions options, std::unique_ptr<SegmentFiles> segments,
                       std::unique_ptr<BlockIndex> index)
    : dir_(std::move(dir)), options_(options), segments_(std::move(segments)), index_(std::move(index)) {}

BlockStore::~BlockStore() {
  Close();
}

void BlockStore::Close() {
  {
    std::lock_guard lock(state_mutex_);
    closed_ = true;
  }
  block_added_.notify_all();
  std::unique_lock lifetime(lifetime_mutex_);  // waits for calls in flight
  index_.reset();
  segments_.reset();
}

Status BlockStore::CheckOpen() const {
  if (closed_) return Status::FailedPrecondition("block store " + dir_ + " is closed");
  return Status::Ok();
}

Status BlockStore::Fail(const Status& cause, std::string_view consequence) {
  std::lock_guard lock(state_mutex_);
  failure_ = Status::FailedPrecondition("block store " + dir_ + " stopped appending after an error (" +
                                        cause.ToString() + "; " + std::string(consequence) +
                                        "); reopen it to recover");
  return cause;
}

Status BlockStore::Append(const common::Block& block) {
  std::string bytes;
  if (!block.SerializeToString(&bytes)) {
    return Status::InvalidArgument(dir_ + ": Append: cannot marshal block " +
                                   std::to_string(block.header().number()));
  }
  return AppendBlock(block, bytes);
}

Status BlockStore::AppendBytes(std::string_view block_bytes) {
  auto block = protocol::ParseBlock(block_bytes);
  if (!block.ok()) return block.status().WithContext(dir_ + ": AppendBytes");
  return AppendBlock(*block, block_bytes);
}

Status BlockStore::AppendBlock(const common::Block& block, std::string_view bytes) {
  std::lock_guard append(append_mutex_);
  std::shared_lock lifetime(lifetime_mutex_);
  uint64_t height;
  std::string last_header_hash;
  {
    std::lock_guard lock(state_mutex_);
    LOOM_RETURN_IF_ERROR(CheckOpen());
    if (!failure_.ok()) return failure_;
    height = height_;
    last_header_hash = last_header_hash_;
  }
  LOOM_RETURN_IF_ERROR(
      CheckBlockExtendsChain(block, height, last_header_hash).WithContext(dir_ + ": Append"));

  std::string frame = protocol::EncodeFrame(bytes);
  if (tail_offset_ > 0 && tail_offset_ + frame.size() > options_.max_segment_bytes) {
    LOOM_ASSIGN_OR_RETURN(tail_segment_, segments_->AddSegment());
    tail_offset_ = 0;
  }
  Status written = segments_->Write(tail_segment_, tail_offset_, frame);
  if (!written.ok()) {
    Status undone = segments_->Truncate(tail_segment_, tail_offset_);
    if (!undone.ok()) return Fail(written, "and cutting the partial frame failed: " + undone.ToString());
    return written;
  }

  uint64_t record_offset = tail_offset_ + (frame.size() - bytes.size());
  IndexedBlock entry = DescribeBlock(block, BlockLocation{tail_segment_, record_offset, bytes.size()});
  BlockIndex::Batch batch;
  Checkpoint checkpoint{height + 1, tail_segment_, tail_offset_ + frame.size(), entry.header_hash};
  Status indexed = index_->Add(&batch, entry);
  if (indexed.ok()) indexed = index_->Commit(&batch, checkpoint);
  // The block is durable in its segment, so recovery will index it; until
  // then memory and index disagree, so stop appending.
  if (!indexed.ok())
    return Fail(indexed, "block " + std::to_string(height) + " is in its segment but not indexed");

  tail_offset_ += frame.size();
  {
    std::lock_guard lock(state_mutex_);
    height_ = height + 1;
    last_header_hash_ = std::move(entry.header_hash);
  }
  block_added_.notify_all();
  return Status::Ok();
}

uint64_t BlockStore::Height() const {
  std::lock_guard lock(state_mutex_);
  return height_;
}

std::string BlockStore::LastHeaderHash() const {
  std::lock_guard lock(state_mutex_);
  return last_header_hash_;
}

Status BlockStore::CheckReadable(uint64_t number) const {
  std::lock_guard lock(state_mutex_);
  LOOM_RETURN_IF_ERROR(CheckOpen());
  if (number >= height_) {
    return Status::NotFound(dir_ + ": no block " + std::to_string(number) + " (the chain has " +
                            std::to_string(height_) + " blocks)");
  }
  return Status::Ok();
}

Result<std::string> BlockStore::GetBlockBytes(uint64_t number) const {
  std::shared_lock lifetime(lifetime_mutex_);
  LOOM_RETURN_IF_ERROR(CheckReadable(number));
  auto location = index_->FindBlock(number);
  if (!location.ok()) {
    // Below the height every block is indexed: a miss is damage.
    if (location.status().IsNotFound()) {
      return Status::Corruption(index_->dir() + ": " + location.status().message());
    }
    return location.status();
  }
  return segments_->Read(location->segment, location->offset, location->length);
}

Result<common::Block> BlockStore::GetBlock(uint64_t number) const {
  LOOM_ASSIGN_OR_RETURN(std::string bytes, GetBlockBytes(number));
  auto block = protocol::ParseBlock(bytes);
  if (!block.ok()) {
    return Status::Corruption(dir_ + ": stored block " + std::to_string(number) + ": " +
                              block.status().message());
  }
  return block;
}

Result<uint64_t> BlockStore::GetBlockNumberByHash(std::string_view header_hash) const {
  std::shared_lock lifetime(lifetime_mutex_);
  uint64_t height;
  {
    std::lock_guard lock(state_mutex_);
    LOOM_RETURN_IF_ERROR(CheckOpen());
    height = height_;
  }
  auto number = index_->FindBlockNumber(header_hash);
  // An entry at or past the height belongs to an Append still in progress.
  if ((number.ok() && *number >= height) || number.status().IsNotFound()) {
    return Status::NotFound(dir_ + ": no block has header hash " + crypto::HexEncode(header_hash));
  }
  return number;
}

Result<TxLocation> BlockStore::GetTxLocation(std::string_view tx_id) const {
  std::shared_lock lifetime(lifetime_mutex_);
  uint64_t height;
  {
    std::lock_guard lock(state_mutex_);
    LOOM_RETURN_IF_ERROR(CheckOpen());
    height = height_;
  }
  auto location = index_->FindTx(tx_id);
  if ((location.ok() && location->block_number >= height) || location.status().IsNotFound()) {
    return Status::NotFound(dir_ + ": no transaction with tx id '" + std::string(tx_id) + "'");
  }
  return location;
}

bool BlockStore::WaitForBlock(uint64_t number, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(state_mutex_);
  block_added_.wait_until(lock, deadline, [&] { return closed_ || height_ > number; });
  return !closed_ && height_ > number;
}

}  // namespace loom::ledger
