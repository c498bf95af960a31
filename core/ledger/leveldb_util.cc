#include "core/ledger/leveldb_util.h"

#include "core/util/file_util.h"

namespace loom::ledger {

Status FromLevelDb(const leveldb::Status& status, const std::string& dir, std::string_view what) {
  if (status.ok()) return Status::Ok();
  std::string message = dir + ": " + std::string(what) + ": " + status.ToString();
  if (status.IsNotFound()) return Status::NotFound(message);
  if (status.IsCorruption()) return Status::Corruption(message);
  if (status.IsIOError()) return Status::IoError(message);
  return Status::Internal(message);
}

Result<BloomFilteredDb> OpenBloomFilteredDb(const std::string& dir, std::string_view what) {
  LOOM_RETURN_IF_ERROR(MakeDirectories(dir));
  BloomFilteredDb opened;
  opened.filter.reset(leveldb::NewBloomFilterPolicy(10));
  leveldb::Options options;
  options.create_if_missing = true;
  options.filter_policy = opened.filter.get();
  leveldb::DB* db = nullptr;
  LOOM_RETURN_IF_ERROR(
      FromLevelDb(leveldb::DB::Open(options, dir, &db), dir, "cannot open " + std::string(what)));
  opened.db.reset(db);
  return opened;
}

}  // namespace loom::ledger
