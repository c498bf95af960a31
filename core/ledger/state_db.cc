#include "core/ledger/state_db.h"

namespace loom::ledger {
namespace {

constexpr char kStatePrefix = 's';
constexpr uint8_t kValueFormat = 1;
constexpr size_t kValueHeaderSize = 1 + 8 + 8;

std::string NamespacePrefix(std::string_view ns) {
  std::string prefix(1, kStatePrefix);
  AppendBigEndian32(&prefix, static_cast<uint32_t>(ns.size()));
  prefix.append(ns);
  return prefix;
}

// A printable form of a stored key for error messages.
std::string Describe(std::string_view ns, std::string_view key) {
  return "state key '" + PrintableBytes(ns) + "/" + PrintableBytes(key) + "'";
}

Result<std::optional<VersionedValue>> GetFrom(const LedgerDb* db, const LedgerDb::Snapshot* snapshot,
                                              std::string_view ns, std::string_view key) {
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> stored, db->Get(StateDb::EncodeKey(ns, key), snapshot));
  if (!stored.has_value()) return std::optional<VersionedValue>();
  LOOM_ASSIGN_OR_RETURN(VersionedValue value,
                        StateDb::DecodeValue(*stored, db->dir() + ": " + Describe(ns, key)));
  return std::optional<VersionedValue>(std::move(value));
}

}  // namespace

std::string StateDb::EncodeKey(std::string_view ns, std::string_view key) {
  return NamespacePrefix(ns).append(key);
}

std::string StateDb::EncodeValue(std::string_view value, const Version& version) {
  std::string out(1, static_cast<char>(kValueFormat));
  AppendBigEndian64(&out, version.block_num);
  AppendBigEndian64(&out, version.tx_num);
  out.append(value);
  return out;
}

Result<VersionedValue> StateDb::DecodeValue(std::string_view bytes, std::string_view where) {
  if (bytes.size() < kValueHeaderSize || static_cast<uint8_t>(bytes[0]) != kValueFormat) {
    return Status::Corruption(std::string(where) + ": the stored state value is malformed (" +
                              std::to_string(bytes.size()) + " bytes, format " +
                              std::to_string(bytes.empty() ? 0 : static_cast<uint8_t>(bytes[0])) +
                              "; expected format 1 and at least 17 bytes)");
  }
  VersionedValue value;
  value.version.block_num = ReadBigEndian64(bytes, 1);
  value.version.tx_num = ReadBigEndian64(bytes, 9);
  value.value.assign(bytes.substr(kValueHeaderSize));
  return value;
}

void StateDb::Put(LedgerDb::Batch* batch, std::string_view ns, std::string_view key, std::string_view value,
                  const Version& version) {
  batch->Put(EncodeKey(ns, key), EncodeValue(value, version));
}

void StateDb::Delete(LedgerDb::Batch* batch, std::string_view ns, std::string_view key) {
  batch->Delete(EncodeKey(ns, key));
}

Result<std::optional<VersionedValue>> StateDb::Get(std::string_view ns, std::string_view key) const {
  return GetFrom(db_, nullptr, ns, key);
}

StateRangeIterator StateDb::GetRange(std::string_view ns, std::string_view start_key,
                                     std::string_view end_key) const {
  return NewSnapshot().GetRange(ns, start_key, end_key);
}

StateSnapshot StateDb::NewSnapshot() const {
  return StateSnapshot(db_, db_->NewSnapshot());
}

Result<std::optional<VersionedValue>> StateSnapshot::Get(std::string_view ns, std::string_view key) const {
  return GetFrom(db_, snapshot_.get(), ns, key);
}

StateRangeIterator StateSnapshot::GetRange(std::string_view ns, std::string_view start_key,
                                           std::string_view end_key) const {
  std::string prefix = NamespacePrefix(ns);
  std::string start = prefix + std::string(start_key);
  std::string end = end_key.empty() ? std::string() : prefix + std::string(end_key);
  return StateRangeIterator(db_->NewCursor(snapshot_), std::string(ns), std::move(prefix), std::move(start),
                            std::move(end));
}

StateRangeIterator::StateRangeIterator(LedgerDb::Cursor cursor, std::string ns, std::string prefix,
                                       std::string start_key, std::string end_key)
    : cursor_(std::move(cursor)),
      ns_(std::move(ns)),
      prefix_(std::move(prefix)),
      start_key_(std::move(start_key)),
      end_key_(std::move(end_key)) {}

Result<std::optional<StateEntry>> StateRangeIterator::Next() {
  if (done_) return std::optional<StateEntry>();
  if (!started_) {
    cursor_.Seek(start_key_);
    started_ = true;
  } else {
    cursor_.Next();
  }
  std::string_view key = cursor_.Valid() ? cursor_.key() : std::string_view();
  bool in_range = cursor_.Valid() && key.substr(0, prefix_.size()) == prefix_ &&
                  (end_key_.empty() || key < std::string_view(end_key_));
  if (!in_range) {
    done_ = true;
    LOOM_RETURN_IF_ERROR(cursor_.status());
    return std::optional<StateEntry>();
  }
  std::string user_key(key.substr(prefix_.size()));
  LOOM_ASSIGN_OR_RETURN(VersionedValue value, StateDb::DecodeValue(cursor_.value(), Describe(ns_, user_key)));
  return std::optional<StateEntry>(StateEntry{std::move(user_key), std::move(value.value), value.version});
}

}  // namespace loom::ledger
