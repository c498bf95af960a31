#include "core/peer/deliver_service_source.h"

#include "core/ledger/block_store.h"

namespace loom::peer {

class PeerDeliverSource::Handle : public orderer::DeliverSource::ListenerHandle {
 public:
  Handle(std::shared_ptr<Listeners> listeners, uint64_t id) : listeners_(std::move(listeners)), id_(id) {}
  ~Handle() override {
    std::lock_guard lock(listeners_->mutex);
    listeners_->by_id.erase(id_);
  }

 private:
  std::shared_ptr<Listeners> listeners_;
  uint64_t id_;
};

void PeerDeliverSource::Listeners::Notify(uint64_t height) {
  std::lock_guard lock(mutex);
  for (auto& [id, listener] : by_id) listener(height);
}

std::string DeliverPolicyFor(const channelconfig::ChannelConfig& config, std::string_view resource) {
  if (config.application) {
    auto acl = config.application->acls.find(std::string(resource));
    if (acl != config.application->acls.end() && !acl->second.empty()) {
      return acl->second.front() == '/' ? acl->second : "/Channel/" + acl->second;
    }
  }
  return "/Channel/Application/Readers";
}

std::shared_ptr<PeerDeliverSource> PeerDeliverSource::Create(std::shared_ptr<PeerChannel> channel,
                                                             std::string resource) {
  return std::shared_ptr<PeerDeliverSource>(new PeerDeliverSource(std::move(channel), std::move(resource)));
}

PeerDeliverSource::PeerDeliverSource(std::shared_ptr<PeerChannel> channel, std::string resource)
    : channel_(std::move(channel)), resource_(std::move(resource)) {
  // The listeners outlive the commit listener's registration through this
  // shared_ptr, whatever order the source and the channel go in.
  std::shared_ptr<Listeners> listeners = listeners_;
  commit_listener_id_ = channel_->AddCommitListener(
      [listeners](const CommitEvent& event) { listeners->Notify(event.block_number + 1); });
}

PeerDeliverSource::~PeerDeliverSource() {
  channel_->RemoveCommitListener(commit_listener_id_);
}

Result<std::string> PeerDeliverSource::GetBlockBytes(uint64_t number) const {
  if (number >= channel_->Height()) {
    return Status::NotFound("block " + std::to_string(number) + " of channel " + channel_id() +
                            " is not committed yet");
  }
  return channel_->ledger().block_store().GetBlockBytes(number);
}

bool PeerDeliverSource::WaitForBlock(uint64_t number, std::chrono::steady_clock::time_point deadline) const {
  if (stopped()) return false;
  return channel_->WaitForHeight(number + 1, deadline).ok();
}

std::unique_ptr<orderer::DeliverSource::ListenerHandle> PeerDeliverSource::AddBlockListener(
    std::function<void(uint64_t height)> listener) {
  std::lock_guard lock(listeners_->mutex);
  uint64_t id = listeners_->next_id++;
  listeners_->by_id[id] = std::move(listener);
  return std::make_unique<Handle>(listeners_, id);
}

void PeerDeliverSource::Stop() {
  if (stopped_.exchange(true)) return;
  listeners_->Notify(channel_->Height());
}

}  // namespace loom::peer
