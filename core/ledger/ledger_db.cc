#include "core/ledger/ledger_db.h"

#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <leveldb/write_batch.h>

#include "core/ledger/leveldb_util.h"
#include "core/util/file_util.h"

namespace loom::ledger {
namespace {

leveldb::Slice ToSlice(std::string_view bytes) {
  return leveldb::Slice(bytes.data(), bytes.size());
}

}  // namespace

std::string PrintableBytes(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out;
}

void AppendBigEndian64(std::string* out, uint64_t value) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void AppendBigEndian32(std::string* out, uint32_t value) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t ReadBigEndian64(std::string_view in, size_t at) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(in[at + i]);
  return value;
}

uint32_t ReadBigEndian32(std::string_view in, size_t at) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(in[at + i]);
  return value;
}

LedgerDb::Batch::Batch() : writes_(std::make_unique<leveldb::WriteBatch>()) {}
LedgerDb::Batch::~Batch() = default;
void LedgerDb::Batch::Put(std::string_view key, std::string_view value) {
  writes_->Put(ToSlice(key), ToSlice(value));
}
void LedgerDb::Batch::Delete(std::string_view key) {
  writes_->Delete(ToSlice(key));
}
void LedgerDb::Batch::Clear() {
  writes_->Clear();
}

LedgerDb::Snapshot::~Snapshot() {
  db_->ReleaseSnapshot(snapshot_);
}

LedgerDb::Cursor::Cursor(std::shared_ptr<const Snapshot> snapshot, std::unique_ptr<leveldb::Iterator> it,
                         std::string dir)
    : snapshot_(std::move(snapshot)), it_(std::move(it)), dir_(std::move(dir)) {}
// The iterator reads through the snapshot, so it goes first.
LedgerDb::Cursor::~Cursor() {
  it_.reset();
}
LedgerDb::Cursor::Cursor(Cursor&&) noexcept = default;
LedgerDb::Cursor& LedgerDb::Cursor::operator=(Cursor&& other) noexcept {
  it_.reset();
  snapshot_ = std::move(other.snapshot_);
  it_ = std::move(other.it_);
  dir_ = std::move(other.dir_);
  return *this;
}
void LedgerDb::Cursor::Seek(std::string_view key) {
  it_->Seek(ToSlice(key));
}
void LedgerDb::Cursor::SeekToLast() {
  it_->SeekToLast();
}
bool LedgerDb::Cursor::Valid() const {
  return it_->Valid();
}
void LedgerDb::Cursor::Next() {
  it_->Next();
}
void LedgerDb::Cursor::Prev() {
  it_->Prev();
}
std::string_view LedgerDb::Cursor::key() const {
  leveldb::Slice key = it_->key();
  return std::string_view(key.data(), key.size());
}
std::string_view LedgerDb::Cursor::value() const {
  leveldb::Slice value = it_->value();
  return std::string_view(value.data(), value.size());
}
Status LedgerDb::Cursor::status() const {
  return FromLevelDb(it_->status(), dir_, "cannot iterate the ledger database");
}

LedgerDb::LedgerDb(std::string dir, std::unique_ptr<const leveldb::FilterPolicy> filter,
                   std::unique_ptr<leveldb::DB> db)
    : dir_(std::move(dir)), filter_(std::move(filter)), db_(std::move(db)) {}
// The DB uses the filter policy, so it goes first.
LedgerDb::~LedgerDb() {
  db_.reset();
}

Result<std::unique_ptr<LedgerDb>> LedgerDb::Open(const std::string& dir) {
  LOOM_ASSIGN_OR_RETURN(BloomFilteredDb opened, OpenBloomFilteredDb(dir, "the ledger database"));
  return std::unique_ptr<LedgerDb>(new LedgerDb(dir, std::move(opened.filter), std::move(opened.db)));
}

Result<std::optional<std::string>> LedgerDb::Get(std::string_view key, const Snapshot* snapshot) const {
  leveldb::ReadOptions options;
  if (snapshot != nullptr) options.snapshot = snapshot->snapshot_;
  std::string value;
  leveldb::Status status = db_->Get(options, ToSlice(key), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  LOOM_RETURN_IF_ERROR(FromLevelDb(status, dir_, "cannot read the ledger database"));
  return std::optional<std::string>(std::move(value));
}

Status LedgerDb::Write(Batch* batch) {
  leveldb::WriteOptions options;
  options.sync = true;
  Status status =
      FromLevelDb(db_->Write(options, batch->writes_.get()), dir_, "cannot write the ledger database");
  batch->Clear();
  return status;
}

std::shared_ptr<const LedgerDb::Snapshot> LedgerDb::NewSnapshot() const {
  return std::shared_ptr<const Snapshot>(new Snapshot(db_.get(), db_->GetSnapshot()));
}

LedgerDb::Cursor LedgerDb::NewCursor(std::shared_ptr<const Snapshot> snapshot) const {
  if (snapshot == nullptr) snapshot = NewSnapshot();
  leveldb::ReadOptions options;
  options.snapshot = snapshot->snapshot_;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(options));
  return Cursor(std::move(snapshot), std::move(it), dir_);
}

}  // namespace loom::ledger
