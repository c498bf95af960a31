#include "app/bench/engine.h"

#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "app/bench/block_events.h"
#include "core/client/proposal.h"
#include "core/util/worker_pool.h"
#include "peer/proposal.pb.h"

namespace loom::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int kSuccess = 200;  // common::Status SUCCESS

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The proposal of `request`, with its last argument made from the tx id when
// the workload asks for it (and then signed again).
Result<client::SignedProposal> MakeProposal(const BenchTarget& target, const TxRequest& request) {
  client::ProposalRequest proposal_request{target.channel, target.chaincode, request.args, {}, false};
  LOOM_ASSIGN_OR_RETURN(client::SignedProposal proposal,
                        client::CreateSignedProposal(*target.signer, proposal_request));
  if (!request.last_arg_from_tx_id) return proposal;
  LOOM_ASSIGN_OR_RETURN(std::string last, request.last_arg_from_tx_id(proposal.tx_id));
  protos::ChaincodeProposalPayload payload;
  protos::ChaincodeInvocationSpec invocation;
  if (!payload.ParseFromString(proposal.proposal.payload()) || !invocation.ParseFromString(payload.input())) {
    return Status::Internal("the proposal just made does not parse");
  }
  auto* args = invocation.mutable_chaincode_spec()->mutable_input()->mutable_args();
  args->Mutable(args->size() - 1)->assign(last);
  payload.set_input(invocation.SerializeAsString());
  proposal.proposal.set_payload(payload.SerializeAsString());
  std::string bytes = proposal.proposal.SerializeAsString();
  LOOM_ASSIGN_OR_RETURN(std::string signature, target.signer->Sign(bytes));
  proposal.signed_proposal.set_proposal_bytes(std::move(bytes));
  proposal.signed_proposal.set_signature(std::move(signature));
  return proposal;
}

}  // namespace

std::string_view ToString(Mode mode) {
  switch (mode) {
    case Mode::kEndToEnd: return "end-to-end";
    case Mode::kEndorseOnly: return "endorse-only";
    case Mode::kOrderOnly: return "order-only";
    case Mode::kValidateOnly: return "validate-only";
  }
  return "?";
}

std::string_view ToString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kValid: return "valid";
    case Outcome::kInvalid: return "invalid";
    case Outcome::kEndorseFailed: return "endorse_failed";
    case Outcome::kBroadcastRefused: return "broadcast_refused";
    case Outcome::kTimedOut: return "timed_out";
    case Outcome::kClientError: return "client_error";
  }
  return "?";
}

uint64_t ExpectedTxs(const EngineOptions& options) {
  if (options.loop == config::LoadMode::kOpen)
    return IntendedSendTimes(options.profile, options.duration).size();
  // Closed loop: generously, 1000 tx/s (4000 for order-only, which skips the peers).
  double seconds = std::chrono::duration<double>(options.duration).count();
  double rate = options.mode == Mode::kOrderOnly ? 4000 : 1000;
  return static_cast<uint64_t>(std::max(1.0, seconds) * rate) + options.in_flight;
}

// Everything one run shares between its client threads, its block streams
// and the calling thread.
struct Engine::State {
  const BenchTarget& target;
  const EngineOptions& options;
  Workload& workload;
  std::vector<std::shared_ptr<grpc::Channel>> endorsers;
  std::shared_ptr<grpc::Channel> orderer;
  std::vector<std::shared_ptr<grpc::Channel>> broadcast_orderers;  // `orderer` first
  std::unique_ptr<util::WorkerPool> endorse_pool;
  SteadyClock::time_point start;
  std::chrono::system_clock::time_point stream_deadline;

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<TxRecord> records;                        // measured run; references stay valid
  std::deque<TxRecord> setup_records;                  // set-up phases
  std::unordered_map<std::string, TxRecord*> pending;  // broadcast, not yet seen in a block
  uint64_t in_flight = 0;
  uint64_t blocks_seen = 0;

  std::atomic<uint64_t> next_slot{0}, sent{0}, done{0}, valid{0}, invalid{0}, failed{0}, late{0};
  std::atomic<int> clients_running{0};
  std::vector<Nanos> schedule;             // open loop
  std::vector<common::Envelope> prebuilt;  // order-only
  bool measuring = false;                  // set-up records are not counted

  State(const BenchTarget& t, const EngineOptions& o, Workload& w) : target(t), options(o), workload(w) {}

  Nanos Now() const { return SteadyClock::now() - start; }
  bool Stopped() const { return options.stop != nullptr && options.stop->load(); }

  // Call with `mutex` held: the transaction is over.
  void FinishLocked(TxRecord& record, Outcome outcome) {
    record.outcome = outcome;
    if (in_flight > 0) --in_flight;
    if (measuring) {
      ++done;
      if (outcome == Outcome::kValid)
        ++valid;
      else if (outcome == Outcome::kInvalid)
        ++invalid;
      else
        ++failed;
    }
    changed.notify_all();
  }
  void Finish(TxRecord& record, Outcome outcome, std::string error = {}) {
    std::lock_guard lock(mutex);
    record.error = std::move(error);
    FinishLocked(record, outcome);
  }

  void OnPeerBlock(uint64_t number, const std::vector<BlockTx>& txs, SteadyClock::time_point arrived) {
    std::lock_guard lock(mutex);
    ++blocks_seen;
    // Order-only transactions are done when the orderer's stream shows them;
    // the peers see (and invalidate) them too, maybe first.
    if (measuring && options.mode == Mode::kOrderOnly) return;
    for (const BlockTx& tx : txs) {
      auto it = pending.find(tx.tx_id);
      if (it == pending.end()) continue;
      TxRecord& record = *it->second;
      pending.erase(it);
      record.committed = arrived - start;
      record.block = static_cast<int64_t>(number);
      record.code = tx.code;
      FinishLocked(record, tx.code == 0 ? Outcome::kValid : Outcome::kInvalid);
    }
  }

  // Time out what was sent too long ago.
  void Reap() {
    std::lock_guard lock(mutex);
    Nanos now = Now();
    for (auto it = pending.begin(); it != pending.end();) {
      TxRecord& record = *it->second;
      if (now - record.sent > options.tx_timeout) {
        record.error = "not seen committed within " + std::to_string(options.tx_timeout.count()) + " ms";
        it = pending.erase(it);
        FinishLocked(record, Outcome::kTimedOut);
      } else {
        ++it;
      }
    }
  }

  std::vector<protos::ProposalResponse> EndorseAll(const protos::SignedProposal& proposal,
                                                   std::string* error) {
    size_t count = endorsers.size();
    std::vector<Result<protos::ProposalResponse>> answers(count, Status::Internal("not asked"));
    std::mutex done_mutex;
    std::condition_variable done_cv;
    size_t remaining = count - 1;
    for (size_t i = 1; i < count; ++i) {
      endorse_pool->Post([&, i] {
        Result<protos::ProposalResponse> answer =
            client::Endorse(endorsers[i], proposal, options.call_timeout);
        std::lock_guard lock(done_mutex);
        answers[i] = std::move(answer);
        if (--remaining == 0) done_cv.notify_all();
      });
    }
    answers[0] = client::Endorse(endorsers[0], proposal, options.call_timeout);
    {
      std::unique_lock lock(done_mutex);
      done_cv.wait(lock, [&] { return remaining == 0; });
    }
    std::vector<protos::ProposalResponse> responses;
    for (size_t i = 0; i < count; ++i) {
      const std::string& peer = target.endorsers[i].name;
      if (!answers[i].ok()) {
        if (error->empty()) *error = peer + ": " + answers[i].status().message();
      } else if (answers[i]->response().status() >= 400) {
        if (error->empty()) {
          *error = peer + ": " + std::to_string(answers[i]->response().status()) + " " +
                   answers[i]->response().message();
        }
      } else {
        responses.push_back(std::move(*answers[i]));
      }
    }
    return responses;
  }

  // Endorse, assemble, broadcast: the record is finished here on failure,
  // or later by the block stream / the reaper.
  void Execute(TxRecord& record, const TxRequest& request, BroadcastStream& broadcast, Mode mode) {
    Result<client::SignedProposal> proposal = MakeProposal(target, request);
    if (!proposal.ok()) return Finish(record, Outcome::kClientError, proposal.status().message());
    record.tx_id = proposal->tx_id;
    std::string error;
    std::vector<protos::ProposalResponse> responses = EndorseAll(proposal->signed_proposal, &error);
    if (!error.empty()) {
      record.endorsed = Now();
      return Finish(record, Outcome::kEndorseFailed, error);
    }
    Result<common::Envelope> envelope = client::AssembleTransaction(*proposal, responses, *target.signer);
    record.endorsed = Now();
    if (!envelope.ok()) return Finish(record, Outcome::kEndorseFailed, envelope.status().message());
    if (mode == Mode::kEndorseOnly) return Finish(record, Outcome::kValid);
    Broadcast(record, *envelope, broadcast);
  }

  void Broadcast(TxRecord& record, const common::Envelope& envelope, BroadcastStream& broadcast) {
    {
      std::lock_guard lock(mutex);
      pending[record.tx_id] = &record;  // before sending: the block may come before the ack
    }
    Result<std::pair<int, std::string>> ack = broadcast.Send(envelope);
    std::lock_guard lock(mutex);
    // The ack can arrive after the block that holds the transaction (the
    // stream threads race): the ordering phase then ends at the commit.
    if (record.ordered.count() < 0) {
      record.ordered = record.committed.count() >= 0 ? std::min(Now(), record.committed) : Now();
    }
    if (ack.ok() && ack->first == kSuccess) return;
    auto it = pending.find(record.tx_id);
    if (it == pending.end() || it->second != &record) return;  // already finished (seen in a block)
    pending.erase(it);
    record.error = ack.ok() ? "orderer answered " + std::to_string(ack->first) + " " + ack->second
                            : ack.status().message();
    FinishLocked(record, Outcome::kBroadcastRefused);
  }

  TxRecord& NewRecord(uint64_t seq, int client, Nanos intended) {
    std::lock_guard lock(mutex);
    TxRecord& record = records.emplace_back();
    record.seq = seq;
    record.client = client;
    record.intended = intended;
    return record;
  }

  void ClientLoop(int client) {
    KeyGenerator keys(options.keys, options.seed * 1000003ULL + static_cast<uint64_t>(client), client);
    BroadcastStream broadcast(broadcast_orderers, stream_deadline);
    const bool open = options.loop == config::LoadMode::kOpen;
    const SteadyClock::time_point end = start + options.duration;
    while (true) {
      uint64_t seq = 0;
      Nanos intended{0};
      if (Stopped()) break;
      if (open) {
        seq = next_slot++;
        if (seq >= schedule.size()) break;
        intended = schedule[seq];
        std::this_thread::sleep_until(start + intended);
        if (Stopped()) break;
        std::lock_guard lock(mutex);
        ++in_flight;
      } else {
        std::unique_lock lock(mutex);
        changed.wait_until(lock, end, [&] { return in_flight < options.in_flight || Stopped(); });
        if (SteadyClock::now() >= end || Stopped()) break;
        ++in_flight;
        seq = next_slot++;
        intended = Now();
      }
      if (options.mode == Mode::kOrderOnly && seq >= prebuilt.size()) {
        std::lock_guard lock(mutex);
        --in_flight;
        break;
      }
      TxRecord& record = NewRecord(seq, client, intended);
      record.sent = Now();
      record.late = open && record.sent - intended > options.late_threshold;
      if (record.late) ++late;
      ++sent;
      if (options.mode == Mode::kOrderOnly) {
        const common::Envelope& envelope = prebuilt[seq];
        common::Payload payload;
        common::ChannelHeader header;
        payload.ParseFromString(envelope.payload());
        header.ParseFromString(payload.header().channel_header());
        record.tx_id = header.tx_id();
        record.endorsed = record.sent;
        Broadcast(record, envelope, broadcast);
        continue;
      }
      Result<TxRequest> request = workload.Next(seq, keys);
      if (!request.ok()) {
        Finish(record, Outcome::kClientError, request.status().message());
        continue;
      }
      Execute(record, *request, broadcast, options.mode);
    }
    --clients_running;
    changed.notify_all();
  }

  // Commits `requests` end to end (not measured); the number that failed.
  Result<uint64_t> RunSetupPhase(const std::vector<TxRequest>& requests) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    std::vector<TxRecord*> mine(requests.size());
    for (size_t i = 0; i < requests.size(); ++i) {
      std::lock_guard lock(mutex);
      mine[i] = &setup_records.emplace_back();
    }
    for (uint32_t c = 0; c < std::max<uint32_t>(1, options.clients); ++c) {
      threads.emplace_back([&] {
        BroadcastStream broadcast(broadcast_orderers,
                                  std::chrono::system_clock::now() + options.tx_timeout * 4);
        for (size_t i = next++; i < requests.size(); i = next++) {
          mine[i]->sent = Now();
          {
            std::lock_guard lock(mutex);
            ++in_flight;
          }
          Execute(*mine[i], requests[i], broadcast, Mode::kEndToEnd);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    std::unique_lock lock(mutex);
    while (true) {
      bool all_done =
          std::none_of(mine.begin(), mine.end(), [&](TxRecord* r) { return pending.count(r->tx_id); });
      if (all_done) break;
      lock.unlock();
      Reap();
      lock.lock();
      changed.wait_for(lock, std::chrono::milliseconds(100));
    }
    uint64_t failed_count = 0;
    std::string first_error;
    for (size_t i = 0; i < requests.size(); ++i) {
      const TxRecord& r = *mine[i];
      bool fine = r.outcome == Outcome::kValid ||
                  (requests[i].may_already_exist && r.outcome == Outcome::kEndorseFailed &&
                   r.error.find("already") != std::string::npos);
      if (!fine) {
        ++failed_count;
        if (first_error.empty()) {
          first_error = std::string(ToString(r.outcome)) +
                        (r.code > 0 ? " code " + std::to_string(r.code) : "") +
                        (r.error.empty() ? "" : ": " + r.error);
        }
      }
    }
    if (failed_count == requests.size() && !requests.empty()) {
      return Status::FailedPrecondition("every set-up transaction of the workload failed (" +
                                        std::to_string(failed_count) + "), e.g. " + first_error);
    }
    return failed_count;
  }

  // Order-only: `count` envelopes signed now, each a fresh tx id carrying
  // one real endorsement of a template proposal.
  Status PrebuildEnvelopes(uint64_t count) {
    KeyGenerator keys(options.keys, options.seed);
    LOOM_ASSIGN_OR_RETURN(TxRequest request, workload.Next(0, keys));
    LOOM_ASSIGN_OR_RETURN(client::SignedProposal template_proposal, MakeProposal(target, request));
    std::string error;
    std::vector<protos::ProposalResponse> responses = EndorseAll(template_proposal.signed_proposal, &error);
    if (!error.empty())
      return Status::FailedPrecondition("order-only: the template endorsement failed: " + error);
    prebuilt.resize(count);
    std::atomic<uint64_t> next{0};
    std::mutex error_mutex;
    Status failure;
    std::vector<std::thread> threads;
    unsigned workers = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned t = 0; t < workers; ++t) {
      threads.emplace_back([&] {
        for (uint64_t i = next++; i < count; i = next++) {
          Result<client::SignedProposal> proposal = MakeProposal(target, request);
          Result<common::Envelope> envelope =
              proposal.ok() ? client::AssembleTransaction(*proposal, responses, *target.signer)
                            : Result<common::Envelope>(proposal.status());
          if (!envelope.ok()) {
            std::lock_guard lock(error_mutex);
            failure = envelope.status();
            return;
          }
          prebuilt[i] = std::move(*envelope);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    return failure;
  }
};

Engine::Engine(BenchTarget target, EngineOptions options)
    : target_(std::move(target)), options_(std::move(options)) {}
Engine::~Engine() = default;

Result<RunResult> Engine::Run(Workload& workload, const std::function<void(const Progress&)>& on_progress) {
  if (target_.endorsers.empty())
    return Status::InvalidArgument("no endorsing peer for channel " + target_.channel);
  if (!target_.signer) return Status::InvalidArgument("no client identity to sign with");
  if (options_.mode == Mode::kValidateOnly) {
    return Status::InvalidArgument("validate-only runs in-process (ValidateOnlyRun), not against a network");
  }
  State state(target_, options_, workload);
  for (const EndorserTarget& endorser : target_.endorsers)
    state.endorsers.push_back(client::Dial(endorser.endpoint));
  state.orderer = client::Dial(target_.orderer);
  state.broadcast_orderers.push_back(state.orderer);
  for (const client::Endpoint& other : target_.other_orderers) {
    state.broadcast_orderers.push_back(client::Dial(other));
  }
  state.endorse_pool = std::make_unique<util::WorkerPool>(std::max<size_t>(
      1, options_.clients * (target_.endorsers.size() > 1 ? target_.endorsers.size() - 1 : 1)));
  state.start = SteadyClock::now();
  const auto stream_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.call_timeout);

  LOOM_ASSIGN_OR_RETURN(auto peer_stream,
                        BlockEventStream::Start(
                            BlockEventStream::Source::kPeerFiltered,
                            client::Dial(target_.watch_peer.endpoint), target_.channel, *target_.signer,
                            [&state](uint64_t n, const std::vector<BlockTx>& txs,
                                     SteadyClock::time_point at) { state.OnPeerBlock(n, txs, at); },
                            stream_timeout));

  RunResult result;
  result.cores = std::max(1u, std::thread::hardware_concurrency());
  const uint64_t expected = ExpectedTxs(options_);
  LOOM_ASSIGN_OR_RETURN(auto phases, workload.Setup(expected));
  for (const std::vector<TxRequest>& phase : phases) {
    LOOM_ASSIGN_OR_RETURN(uint64_t failed, state.RunSetupPhase(phase));
    result.setup_txs += phase.size();
    result.setup_failed += failed;
  }
  if (result.setup_failed > 0) {
    result.warnings.push_back(std::to_string(result.setup_failed) + " of " +
                              std::to_string(result.setup_txs) + " set-up transactions failed");
  }

  std::unique_ptr<BlockEventStream> orderer_stream;
  if (options_.mode == Mode::kOrderOnly) {
    LOOM_RETURN_IF_ERROR(state.PrebuildEnvelopes(expected));
    LOOM_ASSIGN_OR_RETURN(
        orderer_stream,
        BlockEventStream::Start(
            BlockEventStream::Source::kOrdererBlocks, state.orderer, target_.channel, *target_.signer,
            [&state](uint64_t n, const std::vector<BlockTx>& txs, SteadyClock::time_point at) {
              std::lock_guard lock(state.mutex);
              for (const BlockTx& tx : txs) {
                auto it = state.pending.find(tx.tx_id);
                if (it == state.pending.end()) continue;
                TxRecord& record = *it->second;
                state.pending.erase(it);
                record.committed = at - state.start;
                record.block = static_cast<int64_t>(n);
                state.FinishLocked(record, Outcome::kValid);
              }
            },
            stream_timeout));
  }
  if (options_.loop == config::LoadMode::kOpen) {
    state.schedule = IntendedSendTimes(options_.profile, options_.duration);
  }
  // Warm-up, not measured: connections up and the chaincode started on every
  // endorser (its first call launches it), so the first sends do not wait.
  state.orderer->WaitForConnected(std::chrono::system_clock::now() + options_.call_timeout);
  if (options_.mode != Mode::kOrderOnly) {
    KeyGenerator keys(options_.keys, options_.seed);
    Result<TxRequest> request = workload.Next(0, keys);
    Result<client::SignedProposal> proposal =
        request.ok() ? MakeProposal(target_, *request) : Result<client::SignedProposal>(request.status());
    std::string ignored;
    if (proposal.ok()) state.EndorseAll(proposal->signed_proposal, &ignored);
  }

  // The measured run.
  {
    std::lock_guard lock(state.mutex);
    state.measuring = true;
    state.in_flight = 0;
  }
  state.start = SteadyClock::now();
  result.started_at = std::chrono::system_clock::now();
  state.stream_deadline =
      result.started_at + options_.duration + options_.tx_timeout + std::chrono::seconds(5);
  double cpu_before = CpuSeconds();
  uint32_t clients = std::max<uint32_t>(1, options_.clients);
  state.clients_running = static_cast<int>(clients);
  std::vector<std::thread> threads;
  for (uint32_t c = 0; c < clients; ++c)
    threads.emplace_back([&state, c] { state.ClientLoop(static_cast<int>(c)); });

  const double duration_s = std::chrono::duration<double>(options_.duration).count();
  bool sends_over = false;
  while (true) {
    {
      std::unique_lock lock(state.mutex);
      state.changed.wait_for(lock, std::chrono::milliseconds(200));
      if (state.Stopped()) state.changed.notify_all();  // wake closed-loop clients
      if (!sends_over && state.clients_running == 0) {
        sends_over = true;
        result.measured = state.Stopped() ? state.Now() : std::max(options_.duration, state.Now());
      }
      if (sends_over && state.pending.empty()) break;
    }
    state.Reap();
    if (on_progress) {
      Progress progress;
      progress.elapsed_s = std::chrono::duration<double>(state.Now()).count();
      progress.duration_s = duration_s;
      if (!state.schedule.empty()) {
        progress.scheduled = static_cast<uint64_t>(
            std::upper_bound(state.schedule.begin(), state.schedule.end(), state.Now()) -
            state.schedule.begin());
      }
      progress.sent = state.sent;
      progress.done = state.done;
      progress.valid = state.valid;
      progress.invalid = state.invalid;
      progress.failed = state.failed;
      progress.late = state.late;
      progress.draining = sends_over;
      on_progress(progress);
    }
  }
  for (std::thread& thread : threads) thread.join();
  result.drained = state.Now();
  result.generator_cpu_s = CpuSeconds() - cpu_before;
  orderer_stream.reset();
  peer_stream.reset();
  {
    std::lock_guard lock(state.mutex);
    result.blocks_seen = state.blocks_seen;
    result.records.assign(state.records.begin(), state.records.end());
  }
  if (state.Stopped()) {
    std::string unsent = options_.loop == config::LoadMode::kOpen
                             ? "; " + std::to_string(state.schedule.size() - result.records.size()) +
                                   " scheduled sends were not made"
                             : "";
    result.warnings.push_back(
        "interrupted after " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(result.measured).count()) + " s" +
        unsent + "; what was sent is reported");
  }
  std::sort(result.records.begin(), result.records.end(),
            [](const TxRecord& a, const TxRecord& b) { return a.seq < b.seq; });
  if (options_.mode == Mode::kOrderOnly && options_.loop == config::LoadMode::kClosed &&
      state.next_slot > state.prebuilt.size()) {
    result.warnings.push_back("order-only: the " + std::to_string(state.prebuilt.size()) +
                              " pre-built envelopes ran out before the duration ended");
  }
  return result;
}

}  // namespace loom::bench
