#include "core/orderer/ordering_channel.h"

#include "core/ledger/block_store.h"

namespace loom::orderer {

uint64_t OrderingChannel::deliverable_height() const {
  return block_store().Height();
}

Result<std::string> OrderingChannel::GetBlockBytes(uint64_t number) const {
  return block_store().GetBlockBytes(number);
}

bool OrderingChannel::WaitForBlock(uint64_t number, std::chrono::steady_clock::time_point deadline) const {
  return block_store().WaitForBlock(number, deadline);
}

Status ChannelRegistry::Add(std::shared_ptr<OrderingChannel> channel) {
  std::lock_guard lock(mutex_);
  const std::string& id = channel->channel_id();
  if (!channels_.emplace(id, std::move(channel)).second) {
    return Status::AlreadyExists("channel " + id + " is already served by this orderer");
  }
  return Status::Ok();
}

std::shared_ptr<OrderingChannel> ChannelRegistry::Find(const std::string& channel_id) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel_id);
  return it == channels_.end() ? nullptr : it->second;
}

std::vector<std::string> ChannelRegistry::ChannelIds() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& [id, channel] : channels_) ids.push_back(id);
  return ids;
}

}  // namespace loom::orderer
