// UpdateBatch: the state changes of a block's VALID transactions, as the MVCC
// phase accumulates them in block order (Fabric's UpdateBatch).
//
// Per namespace and key, the last write wins: its value (or a delete) and
// the version of the transaction that made it, (block number, tx number).
// Maps are ordered bytewise, the state DB's order, so a range of keys is a
// contiguous run (Range). Applying the batch to the state before the block
// gives the state KvLedger::Commit(block, codes) stores.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/ledger/state_db.h"

namespace loom::validator {

struct StateUpdate {
  std::string value;  // empty for a delete
  bool is_delete = false;
  ledger::Version version;  // of the writing transaction
  bool operator==(const StateUpdate&) const = default;
};

class UpdateBatch {
 public:
  using KeyUpdates = std::map<std::string, StateUpdate, std::less<>>;

  void Put(std::string_view ns, std::string_view key, std::string_view value, const ledger::Version& version);
  void Delete(std::string_view ns, std::string_view key, const ledger::Version& version);

  // The update of `key`; nullptr when the batch does not touch it.
  const StateUpdate* Find(std::string_view ns, std::string_view key) const;
  // The updates of `ns` (empty when none), to walk a range with lower_bound.
  const KeyUpdates& Namespace(std::string_view ns) const;

  const std::map<std::string, KeyUpdates, std::less<>>& namespaces() const { return namespaces_; }
  bool empty() const { return namespaces_.empty(); }

 private:
  std::map<std::string, KeyUpdates, std::less<>> namespaces_;
};

}  // namespace loom::validator
