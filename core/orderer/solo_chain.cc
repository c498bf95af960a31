#include "core/orderer/solo_chain.h"

#include <cstdio>
#include <utility>

#include "core/protocol/envelope.h"

namespace loom::orderer {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr size_t kReplayChunk = 4096;

}  // namespace

SoloChain::SoloChain(SoloLog* log, ChainBuilder* builder, ledger::BlockStore* store, std::string channel_id,
                     Options options)
    : log_(log),
      builder_(builder),
      store_(store),
      channel_id_(std::move(channel_id)),
      options_(std::move(options)) {}

Result<std::unique_ptr<SoloChain>> SoloChain::Start(SoloLog* log, ChainBuilder* builder,
                                                    ledger::BlockStore* store, std::string channel_id,
                                                    Options options) {
  std::unique_ptr<SoloChain> chain(
      new SoloChain(log, builder, store, std::move(channel_id), std::move(options)));
  LOOM_RETURN_IF_ERROR(chain->Replay());
  chain->log_thread_ = std::thread([raw = chain.get()] { raw->LogLoop(); });
  chain->chain_thread_ = std::thread([raw = chain.get()] { raw->ChainLoop(); });
  return chain;
}

SoloChain::~SoloChain() {
  Stop();
}

Status SoloChain::Replay() {
  uint64_t applied = builder_->last_applied_index();
  uint64_t logged = log_->next_index() - 1;
  if (applied > logged) {
    return Status::Corruption("channel " + channel_id_ + ": the chain records log entry " +
                              std::to_string(applied) + " but the log in " + log_->dir() + " ends at " +
                              std::to_string(logged));
  }
  uint64_t next = applied + 1;
  while (next <= logged) {
    auto entries = log_->ReadFrom(next, kReplayChunk);
    if (!entries.ok()) return entries.status().WithContext("channel " + channel_id_ + ": replaying the log");
    if (entries->empty()) break;
    for (const LogEntry& entry : *entries) {
      if (entry.kind == LogEntry::kEnvelope && options_.on_replayed_tx) {
        auto parsed = protocol::ParseEnvelopeBytes(entry.envelope);
        if (parsed.ok()) options_.on_replayed_tx(parsed->channel_header.tx_id());
      }
      if (!ApplyEntry(entry, SteadyClock::now())) return health();
      ++replayed_entries_;
    }
    next = entries->back().index + 1;
  }
  return Status::Ok();
}

void SoloChain::Order(std::string envelope, std::string tx_id, OrderingChannel::OrderDone done) {
  Status status = health();
  if (status.ok()) {
    std::unique_lock lock(log_mutex_);
    if (!stopping_) {
      EnqueueLocked(PendingOrder{LogEntry::Envelope(channel_id_, std::move(envelope)), std::move(tx_id),
                                 std::move(done)});
      return;
    }
    status = Status::Unavailable("channel " + channel_id_ + " is shutting down");
  }
  done(status);
}

void SoloChain::EnqueueLocked(PendingOrder order) {
  log_queue_.push_back(std::move(order));
  if (log_queue_.size() == 1) log_wakeup_.notify_one();
}

std::unique_ptr<OrderingChannel::ListenerHandle> SoloChain::AddBlockListener(
    std::function<void(uint64_t height)> listener) {
  return listeners_.Add(std::move(listener));
}

void SoloChain::Stop() {
  std::lock_guard stop_lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(log_mutex_);
    stopping_ = true;
  }
  log_wakeup_.notify_all();
  if (log_thread_.joinable()) log_thread_.join();
  if (chain_thread_.joinable()) chain_thread_.join();
  NotifyListeners(store_->Height());  // waiters learn that nothing more comes
}

Status SoloChain::health() const {
  std::lock_guard lock(health_mutex_);
  return health_;
}

void SoloChain::Fail(const Status& status) {
  std::fprintf(stderr, "loom-orderer: channel %s stopped ordering: %s\n", channel_id_.c_str(),
               status.ToString().c_str());
  std::lock_guard lock(health_mutex_);
  if (health_.ok()) health_ = status;
}

void SoloChain::LogLoop() {
  std::vector<PendingOrder> batch;
  for (;;) {
    {
      std::unique_lock lock(log_mutex_);
      log_wakeup_.wait(lock, [this] { return stopping_ || !log_queue_.empty(); });
      if (log_queue_.empty()) break;  // stopping, and everything queued is logged
      size_t take = std::min(log_queue_.size(), options_.max_entries_per_append);
      batch.clear();
      for (size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(log_queue_.front()));
        log_queue_.pop_front();
      }
    }
    std::vector<LogEntry> entries;
    entries.reserve(batch.size());
    for (PendingOrder& order : batch) entries.push_back(std::move(order.entry));

    Status status = health();
    auto sync_started = SteadyClock::now();
    Result<std::vector<LogEntry>> logged =
        status.ok() ? log_->Append(std::move(entries)) : Result<std::vector<LogEntry>>(status);
    if (!logged.ok()) {
      status = logged.status().WithContext("appending to the log of channel " + channel_id_);
      if (health().ok()) Fail(status);
      for (PendingOrder& order : batch) {
        if (order.done) order.done(status);
      }
      continue;
    }
    if (options_.events != nullptr) {
      std::vector<LoggedEntry> report;
      report.reserve(logged->size());
      for (size_t i = 0; i < logged->size(); ++i) {
        report.push_back(LoggedEntry{(*logged)[i].index, (*logged)[i].kind, batch[i].tx_id});
      }
      options_.events->OnEntriesLogged(channel_id_, report, SteadyClock::now() - sync_started);
    }
    {
      std::lock_guard lock(chain_mutex_);
      for (LogEntry& entry : *logged) chain_queue_.push_back(std::move(entry));
    }
    chain_wakeup_.notify_one();
    for (PendingOrder& order : batch) {
      if (order.done) order.done(Status::Ok());
    }
  }
  {
    std::lock_guard lock(chain_mutex_);
    log_finished_ = true;
  }
  chain_wakeup_.notify_one();
}

void SoloChain::ChainLoop() {
  std::deque<LogEntry> work;
  for (;;) {
    bool finished = false;
    {
      std::unique_lock lock(chain_mutex_);
      auto ready = [this] { return log_finished_ || !chain_queue_.empty(); };
      if (batch_started_ && !time_to_cut_requested_) {
        chain_wakeup_.wait_until(lock, *batch_started_ + options_.batch_timeout, ready);
      } else {
        chain_wakeup_.wait(lock, ready);
      }
      work.swap(chain_queue_);
      finished = log_finished_ && work.empty();
    }
    if (finished) break;

    uint64_t height_before = store_->Height();
    for (const LogEntry& entry : work) {
      if (!ApplyEntry(entry, SteadyClock::now())) break;
    }
    work.clear();
    uint64_t height = store_->Height();
    if (height != height_before) NotifyListeners(height);

    // BatchTimeout: log a time-to-cut for the pending batch once.
    if (batch_started_ && !time_to_cut_requested_ &&
        SteadyClock::now() >= *batch_started_ + options_.batch_timeout && health().ok()) {
      uint64_t block_number = builder_->next_block_number();
      time_to_cut_requested_ = block_number;
      std::lock_guard lock(log_mutex_);
      if (!stopping_)
        EnqueueLocked(PendingOrder{LogEntry::TimeToCut(channel_id_, block_number), "", nullptr});
    }
  }
}

bool SoloChain::ApplyEntry(const LogEntry& entry, SteadyClock::time_point now) {
  if (!health().ok()) return false;
  auto blocks = builder_->Apply(entry);
  if (!blocks.ok()) {
    Fail(blocks.status().WithContext("applying log entry " + std::to_string(entry.index)));
    return false;
  }
  if (!blocks->empty()) {
    ReportBlocks(*blocks, builder_->last_cut_reasons(), now);
    batch_started_.reset();
    time_to_cut_requested_.reset();
    // Whole segments whose entries are all in blocks can go. Compact waits
    // for an append in progress, so only try once a segment is complete.
    Status compacted =
        log_->segment_count() > 1 ? log_->Compact(builder_->last_applied_index()) : Status::Ok();
    if (!compacted.ok()) {
      std::fprintf(stderr, "loom-orderer: channel %s: compacting the log: %s\n", channel_id_.c_str(),
                   compacted.ToString().c_str());
    }
  }
  if (builder_->has_pending() && !batch_started_) batch_started_ = now;
  if (!builder_->has_pending()) {
    batch_started_.reset();
    time_to_cut_requested_.reset();
  }
  return true;
}

void SoloChain::ReportBlocks(const std::vector<common::Block>& blocks, const std::vector<CutReason>& reasons,
                             SteadyClock::time_point now) {
  ReportWrittenBlocks(options_.events, channel_id_, blocks, reasons, batch_started_, now);
}

void SoloChain::NotifyListeners(uint64_t height) {
  listeners_.Notify(height);
}

}  // namespace loom::orderer
