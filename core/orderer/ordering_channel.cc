#include "core/orderer/ordering_channel.h"

namespace loom::orderer {

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
