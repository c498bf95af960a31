#include "core/orderer/tx_id_guard.h"

namespace loom::orderer {

TxIdGuard::TxIdGuard(StoredLookup stored, size_t capacity)
    : stored_(std::move(stored)), capacity_(capacity == 0 ? 1 : capacity) {}

bool TxIdGuard::Claim(const std::string& tx_id) {
  {
    std::lock_guard lock(mutex_);
    if (recent_.count(tx_id) != 0) return false;
  }
  // The store lookup runs unlocked so claims do not queue behind LevelDB; the
  // second look below still lets only one of two concurrent claims through.
  if (stored_ && stored_(tx_id)) return false;
  std::lock_guard lock(mutex_);
  if (recent_.count(tx_id) != 0) return false;
  InsertLocked(tx_id);
  return true;
}

void TxIdGuard::Release(const std::string& tx_id) {
  std::lock_guard lock(mutex_);
  // The entry in `order_` stays behind; its sequence no longer matches, so
  // eviction will skip it.
  recent_.erase(tx_id);
}

void TxIdGuard::Remember(const std::string& tx_id) {
  std::lock_guard lock(mutex_);
  if (recent_.count(tx_id) == 0) InsertLocked(tx_id);
}

size_t TxIdGuard::recent_count() const {
  std::lock_guard lock(mutex_);
  return recent_.size();
}

void TxIdGuard::InsertLocked(const std::string& tx_id) {
  uint64_t sequence = next_sequence_++;
  recent_[tx_id] = sequence;
  order_.emplace_back(sequence, tx_id);
  while (recent_.size() > capacity_ || order_.size() > 2 * capacity_) {
    auto [oldest_sequence, oldest_id] = std::move(order_.front());
    order_.pop_front();
    auto it = recent_.find(oldest_id);
    if (it != recent_.end() && it->second == oldest_sequence) recent_.erase(it);
  }
}

}  // namespace loom::orderer
