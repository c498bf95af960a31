// EventFilter matching: a loom.EventFilter compiled into hash sets, so the
// hub can test every published event against every subscriber cheaply.
//
// An event matches when it matches each non-empty list of the filter (any
// value of a list). The tx id list also matches block-level events (BLOCK_CUT,
// BLOCK_WRITTEN, BLOCK_RECEIVED) whose detail lists one of the tx ids.
// Immutable after construction, so safe to share between threads.
#pragma once

#include <string>
#include <unordered_set>

#include "loom/observer.pb.h"

namespace loom::trace {

class CompiledFilter {
 public:
  CompiledFilter() = default;  // matches everything
  explicit CompiledFilter(const loom::EventFilter& filter);

  bool Matches(const loom::TraceEvent& event) const;
  bool matches_everything() const { return channels_.empty() && phases_.empty() && tx_ids_.empty(); }

 private:
  bool MatchesTxId(const loom::TraceEvent& event) const;

  std::unordered_set<std::string> channels_;
  std::unordered_set<int> phases_;
  std::unordered_set<std::string> tx_ids_;
};

}  // namespace loom::trace
