// ChainBuilder: turns one channel's log entries into signed blocks,
// deterministically.
//
// Entries are applied in log order. Envelopes go through the BlockCutter;
// each batch it cuts becomes block N = next_block_number() with
// previous_hash = the store's last header hash, LAST_CONFIG metadata and
// SIGNATURES metadata (signed by `signer`) carrying OrdererBlockMetadata
// {last_config, consenter_metadata = EncodeConsenterMetadata(L)}, and is
// appended to the store before Apply returns it. A kTimeToCut entry cuts
// the pending batch only when its cut_block_number is next_block_number(); a
// stale one (its block was already cut by count or bytes) does nothing.
//
// L, the log index a block records, is the last index whose effect is wholly
// in the chain: right after L the builder holds blocks up to this one and
// nothing pending. A batch cut because the current entry arrives (bytes
// overflow, or the pending batch before an oversized envelope) records the
// current index - 1; a batch holding the current entry, or cut by its
// time-to-cut, records the current index. So Create() can resume from any
// block: last_applied_index() = L of the store's last block, entries up to
// it are skipped, and replaying the log after it rebuilds the same pending
// batch and the same next blocks (orderer signatures aside: ECDSA nonces are
// random).
//
// Entries are not re-validated (Broadcast did that before logging them);
// an entry of another channel is refused. After any error (the store or the
// signer failed) the builder refuses further entries: create a new one from
// the store and replay the log. Not thread-safe: owned by the chain's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/block_store.h"
#include "core/orderer/block_cutter.h"
#include "core/orderer/log_entry.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::orderer {

// The index of the deprecated LAST_CONFIG metadata slot (common.
// BlockMetadataIndex 1), spelled as a number because the enum value is
// marked deprecated; Fabric's block writer still fills the slot.
inline constexpr int kLastConfigMetadataSlot = 1;

class ChainBuilder {
 public:
  // `store` holds the chain so far (at least block 0, the genesis block,
  // whose first envelope names the channel); `store` and `signer` must
  // outlive the builder. FailedPrecondition for an empty store;
  // InvalidArgument / Corruption when the genesis block names no channel or
  // the last block's metadata does not parse.
  static Result<std::unique_ptr<ChainBuilder>> Create(ledger::BlockStore* store,
                                                      const protocol::Signer* signer, BatchConfig config);

  // Applies one log entry; returns the blocks it produced (already appended
  // to the store), oldest first. Entries with index <= last_applied_index()
  // are skipped (empty result). InvalidArgument for an entry of another
  // channel, without an index (never logged) or malformed.
  Result<std::vector<common::Block>> Apply(const LogEntry& entry);

  // Index of the last entry applied; on start, the one the store's last
  // block records.
  uint64_t last_applied_index() const { return last_applied_index_; }
  bool has_pending() const { return cutter_.has_pending(); }
  size_t pending_count() const { return cutter_.pending_count(); }
  uint64_t next_block_number() const { return next_block_number_; }
  const std::string& channel_id() const { return channel_id_; }
  uint64_t last_config_index() const { return last_config_index_; }
  // Why each block of the last Apply was cut, in the same order.
  const std::vector<CutReason>& last_cut_reasons() const { return last_cut_reasons_; }

 private:
  ChainBuilder(ledger::BlockStore* store, const protocol::Signer* signer, BatchConfig config);
  // Builds, signs and appends block next_block_number_ recording `log_index`.
  Result<common::Block> WriteBlock(Batch batch, uint64_t log_index);

  ledger::BlockStore* const store_;
  const protocol::Signer* const signer_;
  BlockCutter cutter_;
  std::string channel_id_;
  uint64_t next_block_number_ = 0;
  uint64_t last_applied_index_ = 0;
  uint64_t last_config_index_ = 0;
  std::vector<CutReason> last_cut_reasons_;
  Status failure_;  // not OK once an Apply failed part way
};

}  // namespace loom::orderer
