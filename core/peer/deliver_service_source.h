// PeerDeliverSource: a PeerChannel seen by Deliver (orderer::DeliverSource),
// so the peer serves Fabric's seek semantics and access checks with the
// orderer's DeliverHandler and DeliverCursor.
//
//   readers_policy()      the channel config's ACL for the source's resource
//                         (event/Block for Deliver and DeliverWithPrivateData,
//                         event/FilteredBlock for DeliverFiltered), as
//                         Fabric's peer checks it; /Channel/Application/Readers
//                         (Fabric's default for both) when the config has none
//   deliverable_height()  PeerChannel::Height(): committed blocks only, so a
//                         block is sent after its state is visible
//   AddBlockListener      called from the channel's commit listener (after
//                         the state is visible), and once by Stop()
//
// Thread-safe. The source keeps the channel alive; Stop() it before the
// channel stops so waiting Deliver requests end with SERVICE_UNAVAILABLE.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/orderer/deliver_source.h"
#include "core/peer/peer_channel.h"

namespace loom::peer {

inline constexpr char kBlockEventResource[] = "event/Block";
inline constexpr char kFilteredBlockEventResource[] = "event/FilteredBlock";

// The policy guarding `resource` on a channel: the Application ACL of
// `config` when it names one (a name without a leading '/' is under
// /Channel/), else /Channel/Application/Readers. Pure.
std::string DeliverPolicyFor(const channelconfig::ChannelConfig& config, std::string_view resource);

class PeerDeliverSource : public orderer::DeliverSource {
 public:
  // `resource`: kBlockEventResource or kFilteredBlockEventResource.
  static std::shared_ptr<PeerDeliverSource> Create(std::shared_ptr<PeerChannel> channel,
                                                   std::string resource = kBlockEventResource);
  ~PeerDeliverSource() override;

  const std::string& channel_id() const override { return channel_->channel_id(); }
  std::shared_ptr<const channelconfig::PolicyManager> policy_manager() const override {
    return channel_->policy_manager();
  }
  std::string readers_policy() const override { return DeliverPolicyFor(*channel_->config(), resource_); }
  uint64_t deliverable_height() const override { return channel_->Height(); }
  Result<std::string> GetBlockBytes(uint64_t number) const override;
  bool WaitForBlock(uint64_t number, std::chrono::steady_clock::time_point deadline) const override;
  bool stopped() const override { return stopped_.load(); }
  std::unique_ptr<ListenerHandle> AddBlockListener(std::function<void(uint64_t height)> listener) override;

  // Deliver ends its waits (SERVICE_UNAVAILABLE); listeners are called once.
  void Stop();

  PeerChannel& channel() const { return *channel_; }

 private:
  struct Listeners {
    std::mutex mutex;  // held while listeners run: dropping a handle waits for a call
    uint64_t next_id = 0;
    std::map<uint64_t, std::function<void(uint64_t)>> by_id;
    void Notify(uint64_t height);
  };
  class Handle;

  PeerDeliverSource(std::shared_ptr<PeerChannel> channel, std::string resource);

  std::shared_ptr<PeerChannel> channel_;
  const std::string resource_;
  std::shared_ptr<Listeners> listeners_ = std::make_shared<Listeners>();
  uint64_t commit_listener_id_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace loom::peer
