#include "core/validator/mvcc_validator.h"

#include <map>

#include "core/validator/combined_range.h"

namespace loom::validator {
namespace {

std::string VersionText(const std::optional<ledger::Version>& version) {
  if (!version) return "absent";
  return std::to_string(version->block_num) + ":" + std::to_string(version->tx_num);
}

std::string WriterText(const std::optional<TxRef>& writer) {
  if (!writer) return "";
  std::string text = writer->is_delete ? ", deleted by " : ", written by ";
  text += writer->in_this_block ? "earlier tx " : "tx ";
  if (!writer->tx_id.empty()) text += writer->tx_id + " ";
  return text + "(block " + std::to_string(writer->block_num) + ", tx " + std::to_string(writer->tx_num) +
         ")";
}

const char* ChangeText(RangeChange change) {
  switch (change) {
    case RangeChange::kAppeared: return "appeared";
    case RangeChange::kWent: return "went";
    case RangeChange::kVersionChanged: return "changed version";
  }
  return "changed";
}

// One block's pass: the updates of the VALID transactions so far and the
// lookups for explanations.
class BlockPass {
 public:
  BlockPass(const ledger::StateSnapshot& committed, const WriterIndex* writers, uint64_t block_num,
            const std::vector<BlockTransaction>& txs)
      : committed_(committed), writers_(writers), block_num_(block_num), txs_(txs) {}

  Result<TxMvccResult> CheckTx(const TxReadWriteSet& rwset) {
    TxMvccResult result;
    for (const NsReadWriteSet& ns : rwset.namespaces) {
      for (const KeyRead& read : ns.reads) {
        LOOM_ASSIGN_OR_RETURN(result.read_conflict, CheckRead(ns.ns, read));
        if (result.read_conflict) {
          result.code = protos::MVCC_READ_CONFLICT;
          return result;
        }
      }
      for (const RangeQuery& query : ns.range_queries) {
        if (query.merkle_summary) {
          result.code = protos::INVALID_OTHER_REASON;
          result.other_reason = "range query [" + query.start_key + ", " + query.end_key + ") of namespace " +
                                ns.ns +
                                " gives its results as a merkle summary; not supported (raw reads only)";
          return result;
        }
        LOOM_ASSIGN_OR_RETURN(result.phantom, CheckRange(ns.ns, query));
        if (result.phantom) {
          result.code = protos::PHANTOM_READ_CONFLICT;
          return result;
        }
      }
      if (!ns.collection_names.empty()) {
        result.code = protos::INVALID_OTHER_REASON;
        result.other_reason = "namespace " + ns.ns + " carries private data (collection " +
                              ns.collection_names.front() + "); not supported";
        return result;
      }
    }
    return result;
  }

  void ApplyWrites(uint64_t tx_num, const TxReadWriteSet& rwset) {
    const ledger::Version version{block_num_, tx_num};
    for (const NsReadWriteSet& ns : rwset.namespaces) {
      for (const KeyWrite& write : ns.writes) {
        if (write.is_delete) {
          updates_.Delete(ns.ns, write.key, version);
        } else {
          updates_.Put(ns.ns, write.key, write.value, version);
        }
      }
    }
  }

  UpdateBatch TakeUpdates() { return std::move(updates_); }

 private:
  Result<std::optional<ReadConflict>> CheckRead(const std::string& ns, const KeyRead& read) {
    std::optional<ledger::Version> found;
    if (const StateUpdate* update = updates_.Find(ns, read.key)) {
      // Written earlier in this block: no simulation can have read it.
      if (!update->is_delete) found = update->version;
    } else {
      LOOM_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> current, committed_.Get(ns, read.key));
      if (current) found = current->version;
      if (found == read.version) return std::optional<ReadConflict>();
    }
    LOOM_ASSIGN_OR_RETURN(std::optional<TxRef> writer, FindWriter(ns, read.key, found));
    return std::optional<ReadConflict>(ReadConflict{ns, read.key, read.version, found, std::move(writer)});
  }

  Result<std::optional<PhantomConflict>> CheckRange(const std::string& ns, const RangeQuery& query) {
    CombinedRange range(committed_, updates_, ns, query.start_key, query.end_key, !query.itr_exhausted);
    for (size_t i = 0;; ++i) {
      LOOM_ASSIGN_OR_RETURN(std::optional<RangeEntry> entry, range.Next());
      const KeyRead* read = i < query.raw_reads.size() ? &query.raw_reads[i] : nullptr;
      if (!entry && !read) return std::optional<PhantomConflict>();
      PhantomConflict conflict{ns, query.start_key, query.end_key, query.itr_exhausted, {}, {}, {}, {}, {}};
      if (read && (!entry || read->key < entry->key)) {
        conflict.key = read->key;
        conflict.change = RangeChange::kWent;
        conflict.version_read = read->version;
      } else if (entry && (!read || entry->key < read->key)) {
        conflict.key = entry->key;
        conflict.change = RangeChange::kAppeared;
        conflict.version_found = entry->version;
      } else if (read->version != entry->version) {
        conflict.key = read->key;
        conflict.change = RangeChange::kVersionChanged;
        conflict.version_read = read->version;
        conflict.version_found = entry->version;
      } else {
        continue;
      }
      LOOM_ASSIGN_OR_RETURN(conflict.writer, FindWriter(ns, conflict.key, conflict.version_found));
      return std::optional<PhantomConflict>(std::move(conflict));
    }
  }

  // Who wrote what ns/key holds now (`found`: its version, nullopt when
  // absent): an earlier tx of the block, the committed writer the version
  // names, or for a deleted key the last committed write the index knows.
  Result<std::optional<TxRef>> FindWriter(const std::string& ns, const std::string& key,
                                          const std::optional<ledger::Version>& found) {
    if (const StateUpdate* update = updates_.Find(ns, key)) {
      const uint64_t tx_num = update->version.tx_num;
      return std::optional<TxRef>(
          TxRef{block_num_, tx_num, txs_[tx_num].rwset.tx_id, true, update->is_delete});
    }
    if (found) {
      LOOM_ASSIGN_OR_RETURN(std::string tx_id, CommittedTxId(*found));
      return std::optional<TxRef>(TxRef{found->block_num, found->tx_num, std::move(tx_id), false, false});
    }
    if (writers_ == nullptr) return std::optional<TxRef>();
    return writers_->LastWriteBefore(ns, key, block_num_);
  }

  Result<std::string> CommittedTxId(const ledger::Version& version) {
    if (writers_ == nullptr) return std::string();
    auto cached = tx_ids_.find(version);
    if (cached != tx_ids_.end()) return cached->second;
    LOOM_ASSIGN_OR_RETURN(std::string tx_id, writers_->TxId(version.block_num, version.tx_num));
    tx_ids_.emplace(version, tx_id);
    return tx_id;
  }

  const ledger::StateSnapshot& committed_;
  const WriterIndex* writers_;
  const uint64_t block_num_;
  const std::vector<BlockTransaction>& txs_;
  UpdateBatch updates_;
  std::map<ledger::Version, std::string> tx_ids_;  // committed writers looked up in this block
};

}  // namespace

std::string TxMvccResult::Explain() const {
  if (read_conflict) {
    const ReadConflict& c = *read_conflict;
    return "MVCC_READ_CONFLICT: " + c.ns + "/" + c.key + " read at version " + VersionText(c.version_read) +
           ", found " + VersionText(c.version_found) + WriterText(c.writer);
  }
  if (phantom) {
    const PhantomConflict& c = *phantom;
    return "PHANTOM_READ_CONFLICT: range [" + c.start_key + (c.itr_exhausted ? ", " : ", up to ") +
           c.end_key + (c.itr_exhausted ? ")" : "]") + " of " + c.ns + ": key " + c.key + " " +
           ChangeText(c.change) + " (read " + VersionText(c.version_read) + ", found " +
           VersionText(c.version_found) + ")" + WriterText(c.writer);
  }
  if (!other_reason.empty()) return "INVALID_OTHER_REASON: " + other_reason;
  return "";
}

Result<MvccBlockResult> MvccValidator::ValidateBlock(uint64_t block_num,
                                                     const std::vector<BlockTransaction>& txs) const {
  BlockPass pass(committed_, writers_, block_num, txs);
  MvccBlockResult result;
  result.txs.reserve(txs.size());
  result.codes.reserve(txs.size());
  for (size_t tx_num = 0; tx_num < txs.size(); ++tx_num) {
    TxMvccResult tx_result;
    tx_result.code = txs[tx_num].code;
    if (tx_result.code == protos::VALID) {
      Result<TxMvccResult> checked = pass.CheckTx(txs[tx_num].rwset);
      if (!checked.ok()) {
        return checked.status().WithContext("MVCC check of block " + std::to_string(block_num) + " tx " +
                                            std::to_string(tx_num));
      }
      tx_result = std::move(checked).value();
      if (tx_result.code == protos::VALID) pass.ApplyWrites(tx_num, txs[tx_num].rwset);
    }
    result.codes.push_back(static_cast<uint8_t>(tx_result.code));
    result.txs.push_back(std::move(tx_result));
  }
  result.updates = pass.TakeUpdates();
  return result;
}

}  // namespace loom::validator
