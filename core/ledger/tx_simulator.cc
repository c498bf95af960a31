#include "core/ledger/tx_simulator.h"

#include <set>
#include <tuple>

#include "ledger/rwset/rwset.pb.h"

namespace loom::ledger {
namespace {

// Go's utf8.ValidString: no overlong forms, no surrogates, nothing above
// U+10FFFF.
bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<uint8_t>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code_point = 0;
    uint32_t minimum = 0;
    if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code_point = byte & 0x1F;
      minimum = 0x80;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code_point = byte & 0x0F;
      minimum = 0x800;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code_point = byte & 0x07;
      minimum = 0x10000;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t j = 1; j < length; ++j) {
      const auto continuation = static_cast<uint8_t>(text[i + j]);
      if ((continuation & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

kvrwset::KVRead MakeRead(std::string_view key, const std::optional<Version>& version) {
  kvrwset::KVRead read;
  read.set_key(std::string(key));
  if (version.has_value()) {
    read.mutable_version()->set_block_num(version->block_num);
    read.mutable_version()->set_tx_num(version->tx_num);
  }
  return read;
}

}  // namespace

Status ValidateStateKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("invalid key '': a key must not be empty");
  if (!IsValidUtf8(key)) {
    return Status::InvalidArgument("invalid key '" + PrintableBytes(key) + "': a key must be valid UTF-8");
  }
  return Status::Ok();
}

// ---- RangeQueryIterator ----------------------------------------------------

RangeQueryIterator::RangeQueryIterator(const TxSimulator* owner, std::string ns, std::string start_key,
                                       std::string end_key, int32_t page_size,
                                       StateRangeIterator state_iterator)
    : owner_(owner),
      ns_(std::move(ns)),
      end_key_(std::move(end_key)),
      page_size_(page_size),
      state_iterator_(std::move(state_iterator)) {
  info_.set_start_key(std::move(start_key));
}

Result<std::optional<RangeResult>> RangeQueryIterator::Next() {
  LOOM_RETURN_IF_ERROR(owner_->CheckNotFinished("range query Next"));
  if (closed_) {
    return Status::FailedPrecondition(owner_->Context("range query Next") +
                                      ": the iterator over namespace '" + PrintableBytes(ns_) +
                                      "' is closed");
  }
  std::optional<StateEntry> entry;
  if (page_size_ == 0 || fetched_count_ < page_size_) {
    LOOM_ASSIGN_OR_RETURN(entry, state_iterator_.Next());
  }
  if (!entry.has_value()) {
    // Fabric: the caller scanned to the end, so the range info covers the
    // whole query range.
    info_.set_itr_exhausted(true);
    info_.set_end_key(end_key_);
    return std::optional<RangeResult>();
  }
  reads_.push_back(MakeRead(entry->key, entry->version));
  // Fabric: the end key is the last key handed out, as the caller may stop.
  info_.set_end_key(entry->key);
  ++fetched_count_;
  return std::optional<RangeResult>(RangeResult{std::move(entry->key), std::move(entry->value)});
}

Result<std::string> RangeQueryIterator::Bookmark() {
  LOOM_RETURN_IF_ERROR(owner_->CheckNotFinished("range query Bookmark"));
  if (closed_) return std::string();
  closed_ = true;
  // Fabric peeks the underlying scan past the page limit; not a read.
  LOOM_ASSIGN_OR_RETURN(std::optional<StateEntry> next, state_iterator_.Next());
  return next.has_value() ? std::move(next->key) : std::string();
}

// ---- TxSimulator -------------------------------------------------------------

TxSimulator::TxSimulator(std::string tx_id, StateSnapshot snapshot, const KvLedger* ledger)
    : tx_id_(std::move(tx_id)), snapshot_(std::move(snapshot)), ledger_(ledger) {}

std::unique_ptr<TxSimulator> TxSimulator::Start(std::string tx_id, const KvLedger& ledger) {
  return std::make_unique<TxSimulator>(std::move(tx_id), ledger.state().NewSnapshot(), &ledger);
}

std::string TxSimulator::Context(std::string_view operation) const {
  return "tx simulation [" + PrintableBytes(tx_id_) + "] " + std::string(operation);
}

Status TxSimulator::CheckNotFinished(std::string_view operation) const {
  if (!finished_) return Status::Ok();
  return Status::FailedPrecondition(Context(operation) + ": the simulation has already finished");
}

Status TxSimulator::CheckKey(std::string_view operation, std::string_view key) const {
  Status valid = ValidateStateKey(key);
  if (valid.ok()) return valid;
  return Status::InvalidArgument(Context(operation) + ": " + valid.message());
}

Status TxSimulator::CheckRangeBound(std::string_view operation, std::string_view what,
                                    std::string_view key) const {
  if (IsValidUtf8(key)) return Status::Ok();
  return Status::InvalidArgument(Context(operation) + ": invalid " + std::string(what) + " '" +
                                 PrintableBytes(key) + "': a key must be valid UTF-8");
}

Status TxSimulator::CheckWriteAllowed(std::string_view operation, std::string_view key) {
  LOOM_RETURN_IF_ERROR(CheckNotFinished(operation));
  if (paginated_query_performed_) {
    return Status::FailedPrecondition(
        Context(operation) +
        ": the transaction has already performed a paginated query; writes are "
        "not allowed (Fabric: paginated queries only in read-only transactions)");
  }
  LOOM_RETURN_IF_ERROR(CheckKey(operation, key));
  write_performed_ = true;
  return Status::Ok();
}

Result<std::optional<std::string>> TxSimulator::GetState(std::string_view ns, std::string_view key) {
  LOOM_RETURN_IF_ERROR(CheckNotFinished("GetState"));
  LOOM_RETURN_IF_ERROR(CheckKey("GetState", key));
  LOOM_ASSIGN_OR_RETURN(std::optional<VersionedValue> committed, snapshot_.Get(ns, key));
  NamespaceRecord& record = namespaces_[std::string(ns)];
  std::optional<Version> version;
  if (committed.has_value()) version = committed->version;
  record.reads.insert_or_assign(std::string(key), version);
  if (!committed.has_value()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(committed->value));
}

Status TxSimulator::PutState(std::string_view ns, std::string_view key, std::string_view value) {
  LOOM_RETURN_IF_ERROR(CheckWriteAllowed("PutState", key));
  // Fabric records an empty value as a delete (IsDelete = value == nil).
  namespaces_[std::string(ns)].writes.insert_or_assign(std::string(key),
                                                       WriteRecord{std::string(value), value.empty()});
  return Status::Ok();
}

Status TxSimulator::DelState(std::string_view ns, std::string_view key) {
  LOOM_RETURN_IF_ERROR(CheckWriteAllowed("DelState", key));
  namespaces_[std::string(ns)].writes.insert_or_assign(std::string(key), WriteRecord{std::string(), true});
  return Status::Ok();
}

Result<RangeQueryIterator*> TxSimulator::OpenRange(std::string_view operation, std::string_view ns,
                                                   std::string_view start_key, std::string_view end_key,
                                                   int32_t page_size) {
  LOOM_RETURN_IF_ERROR(CheckRangeBound(operation, "start key", start_key));
  LOOM_RETURN_IF_ERROR(CheckRangeBound(operation, "end key", end_key));
  iterators_.push_back(std::unique_ptr<RangeQueryIterator>(
      new RangeQueryIterator(this, std::string(ns), std::string(start_key), std::string(end_key), page_size,
                             snapshot_.GetRange(ns, start_key, end_key))));
  return iterators_.back().get();
}

Result<RangeQueryIterator*> TxSimulator::GetStateByRange(std::string_view ns, std::string_view start_key,
                                                         std::string_view end_key) {
  LOOM_RETURN_IF_ERROR(CheckNotFinished("GetStateByRange"));
  return OpenRange("GetStateByRange", ns, start_key, end_key, 0);
}

Result<RangeQueryIterator*> TxSimulator::GetStateByRangeWithPagination(std::string_view ns,
                                                                       std::string_view start_key,
                                                                       std::string_view end_key,
                                                                       int32_t page_size,
                                                                       std::string_view bookmark) {
  constexpr std::string_view kOperation = "GetStateByRangeWithPagination";
  LOOM_RETURN_IF_ERROR(CheckNotFinished(kOperation));
  if (page_size <= 0) {
    return Status::InvalidArgument(Context(kOperation) + ": page size " + std::to_string(page_size) +
                                   " must be greater than 0");
  }
  if (write_performed_) {
    return Status::FailedPrecondition(Context(kOperation) +
                                      ": paginated queries are supported only in a read-only transaction "
                                      "(this one has written)");
  }
  LOOM_RETURN_IF_ERROR(CheckRangeBound(kOperation, "bookmark", bookmark));
  // Fabric's handler starts the page at the bookmark when there is one.
  std::string_view effective_start = bookmark.empty() ? start_key : bookmark;
  LOOM_ASSIGN_OR_RETURN(RangeQueryIterator * iterator,
                        OpenRange(kOperation, ns, effective_start, end_key, page_size));
  paginated_query_performed_ = true;
  return iterator;
}

Result<std::vector<KeyModification>> TxSimulator::GetHistoryForKey(std::string_view ns,
                                                                   std::string_view key) {
  LOOM_RETURN_IF_ERROR(CheckNotFinished("GetHistoryForKey"));
  LOOM_RETURN_IF_ERROR(CheckKey("GetHistoryForKey", key));
  if (ledger_ == nullptr) {
    return Status::FailedPrecondition(Context("GetHistoryForKey") + ": the simulator has no ledger to read");
  }
  // Fabric returns the newest modification first.
  return ledger_->GetHistoryForKey(ns, key, HistoryOrder::kNewestFirst);
}

Result<std::string> TxSimulator::Finish() {
  LOOM_RETURN_IF_ERROR(CheckNotFinished("Finish"));
  finished_ = true;

  // Range infos per namespace, in opening order, the first of equal
  // (start, end, exhausted) kept.
  std::map<std::string, std::vector<const RangeQueryIterator*>, std::less<>> ranges;
  std::set<std::tuple<std::string, std::string, std::string, bool>> seen;
  for (const auto& iterator : iterators_) {
    const kvrwset::RangeQueryInfo& info = iterator->info_;
    if (!seen.emplace(iterator->ns_, info.start_key(), info.end_key(), info.itr_exhausted()).second) continue;
    namespaces_[iterator->ns_];  // a namespace with only range queries still appears
    ranges[iterator->ns_].push_back(iterator.get());
  }

  rwset::TxReadWriteSet results;
  results.set_data_model(rwset::TxReadWriteSet::KV);
  for (const auto& [ns, record] : namespaces_) {  // std::map: sorted namespaces
    kvrwset::KVRWSet kv_rwset;
    for (const auto& [key, version] : record.reads) *kv_rwset.add_reads() = MakeRead(key, version);
    if (auto it = ranges.find(ns); it != ranges.end()) {
      for (const RangeQueryIterator* iterator : it->second) {
        kvrwset::RangeQueryInfo* info = kv_rwset.add_range_queries_info();
        *info = iterator->info_;
        // Fabric sets reads_info only when something was read.
        if (!iterator->reads_.empty()) {
          for (const kvrwset::KVRead& read : iterator->reads_) {
            *info->mutable_raw_reads()->add_kv_reads() = read;
          }
        }
      }
    }
    for (const auto& [key, write] : record.writes) {
      kvrwset::KVWrite* kv_write = kv_rwset.add_writes();
      kv_write->set_key(key);
      kv_write->set_is_delete(write.is_delete);
      if (!write.is_delete) kv_write->set_value(write.value);
    }
    rwset::NsReadWriteSet* ns_rwset = results.add_ns_rwset();
    ns_rwset->set_namespace_(ns);
    ns_rwset->set_rwset(kv_rwset.SerializeAsString());
  }
  return results.SerializeAsString();
}

}  // namespace loom::ledger
