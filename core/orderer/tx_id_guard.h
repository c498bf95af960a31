// TxIdGuard: refuses a transaction id a channel has already ordered (replayed
// envelopes), for Broadcast.
//
// Two sources answer "seen before?": a bounded set of recently claimed ids
// (everything accepted but perhaps not yet in a block) and a lookup into the
// channel's block store (everything already in a block). The set evicts its
// oldest ids first once `capacity` is reached; an evicted id is still
// caught by the store as long as fewer than `capacity` ids are accepted
// between its acceptance and its block being written, which the orderer's
// batching keeps far below the default capacity.
//
// Claim is atomic: of two concurrent claims of one id exactly one succeeds.
// Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace loom::orderer {

class TxIdGuard {
 public:
  // True when `tx_id` is in a stored block.
  using StoredLookup = std::function<bool(std::string_view tx_id)>;

  static constexpr size_t kDefaultCapacity = 200'000;

  explicit TxIdGuard(StoredLookup stored, size_t capacity = kDefaultCapacity);

  // True when the id was neither claimed recently nor stored; it is then
  // claimed. False for a duplicate.
  bool Claim(const std::string& tx_id);
  // Undoes a claim whose envelope was not ordered after all.
  void Release(const std::string& tx_id);
  // Records an id known to be ordered (log replay at start-up).
  void Remember(const std::string& tx_id);

  size_t recent_count() const;

 private:
  void InsertLocked(const std::string& tx_id);

  StoredLookup stored_;
  size_t capacity_;
  mutable std::mutex mutex_;
  uint64_t next_sequence_ = 0;
  // id -> the sequence of its live entry in `order_`.
  std::unordered_map<std::string, uint64_t> recent_;
  std::deque<std::pair<uint64_t, std::string>> order_;  // oldest first
};

}  // namespace loom::orderer
