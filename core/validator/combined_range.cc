#include "core/validator/combined_range.h"

namespace loom::validator {
namespace {

// The exclusive bound of a range ending at `end_key`: the key itself, or its
// bytewise successor (end_key + "\0") when the end key is included.
std::string EndBound(std::string_view end_key, bool include_end_key) {
  std::string bound(end_key);
  if (!bound.empty() && include_end_key) bound.push_back('\0');
  return bound;
}

}  // namespace

CombinedRange::CombinedRange(const ledger::StateSnapshot& committed, const UpdateBatch& updates,
                             std::string_view ns, std::string_view start_key, std::string_view end_key,
                             bool include_end_key)
    : committed_(committed.GetRange(ns, start_key, EndBound(end_key, include_end_key))),
      end_bound_(EndBound(end_key, include_end_key)) {
  const UpdateBatch::KeyUpdates& ns_updates = updates.Namespace(ns);
  update_it_ = ns_updates.lower_bound(start_key);
  update_end_ = ns_updates.end();
}

bool CombinedRange::BeforeEnd(std::string_view key) const {
  return end_bound_.empty() || key < end_bound_;
}

Status CombinedRange::FillCommittedHead() {
  if (committed_head_ || committed_done_) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(std::optional<ledger::StateEntry> entry, committed_.Next());
  if (entry) {
    committed_head_ = std::move(entry);
  } else {
    committed_done_ = true;
  }
  return Status::Ok();
}

Result<std::optional<RangeEntry>> CombinedRange::Next() {
  while (true) {
    LOOM_RETURN_IF_ERROR(FillCommittedHead());
    const bool have_update = update_it_ != update_end_ && BeforeEnd(update_it_->first);
    if (!have_update) {
      if (!committed_head_) return std::optional<RangeEntry>();
      RangeEntry entry{std::move(committed_head_->key), committed_head_->version};
      committed_head_.reset();
      return std::optional<RangeEntry>(std::move(entry));
    }
    if (committed_head_ && committed_head_->key < update_it_->first) {
      RangeEntry entry{std::move(committed_head_->key), committed_head_->version};
      committed_head_.reset();
      return std::optional<RangeEntry>(std::move(entry));
    }
    // The update comes first or replaces the committed entry of its key.
    if (committed_head_ && committed_head_->key == update_it_->first) committed_head_.reset();
    const auto& [key, update] = *update_it_;
    ++update_it_;
    if (!update.is_delete) return std::optional<RangeEntry>(RangeEntry{key, update.version});
  }
}

}  // namespace loom::validator
