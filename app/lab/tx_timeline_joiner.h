// TimelineJoiner: joins trace events from any number of nodes, in any order
// across nodes, into TxTimelines by tx id. Used by the TraceCollector (live)
// and by LoadTimelines (a stored run).
//
// - Per-tx events (tx_id set) go to their transaction.
// - Block-level events go to every transaction of their block: BLOCK_CUT,
//   BLOCK_WRITTEN and BLOCK_RECEIVED list the block's tx ids; a block's
//   COMMITTED does not, so it waits (per channel and block number) until an
//   event listing that block's transactions arrives.
// - The validation code per peer comes from the peer's per-tx COMMITTED.
// - Duplicates are dropped: per (node, incarnation), an event whose sequence
//   is not above the highest seen is a replay of one already joined (a node's
//   stream and the store keep its sequence order). Sequence 0 (events made by
//   hand, client spans) is never a duplicate.
// - Bounded: the newest `max_transactions` transactions (by first event) and
//   `max_blocks` blocks are kept; the oldest are evicted. A late event for an
//   evicted transaction starts a new, partial timeline. A transaction with two
//   peers and an orderer takes ~5 KB (spans keep their events serialized; a
//   block-level event is kept once for its whole block).
// - Channel-level events (LEADER_CHANGED) are kept apart (the newest 1000).
//
// Not thread-safe: one owner (the collector serialises calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "app/lab/tx_timeline.h"

namespace loom::lab {

struct JoinerOptions {
  size_t max_transactions = 100000;
  size_t max_blocks = 20000;
};

class TimelineJoiner {
 public:
  explicit TimelineJoiner(JoinerOptions options = {});

  // Joins one event; returns the tx ids whose timeline changed (empty for a
  // duplicate or an event that names no transaction yet).
  std::vector<std::string> Add(std::shared_ptr<const loom::TraceEvent> event);
  std::vector<std::string> Add(const loom::TraceEvent& event);

  const TxTimeline* Find(const std::string& tx_id) const;
  // Every kept timeline, oldest first (by first event).
  std::vector<TxTimeline> Timelines() const;
  // Like Timelines, for the given tx ids that are kept.
  std::vector<TxTimeline> Timelines(const std::vector<std::string>& tx_ids) const;
  const std::deque<std::shared_ptr<const loom::TraceEvent>>& channel_events() const {
    return channel_events_;
  }

  size_t size() const { return timelines_.size(); }
  uint64_t events_joined() const { return events_joined_; }
  uint64_t duplicates_dropped() const { return duplicates_; }
  uint64_t transactions_evicted() const { return evicted_; }

 private:
  // An event as it is attached to transactions: parsed for the span's
  // fields, serialized once for every span that shows it.
  struct Shared {
    std::shared_ptr<const loom::TraceEvent> event;
    std::shared_ptr<const std::string> record;
  };
  struct BlockRecord {
    std::vector<std::string> tx_ids;  // empty until an event lists them
    std::vector<Shared> waiting;      // block-level events that came before the list
  };
  using BlockKey = std::pair<std::string, uint64_t>;  // channel, number

  bool IsDuplicate(const loom::TraceEvent& event);
  TxTimeline& Timeline(const std::string& tx_id);
  void AttachToTx(const Shared& shared, const std::string& tx_id, std::optional<uint32_t> index_in_block);
  std::vector<std::string> AddBlockLevel(const Shared& shared);
  BlockRecord& Block(const BlockKey& key);
  void Evict();

  JoinerOptions options_;
  std::unordered_map<std::string, TxTimeline> timelines_;
  std::deque<std::string> order_;  // tx ids by first event, oldest first
  std::map<BlockKey, BlockRecord> blocks_;
  std::deque<BlockKey> block_order_;
  std::map<std::pair<std::string, uint64_t>, uint64_t> highest_sequence_;  // (node, incarnation)
  std::deque<std::shared_ptr<const loom::TraceEvent>> channel_events_;
  uint64_t events_joined_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t evicted_ = 0;
};

}  // namespace loom::lab
