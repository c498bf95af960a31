#include "app/lab/tx_timeline_joiner.h"

#include <algorithm>
#include <functional>
#include <tuple>

namespace loom::lab {
namespace {

constexpr size_t kMaxChannelEvents = 1000;

const google::protobuf::RepeatedPtrField<std::string>* ListedTxIds(const loom::TraceEvent& event) {
  if (event.has_block_cut()) return &event.block_cut().tx_ids();
  if (event.has_block()) return &event.block().tx_ids();
  return nullptr;
}

std::string SpanPhase(const loom::TraceEvent& event) {
  if (event.phase() == loom::TraceEvent::PHASE_UNSPECIFIED) {
    auto it = event.facts().find(kClientPhaseFact);
    return it != event.facts().end() ? it->second : "client";
  }
  return loom::TraceEvent::Phase_Name(event.phase());
}

// A total order (ties broken by the event's identity), so that the same
// events give the same span order whatever order they arrived in.
bool SpanBefore(const TxSpan& a, const TxSpan& b) {
  return std::make_tuple(a.start_unix_nanos, a.end_unix_nanos, std::cref(a.node), std::cref(a.phase),
                         a.block_level, a.incarnation, a.sequence) <
         std::make_tuple(b.start_unix_nanos, b.end_unix_nanos, std::cref(b.node), std::cref(b.phase),
                         b.block_level, b.incarnation, b.sequence);
}

}  // namespace

TimelineJoiner::TimelineJoiner(JoinerOptions options) : options_(options) {
  options_.max_transactions = std::max<size_t>(options_.max_transactions, 1);
  options_.max_blocks = std::max<size_t>(options_.max_blocks, 1);
}

std::vector<std::string> TimelineJoiner::Add(const loom::TraceEvent& event) {
  return Add(std::make_shared<const loom::TraceEvent>(event));
}

std::vector<std::string> TimelineJoiner::Add(std::shared_ptr<const loom::TraceEvent> event) {
  if (!event || IsDuplicate(*event)) return {};
  ++events_joined_;
  std::vector<std::string> changed;
  if (IsBlockLevel(*event)) {
    changed = AddBlockLevel({event, std::make_shared<const std::string>(event->SerializeAsString())});
  } else if (!event->tx_id().empty()) {
    AttachToTx({event, std::make_shared<const std::string>(event->SerializeAsString())}, event->tx_id(),
               event->has_tx_index() ? std::optional<uint32_t>(event->tx_index()) : std::nullopt);
    changed.push_back(event->tx_id());
  } else {
    channel_events_.push_back(event);
    if (channel_events_.size() > kMaxChannelEvents) channel_events_.pop_front();
  }
  Evict();
  // A transaction evicted while this event was joined is not reported.
  changed.erase(std::remove_if(changed.begin(), changed.end(),
                               [this](const std::string& tx_id) { return timelines_.count(tx_id) == 0; }),
                changed.end());
  return changed;
}

bool TimelineJoiner::IsDuplicate(const loom::TraceEvent& event) {
  if (event.sequence() == 0) return false;
  uint64_t& highest = highest_sequence_[{event.node(), event.incarnation()}];
  if (event.sequence() <= highest) {
    ++duplicates_;
    return true;
  }
  highest = event.sequence();
  return false;
}

TxTimeline& TimelineJoiner::Timeline(const std::string& tx_id) {
  auto [it, inserted] = timelines_.try_emplace(tx_id);
  if (inserted) {
    it->second.tx_id = tx_id;
    order_.push_back(tx_id);
  }
  return it->second;
}

void TimelineJoiner::AttachToTx(const Shared& shared, const std::string& tx_id,
                                std::optional<uint32_t> index_in_block) {
  const loom::TraceEvent* event = shared.event.get();
  TxTimeline& timeline = Timeline(tx_id);
  if (timeline.channel.empty()) timeline.channel = event->channel();
  if (!timeline.block_number && event->has_block_number()) {
    timeline.block_number = event->block_number();
    if (index_in_block) timeline.tx_index = index_in_block;
  }
  if (!timeline.tx_index && index_in_block && timeline.block_number && event->has_block_number() &&
      event->block_number() == *timeline.block_number) {
    timeline.tx_index = index_in_block;
  }
  if (event->phase() == loom::TraceEvent::COMMITTED && !event->tx_id().empty() && event->has_commit()) {
    timeline.validation_codes[event->node()] = event->commit().validation_code();
  }

  TxSpan span;
  span.phase = SpanPhase(*event);
  span.group = GroupOf(event->phase());
  span.observer_phase = event->phase();
  span.node = event->node();
  span.start_unix_nanos = event->start_unix_nanos();
  span.end_unix_nanos = event->end_unix_nanos();
  span.block_level = IsBlockLevel(*event);
  span.incarnation = event->incarnation();
  span.sequence = event->sequence();
  span.record = shared.record;
  auto at = std::upper_bound(timeline.spans.begin(), timeline.spans.end(), span, SpanBefore);
  timeline.spans.insert(at, std::move(span));
}

TimelineJoiner::BlockRecord& TimelineJoiner::Block(const BlockKey& key) {
  auto [it, inserted] = blocks_.try_emplace(key);
  if (inserted) {
    block_order_.push_back(key);
    if (blocks_.size() > options_.max_blocks) {
      blocks_.erase(block_order_.front());
      block_order_.pop_front();
    }
  }
  return it->second;
}

std::vector<std::string> TimelineJoiner::AddBlockLevel(const Shared& shared) {
  const loom::TraceEvent& event = *shared.event;
  if (!event.has_block_number()) return {};
  BlockRecord& block = Block({event.channel(), event.block_number()});
  std::vector<Shared> to_attach;
  const auto* listed = ListedTxIds(event);
  if (block.tx_ids.empty() && listed != nullptr && !listed->empty()) {
    block.tx_ids.assign(listed->begin(), listed->end());
    to_attach.swap(block.waiting);  // they waited for the block's transactions
  }
  if (block.tx_ids.empty()) {
    block.waiting.push_back(shared);
    return {};
  }
  to_attach.push_back(shared);

  std::vector<std::string> changed;
  for (size_t i = 0; i < block.tx_ids.size(); ++i) {
    const std::string& tx_id = block.tx_ids[i];
    if (tx_id.empty()) continue;  // an envelope the node could not parse
    for (const auto& waiting : to_attach) AttachToTx(waiting, tx_id, static_cast<uint32_t>(i));
    changed.push_back(tx_id);
  }
  return changed;
}

void TimelineJoiner::Evict() {
  while (timelines_.size() > options_.max_transactions && !order_.empty()) {
    timelines_.erase(order_.front());
    order_.pop_front();
    ++evicted_;
  }
}

const TxTimeline* TimelineJoiner::Find(const std::string& tx_id) const {
  auto it = timelines_.find(tx_id);
  return it == timelines_.end() ? nullptr : &it->second;
}

std::vector<TxTimeline> TimelineJoiner::Timelines() const {
  std::vector<TxTimeline> out;
  out.reserve(order_.size());
  for (const std::string& tx_id : order_) out.push_back(timelines_.at(tx_id));
  return out;
}

std::vector<TxTimeline> TimelineJoiner::Timelines(const std::vector<std::string>& tx_ids) const {
  std::vector<TxTimeline> out;
  for (const std::string& tx_id : tx_ids) {
    if (const TxTimeline* timeline = Find(tx_id)) out.push_back(*timeline);
  }
  return out;
}

}  // namespace loom::lab
