#include "core/orderer/block_listeners.h"

#include "core/orderer/envelope_tx_id.h"

namespace loom::orderer {

struct BlockListeners::Set {
  std::mutex mutex;
  uint64_t next_id = 0;
  std::map<uint64_t, std::function<void(uint64_t)>> listeners;
};

class BlockListeners::Handle : public OrderingChannel::ListenerHandle {
 public:
  Handle(std::weak_ptr<Set> set, uint64_t id) : set_(std::move(set)), id_(id) {}
  ~Handle() override {
    if (auto set = set_.lock()) {
      std::lock_guard lock(set->mutex);
      set->listeners.erase(id_);
    }
  }

 private:
  std::weak_ptr<Set> set_;
  uint64_t id_;
};

BlockListeners::BlockListeners() : set_(std::make_shared<Set>()) {}

std::unique_ptr<OrderingChannel::ListenerHandle> BlockListeners::Add(
    std::function<void(uint64_t height)> listener) {
  std::lock_guard lock(set_->mutex);
  uint64_t id = set_->next_id++;
  set_->listeners.emplace(id, std::move(listener));
  return std::make_unique<Handle>(set_, id);
}

void BlockListeners::Notify(uint64_t height) {
  std::lock_guard lock(set_->mutex);
  for (auto& [id, listener] : set_->listeners) listener(height);
}

void ReportWrittenBlocks(ChainEvents* events, const std::string& channel_id,
                         const std::vector<common::Block>& blocks, const std::vector<CutReason>& reasons,
                         std::optional<std::chrono::steady_clock::time_point> batch_started,
                         std::chrono::steady_clock::time_point now) {
  if (events == nullptr) return;
  auto wall_now = std::chrono::system_clock::now();
  for (size_t i = 0; i < blocks.size(); ++i) {
    WrittenBlock written;
    written.block = &blocks[i];
    written.reason = i < reasons.size() ? reasons[i] : CutReason::kCount;
    for (const std::string& envelope : blocks[i].data().data()) {
      written.data_bytes += envelope.size();
      std::optional<std::string_view> tx_id = EnvelopeTxId(envelope);
      written.tx_ids.emplace_back(tx_id ? *tx_id : std::string_view());
    }
    if (batch_started) {
      written.fill_duration = std::chrono::duration_cast<std::chrono::nanoseconds>(now - *batch_started);
    }
    written.cut_at = wall_now;
    written.written_at = std::chrono::system_clock::now();
    events->OnBlockWritten(channel_id, written);
  }
}

}  // namespace loom::orderer
