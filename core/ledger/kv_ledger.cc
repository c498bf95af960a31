#include "core/ledger/kv_ledger.h"

#include <optional>

#include "core/ledger/tx_write_set.h"
#include "core/protocol/block.h"
#include "peer/transaction.pb.h"

namespace loom::ledger {
namespace {

constexpr uint8_t kSavepointFormat = 1;

std::string EncodeSavepoint(uint64_t block_number) {
  std::string value(1, static_cast<char>(kSavepointFormat));
  AppendBigEndian64(&value, block_number);
  return value;
}

std::string BlockName(uint64_t number) {
  return "block " + std::to_string(number);
}

}  // namespace

KvLedger::KvLedger(KvLedgerOptions options, std::unique_ptr<BlockStore> blocks, std::unique_ptr<LedgerDb> db)
    : options_(std::move(options)),
      blocks_(std::move(blocks)),
      db_(std::move(db)),
      state_(std::make_unique<StateDb>(db_.get())),
      history_(std::make_unique<HistoryDb>(db_.get())) {}

KvLedger::~KvLedger() = default;

Result<std::unique_ptr<KvLedger>> KvLedger::Open(const std::string& dir, const KvLedgerOptions& options) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<BlockStore> blocks,
                        BlockStore::Open(dir + "/chain", options.block_store));
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerDb> db, LedgerDb::Open(dir + "/statedb"));
  std::unique_ptr<KvLedger> ledger(new KvLedger(options, std::move(blocks), std::move(db)));
  ledger->recovery_notes_ = ledger->blocks_->recovery_notes();
  LOOM_RETURN_IF_ERROR(ledger->Recover());
  return ledger;
}

Status KvLedger::Recover() {
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> savepoint, db_->Get(kSavepointKey));
  uint64_t committed = 0;  // blocks whose state is in the DB
  if (savepoint.has_value()) {
    if (savepoint->size() != 9 || static_cast<uint8_t>((*savepoint)[0]) != kSavepointFormat) {
      return Status::Corruption(
          db_->dir() + ": the savepoint (key 'p') is malformed: " + std::to_string(savepoint->size()) +
          " bytes, format " + std::to_string(savepoint->empty() ? 0 : static_cast<uint8_t>((*savepoint)[0])) +
          "; expected 9 bytes, format 1");
    }
    committed = ReadBigEndian64(*savepoint, 1) + 1;
  }
  const uint64_t stored = blocks_->Height();
  if (committed > stored) {
    return Status::Corruption(db_->dir() + ": the savepoint names block " + std::to_string(committed - 1) +
                              " but the block store holds only " + std::to_string(stored) + " blocks");
  }
  LedgerDb::Batch batch;
  for (uint64_t number = committed; number < stored; ++number) {
    LOOM_ASSIGN_OR_RETURN(common::Block block, blocks_->GetBlock(number));
    std::string codes = protocol::TransactionsFilter(block);
    if (codes.size() != static_cast<size_t>(block.data().data_size())) {
      return Status::Corruption(blocks_->dir() + ": " + BlockName(number) + " has " +
                                std::to_string(codes.size()) + " TRANSACTIONS_FILTER codes for " +
                                std::to_string(block.data().data_size()) + " transactions; cannot replay it");
    }
    Status status = AddBlockWrites(block, codes, &batch);
    if (status.ok()) status = AddBlockExtras(block, codes, &batch);
    if (!status.ok()) return Status::Corruption(blocks_->dir() + ": cannot replay " + status.message());
    LOOM_RETURN_IF_ERROR(db_->Write(&batch));
    recovery_notes_.push_back("replayed " + BlockName(number) + " into the state (savepoint was behind)");
  }
  height_.store(stored, std::memory_order_release);
  return Status::Ok();
}

Status KvLedger::AddBlockWrites(const common::Block& block, std::string_view codes, LedgerDb::Batch* batch) {
  const uint64_t number = block.header().number();
  for (int tx = 0; tx < block.data().data_size(); ++tx) {
    if (static_cast<uint8_t>(codes[tx]) != protos::VALID) continue;
    auto write_set = ExtractTxWriteSet(block.data().data(tx));
    if (!write_set.ok()) {
      return write_set.status().WithContext(BlockName(number) + " tx " + std::to_string(tx) + " (VALID)");
    }
    const Version version{number, static_cast<uint64_t>(tx)};
    for (const KeyWrite& write : write_set->writes) {
      if (write.is_delete) {
        StateDb::Delete(batch, write.ns, write.key);
      } else {
        StateDb::Put(batch, write.ns, write.key, write.value, version);
      }
      HistoryDb::Add(batch, write.ns, write.key, number, version.tx_num, write.is_delete);
    }
  }
  batch->Put(kSavepointKey, EncodeSavepoint(number));
  return Status::Ok();
}

Status KvLedger::AddBlockExtras(const common::Block& block, std::string_view codes,
                                LedgerDb::Batch* batch) const {
  if (!options_.block_extras) return Status::Ok();
  auto extras = options_.block_extras(*this, block, codes);
  if (!extras.ok()) return extras.status().WithContext(BlockName(block.header().number()) + " extras");
  for (const auto& [key, value] : *extras) batch->Put(std::string(1, kExtraPrefix) + key, value);
  return Status::Ok();
}

Result<std::optional<std::string>> KvLedger::GetExtra(std::string_view key) const {
  return db_->Get(std::string(1, kExtraPrefix) + std::string(key));
}

Status KvLedger::Commit(const common::Block& block, const std::vector<uint8_t>& validation_codes) {
  std::lock_guard<std::mutex> lock(commit_mutex_);
  if (!failure_.ok()) {
    return Status::FailedPrecondition("the ledger must be reopened after a failed commit: " +
                                      failure_.message());
  }
  const uint64_t number = block.header().number();
  if (number != Height()) {
    return Status::InvalidArgument("cannot commit " + BlockName(number) + ": the ledger's height is " +
                                   std::to_string(Height()));
  }
  if (validation_codes.size() != static_cast<size_t>(block.data().data_size())) {
    return Status::InvalidArgument("cannot commit " + BlockName(number) + ": " +
                                   std::to_string(validation_codes.size()) + " validation codes for " +
                                   std::to_string(block.data().data_size()) + " transactions");
  }
  const std::string codes(validation_codes.begin(), validation_codes.end());
  LedgerDb::Batch batch;
  LOOM_RETURN_IF_ERROR(AddBlockWrites(block, codes, &batch));
  LOOM_RETURN_IF_ERROR(AddBlockExtras(block, codes, &batch));

  common::Block stored = block;
  protocol::EnsureMetadataSlots(&stored);
  stored.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER, codes);
  LOOM_RETURN_IF_ERROR(blocks_->Append(stored));

  if (options_.before_state_commit) {
    Status hook = options_.before_state_commit(number);
    if (!hook.ok()) {
      failure_ = hook;
      return hook;
    }
  }
  Status written = db_->Write(&batch);
  if (!written.ok()) {
    failure_ = written;
    return written.WithContext(BlockName(number) + " is stored but its state is not (reopen to replay it)");
  }
  height_.store(number + 1, std::memory_order_release);
  return Status::Ok();
}

Result<std::vector<KeyModification>> KvLedger::GetHistoryForKey(std::string_view ns, std::string_view key,
                                                                HistoryOrder order, size_t limit) const {
  LOOM_ASSIGN_OR_RETURN(std::vector<HistoryEntry> entries, history_->GetHistory(ns, key, order, limit));
  std::vector<KeyModification> modifications;
  modifications.reserve(entries.size());
  std::optional<common::Block> block;  // consecutive entries often share a block
  for (const HistoryEntry& entry : entries) {
    if (!block.has_value() || block->header().number() != entry.block_num) {
      LOOM_ASSIGN_OR_RETURN(common::Block fetched, blocks_->GetBlock(entry.block_num));
      block = std::move(fetched);
    }
    const std::string where = BlockName(entry.block_num) + " tx " + std::to_string(entry.tx_num);
    if (entry.tx_num >= static_cast<uint64_t>(block->data().data_size())) {
      return Status::Corruption(db_->dir() + ": the history of '" + PrintableBytes(ns) + "/" +
                                PrintableBytes(key) + "' names " + where + ", which does not exist");
    }
    auto write_set = ExtractTxWriteSet(block->data().data(static_cast<int>(entry.tx_num)));
    if (!write_set.ok()) return Status::Corruption(where + ": " + write_set.status().message());
    const KeyWrite* last_write = nullptr;  // the write that stuck when a tx wrote the key twice
    for (const KeyWrite& write : write_set->writes) {
      if (write.ns == ns && write.key == key) last_write = &write;
    }
    if (last_write == nullptr) {
      return Status::Corruption(db_->dir() + ": the history of '" + PrintableBytes(ns) + "/" +
                                PrintableBytes(key) + "' names " + where + ", which does not write it");
    }
    modifications.push_back(KeyModification{entry.block_num, entry.tx_num, write_set->tx_id,
                                            last_write->value, last_write->is_delete,
                                            write_set->timestamp_seconds, write_set->timestamp_nanos});
  }
  return modifications;
}

}  // namespace loom::ledger
