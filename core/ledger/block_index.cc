#include "core/ledger/block_index.h"

#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <leveldb/write_batch.h>

#include "core/crypto/hash.h"
#include "core/ledger/leveldb_util.h"
#include "core/util/file_util.h"

namespace loom::ledger {
namespace {

constexpr char kBlockPrefix = 'n';
constexpr char kHashPrefix = 'h';
constexpr char kTxPrefix = 't';
const std::string kCheckpointKey = "c";
constexpr uint8_t kCheckpointVersion = 1;

void PutFixed(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t GetFixed(std::string_view in, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<uint8_t>(in[at + i]);
  return value;
}

std::string BlockKey(uint64_t number) {
  std::string key(1, kBlockPrefix);
  PutFixed(&key, number, 8);  // big-endian keeps blocks in order in LevelDB
  return key;
}

std::string HashKey(std::string_view header_hash) {
  return std::string(1, kHashPrefix).append(header_hash);
}
std::string TxKey(std::string_view tx_id) {
  return std::string(1, kTxPrefix).append(tx_id);
}

std::string EncodeLocation(const BlockLocation& location) {
  std::string value;
  PutFixed(&value, location.segment, 4);
  PutFixed(&value, location.offset, 8);
  PutFixed(&value, location.length, 8);
  return value;
}

std::string EncodeTxLocation(const TxLocation& location) {
  std::string value;
  PutFixed(&value, location.block_number, 8);
  PutFixed(&value, location.tx_index, 4);
  return value;
}

std::string EncodeCheckpoint(const Checkpoint& checkpoint) {
  std::string value(1, static_cast<char>(kCheckpointVersion));
  PutFixed(&value, checkpoint.height, 8);
  PutFixed(&value, checkpoint.segment, 4);
  PutFixed(&value, checkpoint.end_offset, 8);
  value.append(checkpoint.last_header_hash);
  return value;
}

}  // namespace

struct BlockIndex::Batch::Writes {
  leveldb::WriteBatch batch;
};

BlockIndex::Batch::Batch() : writes_(std::make_unique<Writes>()) {}
BlockIndex::Batch::~Batch() = default;

BlockIndex::BlockIndex(std::string dir, std::unique_ptr<const leveldb::FilterPolicy> filter,
                       std::unique_ptr<leveldb::DB> db)
    : dir_(std::move(dir)), filter_(std::move(filter)), db_(std::move(db)) {}

// The DB uses the filter policy, so it goes first.
BlockIndex::~BlockIndex() {
  db_.reset();
}

Result<std::unique_ptr<BlockIndex>> BlockIndex::Open(const std::string& dir) {
  LOOM_ASSIGN_OR_RETURN(BloomFilteredDb opened, OpenBloomFilteredDb(dir, "the block index"));
  return std::unique_ptr<BlockIndex>(new BlockIndex(dir, std::move(opened.filter), std::move(opened.db)));
}

Result<std::string> BlockIndex::Get(const std::string& key, std::string_view what) const {
  std::string value;
  leveldb::Status status = db_->Get(leveldb::ReadOptions(), key, &value);
  if (status.IsNotFound()) return Status::NotFound(std::string(what) + " is not in the index");
  LOOM_RETURN_IF_ERROR(FromLevelDb(status, dir_, "cannot read " + std::string(what)));
  return value;
}

Result<std::optional<Checkpoint>> BlockIndex::ReadCheckpoint() const {
  auto value = Get(kCheckpointKey, "the checkpoint");
  if (!value.ok()) {
    if (value.status().IsNotFound()) return std::optional<Checkpoint>();
    return value.status();
  }
  const std::string& bytes = *value;
  if (bytes.size() < 21 || static_cast<uint8_t>(bytes[0]) != kCheckpointVersion) {
    return Status::Corruption(dir_ + ": the index checkpoint is malformed (" + std::to_string(bytes.size()) +
                              " bytes, version " + std::to_string(bytes.empty() ? 0 : uint8_t(bytes[0])) +
                              ")");
  }
  Checkpoint checkpoint;
  checkpoint.height = GetFixed(bytes, 1, 8);
  checkpoint.segment = static_cast<uint32_t>(GetFixed(bytes, 9, 4));
  checkpoint.end_offset = GetFixed(bytes, 13, 8);
  checkpoint.last_header_hash = bytes.substr(21);
  return std::optional<Checkpoint>(std::move(checkpoint));
}

Result<BlockLocation> BlockIndex::FindBlock(uint64_t number) const {
  std::string what = "block " + std::to_string(number);
  LOOM_ASSIGN_OR_RETURN(std::string value, Get(BlockKey(number), what));
  if (value.size() != 20) return Status::Corruption(dir_ + ": the index entry of " + what + " is malformed");
  BlockLocation location;
  location.segment = static_cast<uint32_t>(GetFixed(value, 0, 4));
  location.offset = GetFixed(value, 4, 8);
  location.length = GetFixed(value, 12, 8);
  return location;
}

Result<uint64_t> BlockIndex::FindBlockNumber(std::string_view header_hash) const {
  std::string what = "header hash " + crypto::HexEncode(header_hash);
  LOOM_ASSIGN_OR_RETURN(std::string value, Get(HashKey(header_hash), what));
  if (value.size() != 8) return Status::Corruption(dir_ + ": the index entry of " + what + " is malformed");
  return GetFixed(value, 0, 8);
}

Result<TxLocation> BlockIndex::FindTx(std::string_view tx_id) const {
  std::string what = "tx id '" + std::string(tx_id) + "'";
  LOOM_ASSIGN_OR_RETURN(std::string value, Get(TxKey(tx_id), what));
  if (value.size() != 12) return Status::Corruption(dir_ + ": the index entry of " + what + " is malformed");
  return TxLocation{GetFixed(value, 0, 8), static_cast<uint32_t>(GetFixed(value, 8, 4))};
}

Status BlockIndex::Add(Batch* batch, const IndexedBlock& block) const {
  leveldb::WriteBatch& writes = batch->writes_->batch;
  writes.Put(BlockKey(block.number), EncodeLocation(block.location));
  std::string number;
  PutFixed(&number, block.number, 8);
  writes.Put(HashKey(block.header_hash), number);
  for (size_t i = 0; i < block.tx_ids.size(); ++i) {
    const std::string& tx_id = block.tx_ids[i];
    if (tx_id.empty() || batch->tx_ids_.count(tx_id) > 0) continue;
    auto existing = FindTx(tx_id);
    // First occurrence wins; an entry at or past this block could only be stale.
    if (existing.ok() && existing->block_number < block.number) continue;
    if (!existing.ok() && !existing.status().IsNotFound()) return existing.status();
    batch->tx_ids_.insert(tx_id);
    writes.Put(TxKey(tx_id), EncodeTxLocation({block.number, static_cast<uint32_t>(i)}));
  }
  ++batch->block_count_;
  return Status::Ok();
}

Status BlockIndex::Commit(Batch* batch, const Checkpoint& checkpoint) {
  leveldb::WriteBatch& writes = batch->writes_->batch;
  writes.Put(kCheckpointKey, EncodeCheckpoint(checkpoint));
  leveldb::WriteOptions options;
  options.sync = true;
  Status status = FromLevelDb(db_->Write(options, &writes), dir_, "cannot write the block index");
  writes.Clear();
  batch->tx_ids_.clear();
  batch->block_count_ = 0;
  return status;
}

Status BlockIndex::RollBackLastBlock(uint64_t number, std::string_view header_hash,
                                     const Checkpoint& previous) {
  leveldb::WriteBatch writes;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(std::string(1, kTxPrefix)); it->Valid() && it->key()[0] == kTxPrefix; it->Next()) {
    leveldb::Slice value = it->value();
    if (value.size() == 12 && GetFixed(std::string_view(value.data(), value.size()), 0, 8) >= number) {
      writes.Delete(it->key());
    }
  }
  LOOM_RETURN_IF_ERROR(FromLevelDb(it->status(), dir_, "cannot scan the tx ids"));
  writes.Delete(BlockKey(number));
  writes.Delete(HashKey(header_hash));
  writes.Put(kCheckpointKey, EncodeCheckpoint(previous));
  leveldb::WriteOptions options;
  options.sync = true;
  return FromLevelDb(db_->Write(options, &writes), dir_, "cannot roll back block " + std::to_string(number));
}

}  // namespace loom::ledger
