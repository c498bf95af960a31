#include "core/orderer/raft_chain.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <future>
#include <utility>

#include "core/orderer/envelope_tx_id.h"
#include "core/orderer/raft_applier.h"
#include "core/protocol/envelope.h"
#include "core/raft/cluster_transport.h"
#include "core/raft/event_loop.h"
#include "core/raft/raft_c.h"
#include "core/util/file_util.h"
#include "core/util/worker_pool.h"

namespace loom::orderer {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr size_t kMaxEntriesPerApply = 1024;

// libraft wants entry counts; etcdraft's SnapshotIntervalSize is bytes.
// Assume ~4 KB per entry (3 KB envelopes plus framing).
unsigned SnapshotThreshold(uint32_t snapshot_interval_size) {
  uint64_t entries = snapshot_interval_size == 0 ? 4096 : snapshot_interval_size / 4096;
  return static_cast<unsigned>(std::clamp<uint64_t>(entries, 64, 1u << 20));
}

std::string RaftError(int code, struct raft* r) {
  std::string text = raft_strerror(code);
  if (r != nullptr && r->errmsg[0] != '\0') text += std::string(": ") + raft_errmsg(r);
  return text;
}

}  // namespace

// The libraft objects of the channel; loop thread only. The apply request
// owns the proposals it carries until its callback.
struct RaftChain::RaftState {
  struct raft raft {};
  struct raft_io io {};
  raft_uv_transport* transport = nullptr;
  uv_timer_t poll_timer{};
  bool timer_open = false;
  bool started = false;
  bool closed = false;
  int closes_pending = 0;  // raft and the timer
  std::promise<void> close_done;

  void CloseFinished() {
    if (--closes_pending == 0) close_done.set_value();
  }
};

namespace {

struct ApplyRequest {
  struct raft_apply req {};
  std::vector<OrderingChannel::OrderDone> dones;
  RaftChain* chain = nullptr;
};

}  // namespace

RaftChain::RaftChain(ledger::BlockStore* store, Options options)
    : store_(store), options_(std::move(options)), raft_(std::make_unique<RaftState>()) {}

Result<std::unique_ptr<RaftChain>> RaftChain::Start(ledger::BlockStore* store, const protocol::Signer* signer,
                                                    Options options) {
  if (options.context == nullptr || options.context->loop == nullptr ||
      options.context->transport == nullptr) {
    return Status::FailedPrecondition("channel " + options.channel_id +
                                      " uses Raft; this orderer has no cluster_address configured");
  }
  auto self = std::find(options.consenters.begin(), options.consenters.end(), options.context->self_address);
  if (self == options.consenters.end()) {
    std::string list;
    for (const std::string& consenter : options.consenters) list += (list.empty() ? "" : ", ") + consenter;
    return Status::FailedPrecondition("channel " + options.channel_id + ": this orderer's cluster address " +
                                      options.context->self_address +
                                      " is not one of the channel's consenters (" + list + ")");
  }
  std::unique_ptr<RaftChain> chain(new RaftChain(store, std::move(options)));
  chain->self_id_ = static_cast<uint64_t>(self - chain->options_.consenters.begin()) + 1;
  LOOM_RETURN_IF_ERROR(MakeDirectories(chain->options_.raft_dir));
  LOOM_ASSIGN_OR_RETURN(chain->applier_, RaftApplier::Create(store, signer, chain->options_.batch));
  const ChainBuilder& builder = chain->applier_->builder();
  chain->fsm_ = std::make_unique<RaftChainFsm>(chain->options_.channel_id, chain->options_.batch,
                                               builder.next_block_number(), builder.last_applied_index(),
                                               static_cast<RaftChainSink*>(chain.get()));
  {
    std::lock_guard lock(chain->status_mutex_);
    chain->status_.self_id = chain->self_id_;
    chain->status_.cluster_size = chain->options_.consenters.size();
  }
  chain->chain_thread_ = std::thread([raw = chain.get()] { raw->ChainLoop(); });
  Status started = Status::Internal("the event loop stopped");
  chain->options_.context->loop->RunSync([&] { started = chain->StartRaft(); });
  if (!started.ok()) {
    chain->Stop();
    return started.WithContext("starting Raft for channel " + chain->options_.channel_id);
  }
  return chain;
}

RaftChain::~RaftChain() {
  Stop();
}

Status RaftChain::StartRaft() {
  RaftState& state = *raft_;
  raft::ClusterTransport* transport = options_.context->transport;
  state.transport = transport->AddGroup(options_.channel_id);
  if (state.transport == nullptr) return Status::AlreadyExists("a Raft group for this channel already runs");
  int rv =
      raft_uv_init(&state.io, options_.context->loop->loop(), options_.raft_dir.c_str(), state.transport);
  if (rv != 0) return Status::IoError("raft_uv_init " + options_.raft_dir + ": " + raft_strerror(rv));
  const std::string& self_address = options_.consenters[self_id_ - 1];
  rv = raft_init(&state.raft, &state.io, fsm_->fsm(), self_id_, self_address.c_str());
  if (rv != 0) {
    raft_uv_close(&state.io);
    transport->ReleaseGroup(state.transport);
    return Status::Internal("raft_init: " + RaftError(rv, nullptr));
  }
  state.raft.data = this;
  fsm_->Attach(&state.raft);

  const auto& opts = options_.raft;
  auto tick = std::chrono::duration_cast<std::chrono::milliseconds>(opts.tick_interval_duration);
  if (tick.count() <= 0) tick = std::chrono::milliseconds(500);
  unsigned election_ticks = opts.election_tick == 0 ? 10 : opts.election_tick;
  unsigned heartbeat_ticks = opts.heartbeat_tick == 0 ? 1 : opts.heartbeat_tick;
  raft_set_election_timeout(&state.raft, static_cast<unsigned>(tick.count()) * election_ticks);
  raft_set_heartbeat_timeout(&state.raft, static_cast<unsigned>(tick.count()) * heartbeat_ticks);
  unsigned threshold = SnapshotThreshold(opts.snapshot_interval_size);
  raft_set_snapshot_threshold(&state.raft, threshold);
  raft_set_snapshot_trailing(&state.raft, threshold);
  raft_set_pre_vote(&state.raft, true);

  struct raft_configuration configuration;
  raft_configuration_init(&configuration);
  for (size_t i = 0; i < options_.consenters.size(); ++i) {
    rv = raft_configuration_add(&configuration, i + 1, options_.consenters[i].c_str(), RAFT_VOTER);
    if (rv != 0) break;
  }
  if (rv == 0) rv = raft_bootstrap(&state.raft, &configuration);
  raft_configuration_close(&configuration);
  if (rv != 0 && rv != RAFT_CANTBOOTSTRAP) {  // CANTBOOTSTRAP: the group already has state
    std::string why = RaftError(rv, &state.raft);
    state.started = true;  // raft_close releases what raft_init made
    CloseRaft();
    return Status::IoError("bootstrapping the Raft group: " + why);
  }
  rv = raft_start(&state.raft);
  state.started = true;
  if (rv != 0) {
    std::string why = RaftError(rv, &state.raft);
    CloseRaft();
    return Status::IoError("raft_start: " + why);
  }
  transport->SetForwardHandler(options_.channel_id,
                               [this](std::string payload, std::function<void(Status)> reply) {
                                 OnForwarded(std::move(payload), std::move(reply));
                               });
  // The poll timer: leadership changes (libraft 0.15 has no callback for
  // them), BatchTimeout and orders waiting for a leader.
  auto poll_every = std::clamp<std::chrono::milliseconds>(
      options_.batch.batch_timeout / 10, std::chrono::milliseconds(5), std::chrono::milliseconds(50));
  uv_timer_init(options_.context->loop->loop(), &state.poll_timer);
  state.poll_timer.data = this;
  state.timer_open = true;
  uv_timer_start(
      &state.poll_timer, [](uv_timer_t* timer) { static_cast<RaftChain*>(timer->data)->Poll(); },
      static_cast<uint64_t>(poll_every.count()), static_cast<uint64_t>(poll_every.count()));
  return Status::Ok();
}

void RaftChain::CloseRaft() {
  RaftState& state = *raft_;
  if (state.closed) return;
  state.closed = true;
  options_.context->transport->SetForwardHandler(options_.channel_id, nullptr);
  state.closes_pending = 1;  // released below, so a callback cannot finish early
  if (state.timer_open) {
    ++state.closes_pending;
    uv_close(reinterpret_cast<uv_handle_t*>(&state.poll_timer),
             [](uv_handle_t* handle) { static_cast<RaftChain*>(handle->data)->raft_->CloseFinished(); });
  }
  if (state.started) {
    ++state.closes_pending;
    raft_close(&state.raft, [](struct raft* r) {
      auto* chain = static_cast<RaftChain*>(r->data);
      raft_uv_close(&chain->raft_->io);
      chain->raft_->CloseFinished();
    });
  }
  state.CloseFinished();
}

void RaftChain::Order(std::string envelope, std::string tx_id, OrderingChannel::OrderDone done) {
  (void)tx_id;
  Status status = health();
  if (status.ok()) {
    Proposal proposal{EncodeLogEntry(LogEntry::Envelope(options_.channel_id, std::move(envelope))),
                      std::move(done), SteadyClock::now() + options_.no_leader_wait};
    bool post = false;
    {
      std::lock_guard lock(incoming_mutex_);
      if (!stopping_) {
        incoming_.push_back(std::move(proposal));
        post = !flush_posted_;
        flush_posted_ = true;
        if (post && !options_.context->loop->Post([this] { FlushIncoming(); })) {
          // The loop is gone: answer below.
          flush_posted_ = false;
          done = std::move(incoming_.back().done);
          incoming_.pop_back();
          status = Status::Unavailable("channel " + options_.channel_id + " is shutting down");
        } else {
          return;
        }
      } else {
        done = std::move(proposal.done);
        status = Status::Unavailable("channel " + options_.channel_id + " is shutting down");
      }
    }
  }
  done(status);
}

void RaftChain::FlushIncoming() {
  std::vector<Proposal> proposals;
  {
    std::lock_guard lock(incoming_mutex_);
    proposals.swap(incoming_);
    flush_posted_ = false;
  }
  if (!waiting_for_leader_.empty()) {  // keep the order of arrival
    for (Proposal& p : proposals) waiting_for_leader_.push_back(std::move(p));
    RetryWaiting();
    return;
  }
  Dispatch(std::move(proposals));
}

void RaftChain::Dispatch(std::vector<Proposal> proposals) {
  if (proposals.empty()) return;
  RaftState& state = *raft_;
  if (state.closed) {
    for (Proposal& p : proposals) {
      p.done(Status::Unavailable("channel " + options_.channel_id + " is shutting down"));
    }
    return;
  }
  if (raft_state(&state.raft) == RAFT_LEADER) {
    ApplyAsLeader(std::move(proposals));
    return;
  }
  raft_id leader_id = 0;
  const char* leader_address = nullptr;
  raft_leader(&state.raft, &leader_id, &leader_address);
  if (leader_id == 0 || leader_id == self_id_ || leader_address == nullptr) {
    for (Proposal& p : proposals) waiting_for_leader_.push_back(std::move(p));
    return;
  }
  std::string address = leader_address;
  for (Proposal& p : proposals) {
    // The leader answers with the entry committed, or with why not. When
    // nothing reached it (it is down, or no longer leads) the proposal waits
    // for the next leader; when the outcome is unknown the client hears so.
    auto proposal = std::make_shared<Proposal>(Proposal{p.payload, std::move(p.done), p.deadline});
    options_.context->transport->Forward(
        options_.channel_id, self_id_, address, std::move(p.payload),
        [this, proposal, address](Status status) {
          if (status.code() == Status::Code::kFailedPrecondition && !raft_->closed &&
              SteadyClock::now() < proposal->deadline) {
            waiting_for_leader_.push_back(std::move(*proposal));
            return;
          }
          if (status.code() == Status::Code::kFailedPrecondition) {
            status = Status::Unavailable("channel " + options_.channel_id +
                                         ": no Raft leader took the envelope (" + status.message() + ")");
          } else if (status.code() == Status::Code::kUnavailable) {
            status = Status::Unavailable("channel " + options_.channel_id +
                                         ": forwarding to the Raft leader at " + address + " failed (" +
                                         status.message() + "); the envelope may or may not be ordered");
          }
          proposal->done(status);
        });
  }
}

void RaftChain::ApplyAsLeader(std::vector<Proposal> proposals) {
  RaftState& state = *raft_;
  size_t offset = 0;
  while (offset < proposals.size()) {
    size_t count = std::min(kMaxEntriesPerApply, proposals.size() - offset);
    auto request = std::make_unique<ApplyRequest>();
    request->chain = this;
    request->req.data = request.get();
    std::vector<raft_buffer> buffers(count);
    for (size_t i = 0; i < count; ++i) {
      Proposal& p = proposals[offset + i];
      std::string command = FrameRaftCommand(p.payload);
      buffers[i].len = command.size();
      buffers[i].base = raft_malloc(command.size());
      std::memcpy(buffers[i].base, command.data(), command.size());
      request->dones.push_back(std::move(p.done));
    }
    int rv = raft_apply(&state.raft, &request->req, buffers.data(), static_cast<unsigned>(count),
                        [](struct raft_apply* req, int status, void* /*result*/) {
                          std::unique_ptr<ApplyRequest> request(static_cast<ApplyRequest*>(req->data));
                          Status outcome = Status::Ok();
                          if (status != 0) {
                            request->chain->NoteProposalFailure();
                            outcome = Status::Unavailable("channel " + request->chain->options_.channel_id +
                                                          ": Raft did not commit (" + raft_strerror(status) +
                                                          "); the envelope may or may not be ordered");
                          }
                          for (auto& done : request->dones) {
                            if (done) done(outcome);
                          }
                        });
    if (rv != 0) {
      for (raft_buffer& buffer : buffers) raft_free(buffer.base);  // still ours when raft_apply fails
      NoteProposalFailure();
      Status outcome =
          Status::Unavailable("channel " + options_.channel_id + ": this orderer cannot propose (" +
                              RaftError(rv, &state.raft) + ")");
      for (auto& done : request->dones) {
        if (done) done(outcome);
      }
    } else {
      request.release();  // the callback owns it
    }
    offset += count;
  }
}

void RaftChain::NoteProposalFailure() {
  std::lock_guard lock(status_mutex_);
  ++status_.proposal_failures;
}

void RaftChain::OnForwarded(std::string payload, std::function<void(Status)> reply) {
  auto entry = DecodeLogEntry(payload);
  if (!entry.ok()) {
    reply(entry.status().WithContext("forwarded entry"));
    return;
  }
  if (entry->kind != LogEntry::kEnvelope || entry->channel != options_.channel_id) {
    reply(Status::InvalidArgument("forwarded entry: not an envelope of channel " + options_.channel_id));
    return;
  }
  auto forwarded = std::make_shared<ForwardedEnvelope>();
  forwarded->payload = std::move(payload);
  forwarded->reply = std::move(reply);
  forwarded_.push_back(forwarded);
  const auto& check = options_.context->check_forwarded;
  util::WorkerPool* workers = options_.context->check_workers;
  if (!check) {
    forwarded->verdict = Status::Ok();
  } else if (workers == nullptr) {
    forwarded->verdict = check(entry->envelope);
  } else {
    {
      std::lock_guard lock(checks_mutex_);
      ++checks_in_flight_;
    }
    // The check runs on a worker; the verdict comes back to the loop, where
    // envelopes are proposed in arrival order.
    bool posted = workers->Post([this, forwarded, envelope = std::move(entry->envelope)]() mutable {
      Status verdict = options_.context->check_forwarded(envelope);
      bool back = options_.context->loop->Post([this, forwarded, verdict = std::move(verdict)] {
        forwarded->verdict = verdict;
        ProposeCheckedForwards();
        CheckFinished();
      });
      if (!back) CheckFinished();  // the loop stopped: Stop answers what is left
    });
    if (!posted) {
      forwarded->verdict = Status::Unavailable("channel " + options_.channel_id + " is shutting down");
      CheckFinished();
    }
  }
  ProposeCheckedForwards();
}

void RaftChain::ProposeCheckedForwards() {
  std::vector<Proposal> proposals;
  bool leader = !raft_->closed && raft_state(&raft_->raft) == RAFT_LEADER;
  while (!forwarded_.empty() && forwarded_.front()->verdict.has_value()) {
    std::shared_ptr<ForwardedEnvelope> forwarded = std::move(forwarded_.front());
    forwarded_.pop_front();
    if (!forwarded->verdict->ok()) {
      forwarded->reply(*forwarded->verdict);
    } else if (raft_->closed) {
      forwarded->reply(Status::Unavailable("channel " + options_.channel_id + " is shutting down"));
    } else if (!leader) {
      // Nothing was proposed: the follower may send it to the next leader.
      forwarded->reply(Status::FailedPrecondition("not the Raft leader of channel " + options_.channel_id));
    } else {
      proposals.push_back(
          Proposal{std::move(forwarded->payload), std::move(forwarded->reply), SteadyClock::now()});
    }
  }
  if (!proposals.empty()) ApplyAsLeader(std::move(proposals));
}

void RaftChain::CheckFinished() {
  std::lock_guard lock(checks_mutex_);
  if (--checks_in_flight_ == 0) checks_done_.notify_all();
}

void RaftChain::Poll() {
  RaftState& state = *raft_;
  if (state.closed) return;
  raft_id leader_id = 0;
  const char* leader_address = nullptr;
  raft_leader(&state.raft, &leader_id, &leader_address);
  bool changed = false;
  {
    std::lock_guard lock(status_mutex_);
    bool is_leader = raft_state(&state.raft) == RAFT_LEADER;
    if (leader_id != last_leader_id_) {
      if (leader_id != 0) ++status_.leader_changes;
      last_leader_id_ = leader_id;
      changed = true;
    }
    changed = changed || is_leader != status_.is_leader || status_.term != state.raft.current_term ||
              status_.commit_index != state.raft.commit_index;
    status_.is_leader = is_leader;
    status_.leader_id = leader_id;
    status_.leader_address = leader_address == nullptr ? "" : leader_address;
    status_.term = state.raft.current_term;
    status_.commit_index = state.raft.commit_index;
    status_.last_applied = raft_last_applied(&state.raft);
    changed = changed || status_.snapshot_index != state.raft.log.snapshot.last_index ||
              status_.log_first_index != state.raft.log.offset + 1;
    status_.snapshot_index = state.raft.log.snapshot.last_index;
    status_.log_first_index = state.raft.log.offset + 1;
  }
  if (changed && options_.events != nullptr) options_.events->OnRaftStatus(options_.channel_id, status());
  if (!waiting_for_leader_.empty()) RetryWaiting();
  MaybeProposeTimeToCut();
}

void RaftChain::RetryWaiting() {
  raft_id leader_id = 0;
  const char* leader_address = nullptr;
  raft_leader(&raft_->raft, &leader_id, &leader_address);
  std::vector<Proposal> ready;
  auto now = SteadyClock::now();
  while (!waiting_for_leader_.empty()) {
    Proposal p = std::move(waiting_for_leader_.front());
    waiting_for_leader_.pop_front();
    if (leader_id != 0) {
      ready.push_back(std::move(p));
    } else if (now >= p.deadline) {
      p.done(Status::Unavailable("channel " + options_.channel_id +
                                 " has no Raft leader (no election won within " +
                                 std::to_string(options_.no_leader_wait.count()) + " ms)"));
    } else {
      waiting_for_leader_.push_back(std::move(p));
      break;  // the rest are younger
    }
  }
  // Keep the order: anything still waiting stays behind what goes now.
  if (!ready.empty()) Dispatch(std::move(ready));
}

void RaftChain::MaybeProposeTimeToCut() {
  if (raft_state(&raft_->raft) != RAFT_LEADER || !fsm_->has_pending()) {
    time_to_cut_proposed_.reset();
    return;
  }
  uint64_t block = fsm_->next_block_number();
  if (time_to_cut_proposed_ == block) return;
  if (SteadyClock::now() < fsm_->pending_since() + options_.batch.batch_timeout) return;
  time_to_cut_proposed_ = block;
  std::vector<Proposal> proposals;
  proposals.push_back(
      Proposal{EncodeLogEntry(LogEntry::TimeToCut(options_.channel_id, block)), nullptr, SteadyClock::now()});
  ApplyAsLeader(std::move(proposals));
}

void RaftChain::OnCommitted(LogEntry entry, uint64_t term) {
  // Loop thread, once per entry: the id is read off the wire, not parsed.
  std::string tx_id;
  if (entry.kind == LogEntry::kEnvelope) {
    if (std::optional<std::string_view> id = EnvelopeTxId(entry.envelope)) tx_id = *id;
  }
  if (!tx_id.empty() && options_.on_committed_tx) options_.on_committed_tx(tx_id);
  if (options_.events != nullptr) {
    options_.events->OnEntriesLogged(options_.channel_id,
                                     {LoggedEntry{entry.index, entry.kind, std::move(tx_id), term, "raft"}},
                                     std::chrono::nanoseconds(0));
  }
  {
    std::lock_guard lock(chain_mutex_);
    chain_queue_.push_back(std::move(entry));
  }
  chain_wakeup_.notify_one();
}

void RaftChain::OnRestored(const RaftSnapshotState& snapshot) {
  {
    std::lock_guard lock(chain_mutex_);
    chain_queue_.push_back(Restore{snapshot});
  }
  chain_wakeup_.notify_one();
}

void RaftChain::OnSkipped(uint64_t index, const Status& why) {
  if (options_.context->log) {
    options_.context->log("channel " + options_.channel_id + ": Raft entry " + std::to_string(index) +
                          " skipped: " + why.ToString());
  }
}

void RaftChain::ChainLoop() {
  std::deque<ChainItem> work;
  for (;;) {
    {
      std::unique_lock lock(chain_mutex_);
      chain_wakeup_.wait(lock, [this] { return chain_stopping_ || !chain_queue_.empty(); });
      if (chain_queue_.empty()) break;  // stopping, and everything queued is applied
      work.swap(chain_queue_);
    }
    uint64_t height_before = store_->Height();
    for (ChainItem& item : work) {
      if (!ApplyItem(item)) break;
    }
    work.clear();
    uint64_t height = store_->Height();
    if (height != height_before) listeners_.Notify(height);
  }
}

bool RaftChain::ApplyItem(ChainItem& item) {
  if (!health().ok()) return false;
  auto now = SteadyClock::now();
  if (auto* restore = std::get_if<Restore>(&item)) {
    if (options_.context->log) {
      options_.context->log("channel " + options_.channel_id + ": installing the Raft snapshot at index " +
                            std::to_string(restore->snapshot.applied_index) + " (height " +
                            std::to_string(restore->snapshot.height) + ", this node has " +
                            std::to_string(store_->Height()) + " blocks)");
    }
    Status restored = applier_->Restore(restore->snapshot, options_.puller.get());
    if (!restored.ok()) {
      Fail(restored.WithContext("restoring the Raft snapshot at index " +
                                std::to_string(restore->snapshot.applied_index)));
      return false;
    }
    if (options_.context->log) {
      options_.context->log("channel " + options_.channel_id + ": restored the Raft snapshot at index " +
                            std::to_string(restore->snapshot.applied_index) + " (height " +
                            std::to_string(restore->snapshot.height) + "); " +
                            std::to_string(applier_->pulled_blocks()) +
                            " blocks pulled from other orderers so far");
    }
    chain_batch_started_.reset();
    if (applier_->builder().has_pending()) chain_batch_started_ = now;
    return true;
  }
  const LogEntry& entry = std::get<LogEntry>(item);
  auto blocks = applier_->Apply(entry);
  if (!blocks.ok()) {
    Fail(blocks.status().WithContext("applying Raft entry " + std::to_string(entry.index)));
    return false;
  }
  if (!blocks->empty()) {
    ReportWrittenBlocks(options_.events, options_.channel_id, *blocks, applier_->builder().last_cut_reasons(),
                        chain_batch_started_, now);
    chain_batch_started_.reset();
  }
  if (applier_->builder().has_pending() && !chain_batch_started_) chain_batch_started_ = now;
  return true;
}

void RaftChain::Fail(const Status& status) {
  if (options_.context->log) {
    options_.context->log("channel " + options_.channel_id + " stopped ordering: " + status.ToString());
  }
  std::lock_guard lock(health_mutex_);
  if (health_.ok()) health_ = status;
}

Status RaftChain::health() const {
  std::lock_guard lock(health_mutex_);
  return health_;
}

RaftStatus RaftChain::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

std::unique_ptr<OrderingChannel::ListenerHandle> RaftChain::AddBlockListener(
    std::function<void(uint64_t height)> listener) {
  return listeners_.Add(std::move(listener));
}

void RaftChain::Stop() {
  std::lock_guard stop_lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(incoming_mutex_);
    stopping_ = true;
  }
  // Close Raft on the loop: pending applies and forwards complete (with
  // errors) before the close callback; orders still queued are refused.
  std::future<void> closed = raft_->close_done.get_future();
  bool posted = options_.context != nullptr && options_.context->loop != nullptr &&
                options_.context->loop->RunSync([this] {
                  FlushIncoming();
                  std::deque<Proposal> waiting;
                  waiting.swap(waiting_for_leader_);
                  for (Proposal& p : waiting) {
                    if (p.done)
                      p.done(Status::Unavailable("channel " + options_.channel_id + " is shutting down"));
                  }
                  CloseRaft();
                });
  if (posted) closed.wait();
  {
    // Checks still on the workers come back to the loop (answered there as
    // shutting down) or, when the loop is gone, finish without it.
    std::unique_lock lock(checks_mutex_);
    checks_done_.wait(lock, [this] { return checks_in_flight_ == 0; });
  }
  auto answer_unchecked = [this] {
    for (auto& forwarded : forwarded_) {
      forwarded->reply(Status::Unavailable("channel " + options_.channel_id + " is shutting down"));
    }
    forwarded_.clear();
  };
  if (!(options_.context != nullptr && options_.context->loop != nullptr &&
        options_.context->loop->RunSync(answer_unchecked))) {
    answer_unchecked();  // no loop thread left to race with
  }
  {
    std::lock_guard lock(chain_mutex_);
    chain_stopping_ = true;
  }
  chain_wakeup_.notify_all();
  if (chain_thread_.joinable()) chain_thread_.join();
  listeners_.Notify(store_->Height());  // waiters learn that nothing more comes
}

}  // namespace loom::orderer
