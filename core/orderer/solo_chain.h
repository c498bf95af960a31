// SoloChain: the solo consenter of one channel — two threads around a
// SoloLog and a ChainBuilder.
//
//   log thread    takes every queued Order (and time-to-cut request), appends
//                 them with one SoloLog::Append (one fdatasync: group commit),
//                 hands the logged entries to the chain thread, then calls
//                 each OrderDone (OK: durable; else the log's error).
//   chain thread  applies logged entries in order with the ChainBuilder
//                 (which cuts, signs and stores blocks), tells the block
//                 listeners, and runs BatchTimeout: the timer starts when an
//                 envelope enters an empty batch; when it fires a
//                 time-to-cut entry naming next_block_number() is appended
//                 to the log, so the cut is replayed identically after a
//                 crash.
//
// Start() replays the log from builder->last_applied_index() + 1 before any
// thread runs. Stop() lets both threads finish what is queued (entries
// logged are applied; nothing is lost either way since the log is durable),
// joins them and calls the block listeners a last time; orders arriving
// after it fail with Unavailable.
// Order, AddBlockListener and Stop are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/ledger/block_store.h"
#include "core/orderer/block_listeners.h"
#include "core/orderer/chain_builder.h"
#include "core/orderer/chain_events.h"
#include "core/orderer/consenter.h"
#include "core/orderer/ordering_channel.h"
#include "core/orderer/solo_log.h"
#include "core/util/status.h"

namespace loom::orderer {

class SoloChain : public Consenter {
 public:
  struct Options {
    std::chrono::milliseconds batch_timeout{2000};
    size_t max_entries_per_append = 4096;
    ChainEvents* events = nullptr;  // optional; must outlive the chain
    // Called with each replayed envelope entry's tx id (to refuse replays
    // of envelopes that were logged before a restart but are not in a block).
    std::function<void(const std::string& tx_id)> on_replayed_tx;
  };

  // `log`, `builder` and `store` must outlive the chain. Replays the log,
  // then starts the threads. Errors from the log or the builder during the
  // replay are returned (Corruption / IoError).
  static Result<std::unique_ptr<SoloChain>> Start(SoloLog* log, ChainBuilder* builder,
                                                  ledger::BlockStore* store, std::string channel_id,
                                                  Options options);
  ~SoloChain() override;  // Stop()
  SoloChain(const SoloChain&) = delete;
  SoloChain& operator=(const SoloChain&) = delete;

  void Order(std::string envelope, std::string tx_id, OrderingChannel::OrderDone done) override;
  // See OrderingChannel::AddBlockListener. A listener must not destroy its
  // own handle from inside the call.
  std::unique_ptr<OrderingChannel::ListenerHandle> AddBlockListener(
      std::function<void(uint64_t height)> listener) override;
  void Stop() override;

  // Not OK once the log or the builder failed; the chain then refuses
  // orders until the node restarts (and replays).
  Status health() const override;
  uint64_t replayed_entries() const { return replayed_entries_; }

 private:
  struct PendingOrder {
    LogEntry entry;
    std::string tx_id;
    OrderingChannel::OrderDone done;  // empty for time-to-cut entries
  };
  SoloChain(SoloLog* log, ChainBuilder* builder, ledger::BlockStore* store, std::string channel_id,
            Options options);
  Status Replay();
  void LogLoop();
  void ChainLoop();
  // Applies one entry; reports blocks. Returns false on a builder failure.
  bool ApplyEntry(const LogEntry& entry, std::chrono::steady_clock::time_point now);
  void ReportBlocks(const std::vector<common::Block>& blocks, const std::vector<CutReason>& reasons,
                    std::chrono::steady_clock::time_point now);
  void NotifyListeners(uint64_t height);
  void Fail(const Status& status);
  void EnqueueLocked(PendingOrder order);  // requires log_mutex_

  SoloLog* const log_;
  ChainBuilder* const builder_;
  ledger::BlockStore* const store_;
  const std::string channel_id_;
  const Options options_;
  uint64_t replayed_entries_ = 0;

  mutable std::mutex health_mutex_;
  Status health_;

  // Log thread input.
  std::mutex log_mutex_;
  std::condition_variable log_wakeup_;
  std::deque<PendingOrder> log_queue_;
  bool stopping_ = false;

  // Chain thread input.
  std::mutex chain_mutex_;
  std::condition_variable chain_wakeup_;
  std::deque<LogEntry> chain_queue_;
  bool log_finished_ = false;

  // Chain thread state (only the chain thread touches these).
  std::optional<std::chrono::steady_clock::time_point> batch_started_;  // first pending envelope
  std::optional<uint64_t> time_to_cut_requested_;                       // for this block number

  BlockListeners listeners_;

  std::mutex stop_mutex_;
  bool stopped_ = false;
  std::thread log_thread_;
  std::thread chain_thread_;
};

}  // namespace loom::orderer
