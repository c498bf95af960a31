// CombinedRange: a range query re-executed over the committed state as
// updated by the block's earlier VALID transactions (Fabric's
// combinedIterator), for the phantom check.
//
// Yields the keys of `ns` in [start_key, end_key) — or [start_key, end_key]
// when `include_end_key` — in bytewise key order; an empty end_key means to
// the end of the namespace (then include_end_key changes nothing). A key the
// batch writes appears with the writer's version (hiding the committed
// entry); a key the batch deletes does not appear. The snapshot and batch
// must outlive the iterator.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ledger/state_db.h"
#include "core/util/status.h"
#include "core/validator/update_batch.h"

namespace loom::validator {

struct RangeEntry {
  std::string key;
  ledger::Version version;
};

class CombinedRange {
 public:
  CombinedRange(const ledger::StateSnapshot& committed, const UpdateBatch& updates, std::string_view ns,
                std::string_view start_key, std::string_view end_key, bool include_end_key);

  // The next key; nullopt after the last. The state DB's errors pass through.
  Result<std::optional<RangeEntry>> Next();

 private:
  // Loads the next committed entry into committed_head_ unless already there.
  Status FillCommittedHead();
  bool BeforeEnd(std::string_view key) const;

  ledger::StateRangeIterator committed_;
  std::optional<ledger::StateEntry> committed_head_;
  bool committed_done_ = false;
  UpdateBatch::KeyUpdates::const_iterator update_it_;
  UpdateBatch::KeyUpdates::const_iterator update_end_;
  std::string end_bound_;  // exclusive bound on keys; empty = none
};

}  // namespace loom::validator
