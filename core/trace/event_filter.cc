#include "core/trace/event_filter.h"

namespace loom::trace {

CompiledFilter::CompiledFilter(const loom::EventFilter& filter)
    : channels_(filter.channels().begin(), filter.channels().end()),
      phases_(filter.phases().begin(), filter.phases().end()),
      tx_ids_(filter.tx_ids().begin(), filter.tx_ids().end()) {}

bool CompiledFilter::Matches(const loom::TraceEvent& event) const {
  if (!channels_.empty() && !channels_.contains(event.channel())) return false;
  if (!phases_.empty() && !phases_.contains(static_cast<int>(event.phase()))) return false;
  if (!tx_ids_.empty() && !MatchesTxId(event)) return false;
  return true;
}

bool CompiledFilter::MatchesTxId(const loom::TraceEvent& event) const {
  if (!event.tx_id().empty()) return tx_ids_.contains(event.tx_id());
  // Block-level events name their transactions in the detail.
  const google::protobuf::RepeatedPtrField<std::string>* listed = nullptr;
  if (event.has_block_cut()) {
    listed = &event.block_cut().tx_ids();
  } else if (event.has_block()) {
    listed = &event.block().tx_ids();
  } else {
    return false;
  }
  for (const std::string& tx_id : *listed) {
    if (tx_ids_.contains(tx_id)) return true;
  }
  return false;
}

}  // namespace loom::trace
