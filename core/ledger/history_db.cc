#include "core/ledger/history_db.h"

namespace loom::ledger {
namespace {

constexpr char kHistoryPrefix = 'h';
constexpr size_t kPositionSize = 16;  // u64be block + u64be tx

std::string KeyPrefix(std::string_view ns, std::string_view key) {
  std::string prefix(1, kHistoryPrefix);
  AppendBigEndian32(&prefix, static_cast<uint32_t>(ns.size()));
  prefix.append(ns);
  AppendBigEndian32(&prefix, static_cast<uint32_t>(key.size()));
  prefix.append(key);
  return prefix;
}

}  // namespace

std::string HistoryDb::EncodeKey(std::string_view ns, std::string_view key, uint64_t block_num,
                                 uint64_t tx_num) {
  std::string encoded = KeyPrefix(ns, key);
  AppendBigEndian64(&encoded, block_num);
  AppendBigEndian64(&encoded, tx_num);
  return encoded;
}

void HistoryDb::Add(LedgerDb::Batch* batch, std::string_view ns, std::string_view key, uint64_t block_num,
                    uint64_t tx_num, bool is_delete) {
  batch->Put(EncodeKey(ns, key, block_num, tx_num), std::string(1, is_delete ? '\1' : '\0'));
}

Result<std::vector<HistoryEntry>> HistoryDb::GetHistory(std::string_view ns, std::string_view key,
                                                        HistoryOrder order, size_t limit) const {
  const std::string prefix = KeyPrefix(ns, key);
  LedgerDb::Cursor cursor = db_->NewCursor();
  if (order == HistoryOrder::kOldestFirst) {
    cursor.Seek(prefix);
  } else {
    // Every entry of the key is <= prefix + 16 x 0xff (the largest position).
    std::string last = prefix + std::string(kPositionSize, '\xff');
    cursor.Seek(last);
    if (!cursor.Valid()) {
      LOOM_RETURN_IF_ERROR(cursor.status());
      cursor.SeekToLast();
    } else if (cursor.key() != last) {
      cursor.Prev();
    }
  }
  std::vector<HistoryEntry> entries;
  for (; cursor.Valid(); order == HistoryOrder::kOldestFirst ? cursor.Next() : cursor.Prev()) {
    std::string_view stored = cursor.key();
    if (stored.size() != prefix.size() + kPositionSize || stored.substr(0, prefix.size()) != prefix) {
      // Another key's entries: this key's run has ended. (A longer stored key
      // with this prefix cannot belong to this key: the key length is fixed.)
      if (stored.substr(0, prefix.size()) == prefix) {
        return Status::Corruption(db_->dir() + ": a history entry of '" + PrintableBytes(ns) + "/" +
                                  PrintableBytes(key) + "' has a malformed key (" +
                                  std::to_string(stored.size()) + " bytes)");
      }
      break;
    }
    std::string_view value = cursor.value();
    if (value.size() != 1 || static_cast<uint8_t>(value[0]) > 1) {
      return Status::Corruption(db_->dir() + ": a history entry of '" + PrintableBytes(ns) + "/" +
                                PrintableBytes(key) + "' has a malformed value (" +
                                std::to_string(value.size()) + " bytes)");
    }
    entries.push_back(HistoryEntry{ReadBigEndian64(stored, prefix.size()),
                                   ReadBigEndian64(stored, prefix.size() + 8), value[0] == '\1'});
    if (limit > 0 && entries.size() >= limit) break;
  }
  LOOM_RETURN_IF_ERROR(cursor.status());
  return entries;
}

}  // namespace loom::ledger
