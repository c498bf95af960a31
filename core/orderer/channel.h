// Channel: one channel this orderer serves — its genesis block, block store,
// policies (from its last config block) and consenter: solo (a SoloLog, a
// chain builder and SoloChain threads) or etcdraft (a RaftChain).
//
// On disk, under the channel's folder:
//   ledger/  the BlockStore (block 0 = the genesis block it was joined with)
//   log/     solo: the SoloLog of accepted envelopes and time-to-cut entries
//   raft/    etcdraft: libraft's log, metadata and snapshots
//
// Opening recovers: the block store cuts a torn tail, the log cuts a torn
// record, the chain builder resumes from the last block's log index and the
// log is replayed from there, so every envelope that was acknowledged
// (durable in the log) ends up in exactly one block. What recovery did is in
// recovery_notes().
//
// Thread-safe (OrderingChannel's contract). Stop() finishes queued work and
// closes the block store (waking Deliver waiters); the channel then refuses
// orders.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/ledger/block_store.h"
#include "core/orderer/chain_builder.h"
#include "core/orderer/chain_events.h"
#include "core/orderer/consenter.h"
#include "core/orderer/ordering_channel.h"
#include "core/orderer/solo_chain.h"
#include "core/orderer/solo_log.h"
#include "core/orderer/tx_id_guard.h"
#include "core/protocol/signer.h"

namespace loom::orderer {

struct RaftContext;
class RaftChain;

struct ChannelOptions {
  const protocol::Signer* signer = nullptr;  // the orderer's identity; must outlive the channel
  // For etcdraft channels: the node's Raft loop and cluster transport
  // (nullptr: the node orders solo channels only).
  RaftContext* raft = nullptr;
  // This node's own Deliver endpoint ("host:port"), left out when a Raft
  // channel pulls blocks from the other orderers of its config.
  std::string self_endpoint;
  ChainEvents* events = nullptr;  // optional; must outlive the channel
  SoloLogOptions log;
  size_t tx_id_memory = TxIdGuard::kDefaultCapacity;
};

class Channel : public OrderingChannel {
 public:
  // Opens the channel kept in `dir` (made by an earlier Join). NotFound when
  // `dir` holds no channel.
  static Result<std::shared_ptr<Channel>> Open(const std::string& dir, const ChannelOptions& options);
  // Makes `dir` the home of the channel whose block 0 is `genesis`, or opens
  // it when it is already there; FailedPrecondition when it was joined with
  // a different genesis block.
  static Result<std::shared_ptr<Channel>> Join(const std::string& dir, const common::Block& genesis,
                                               const ChannelOptions& options);
  ~Channel() override;

  // OrderingChannel.
  const std::string& channel_id() const override { return config_.channel_id; }
  std::shared_ptr<const channelconfig::PolicyManager> policy_manager() const override { return policies_; }
  uint32_t absolute_max_bytes() const override { return batch_.absolute_max_bytes; }
  TxIdGuard& tx_ids() override { return *tx_ids_; }
  void Order(std::string envelope, std::string tx_id, OrderDone done) override;
  const ledger::BlockStore& block_store() const override { return *store_; }
  std::unique_ptr<ListenerHandle> AddBlockListener(std::function<void(uint64_t height)> listener) override;
  bool stopped() const override { return stopped_.load(); }

  void Stop();

  const channelconfig::ChannelConfig& config() const { return config_; }
  const BatchConfig& batch_config() const { return batch_; }
  const std::vector<std::string>& recovery_notes() const { return recovery_notes_; }
  // Not OK once ordering failed (the node must restart to replay).
  Status health() const { return chain_ == nullptr ? Status::Unavailable("stopped") : chain_->health(); }
  // The Raft state of an etcdraft channel; nullopt for solo.
  std::optional<RaftStatus> raft_status() const;

 private:
  Channel() = default;
  Status StartSolo(const std::string& dir, const ChannelOptions& options);
  Status StartRaft(const std::string& dir, const ChannelOptions& options);
  static Result<std::shared_ptr<Channel>> OpenStore(const std::string& dir,
                                                    std::unique_ptr<ledger::BlockStore> store,
                                                    const ChannelOptions& options);

  channelconfig::ChannelConfig config_;
  BatchConfig batch_;
  std::shared_ptr<const channelconfig::PolicyManager> policies_;
  std::unique_ptr<ledger::BlockStore> store_;
  std::unique_ptr<SoloLog> log_;
  std::unique_ptr<TxIdGuard> tx_ids_;
  std::unique_ptr<ChainBuilder> builder_;
  RaftChain* raft_chain_ = nullptr;   // chain_ when it is a RaftChain
  std::unique_ptr<Consenter> chain_;  // declared last: stopped first
  std::vector<std::string> recovery_notes_;
  std::atomic<bool> stopped_{false};
};

// The folder of channel `channel_id` under a node's data folder
// (<data_dir>/channels/<channel_id>).
std::string ChannelDir(const std::string& data_dir, const std::string& channel_id);

// InvalidArgument unless `channel_id` is a Fabric channel name: lower-case
// letters, digits, '.' and '-', starting with a letter, at most 249 bytes.
Status ValidateChannelId(const std::string& channel_id);

}  // namespace loom::orderer
