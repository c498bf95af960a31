// LevelDB glue shared by the block index and the peer's ledger database.
#pragma once

#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/status.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::ledger {

// OK, or the LevelDB error as NotFound / Corruption / IoError / Internal with
// the message "<dir>: <what>: <leveldb's message>".
Status FromLevelDb(const leveldb::Status& status, const std::string& dir, std::string_view what);

// A LevelDB opened with a 10-bit-per-key bloom filter: both users mostly look
// up keys that are not there (new tx ids, keys being created), which the
// filter answers without reading a block. The DB uses the filter: destroy
// `db` first.
struct BloomFilteredDb {
  std::unique_ptr<const leveldb::FilterPolicy> filter;
  std::unique_ptr<leveldb::DB> db;
};

// Opens the LevelDB in `dir`, creating the folder and the database when
// missing; `what` names it in errors ("the block index").
Result<BloomFilteredDb> OpenBloomFilteredDb(const std::string& dir, std::string_view what);

}  // namespace loom::ledger
