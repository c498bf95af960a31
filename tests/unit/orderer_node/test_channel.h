// TestChannel: an OrderingChannel for handler tests, with the real policies
// and block store of a test network's genesis block and a log the test
// completes by hand. Not thread-safe (tests drive it from one thread),
// except its block listeners, which gRPC streams add and drop from their own
// threads; the test calls NotifyListeners after appending.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/ledger/block_store.h"
#include "core/orderer/ordering_channel.h"
#include "core/orderer/tx_id_guard.h"
#include "tests/support/orderer_network.h"

namespace loom::orderer::testing {

using loom::testing::OrdererNetwork;

class TestChannel : public OrderingChannel {
 public:
  static std::shared_ptr<TestChannel> Create(const OrdererNetwork& network, const std::string& store_dir) {
    auto channel = std::shared_ptr<TestChannel>(new TestChannel());
    auto config = channelconfig::ReadChannelConfig(network.genesis());
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    channel->id_ = config->channel_id;
    channel->max_bytes_ = config->orderer->absolute_max_bytes;
    auto policies = channelconfig::PolicyManager::Create(*config);
    EXPECT_TRUE(policies.ok()) << policies.status().ToString();
    channel->policies_ = *policies;
    auto store = ledger::BlockStore::Open(store_dir);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    channel->store_ = std::move(*store);
    EXPECT_TRUE(channel->store_->Append(network.genesis()).ok());
    ledger::BlockStore* raw_store = channel->store_.get();
    channel->guard_ = std::make_unique<TxIdGuard>(
        [raw_store](std::string_view tx_id) { return raw_store->GetTxLocation(tx_id).ok(); });
    return channel;
  }

  const std::string& channel_id() const override { return id_; }
  std::shared_ptr<const channelconfig::PolicyManager> policy_manager() const override { return policies_; }
  uint32_t absolute_max_bytes() const override { return max_bytes_; }
  TxIdGuard& tx_ids() override { return *guard_; }
  void Order(std::string envelope, std::string, OrderDone done) override {
    ordered.push_back(std::move(envelope));
    if (complete_at_once) {
      done(order_result);
    } else {
      pending.push_back(std::move(done));
    }
  }
  const ledger::BlockStore& block_store() const override { return *store_; }
  bool stopped() const override { return stopped_flag; }
  ledger::BlockStore& mutable_store() { return *store_; }
  // As a config block taking effect would.
  void set_policy_manager(std::shared_ptr<const channelconfig::PolicyManager> policies) {
    policies_ = std::move(policies);
  }
  std::unique_ptr<ListenerHandle> AddBlockListener(std::function<void(uint64_t)> listener) override {
    std::lock_guard lock(listeners_->mutex);
    uint64_t id = listeners_->next_id++;
    listeners_->by_id[id] = std::move(listener);
    return std::make_unique<Handle>(listeners_, id);
  }
  // Calls every listener with the store's height (as the channel does after
  // an append). Dropping a handle waits for a call in progress.
  void NotifyListeners() {
    std::lock_guard lock(listeners_->mutex);
    for (auto& [id, listener] : listeners_->by_id) listener(store_->Height());
  }

  bool stopped_flag = false;
  bool complete_at_once = true;
  Status order_result;
  std::vector<std::string> ordered;
  std::vector<OrderDone> pending;

 private:
  TestChannel() = default;

  struct Listeners {
    std::mutex mutex;
    uint64_t next_id = 0;
    std::map<uint64_t, std::function<void(uint64_t)>> by_id;
  };
  class Handle : public ListenerHandle {
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

  std::shared_ptr<Listeners> listeners_ = std::make_shared<Listeners>();
  std::string id_;
  uint32_t max_bytes_ = 0;
  std::shared_ptr<const channelconfig::PolicyManager> policies_;
  std::unique_ptr<ledger::BlockStore> store_;
  std::unique_ptr<TxIdGuard> guard_;
};

}  // namespace loom::orderer::testing
