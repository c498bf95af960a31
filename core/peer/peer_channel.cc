#include "core/peer/peer_channel.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "core/channelconfig/config_reader.h"
#include "core/ledger/ledger_db.h"
#include "core/orderer/block_check.h"
#include "core/peer/commit_metrics.h"
#include "core/peer/commit_trace.h"
#include "core/peer/state_hash.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/envelope.h"
#include "core/protocol/policy_text.h"
#include "core/trace/trace_hub.h"
#include "core/util/worker_pool.h"
#include "core/validator/block_transactions.h"
#include "core/validator/committed_tx_ids.h"
#include "core/validator/mvcc_validator.h"
#include "core/validator/parallel_validation.h"
#include "core/validator/tx_validator.h"
#include "core/validator/writer_index.h"
#include "peer/transaction.pb.h"

namespace loom::peer {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string BlockName(uint64_t number) {
  return "block " + std::to_string(number);
}

// The channel config in effect: the decoded tree and its policies (with the
// MSPs). Immutable once built.
struct ConfigState {
  std::shared_ptr<const channelconfig::ChannelConfig> config;
  std::shared_ptr<const channelconfig::PolicyManager> policies;
};

Result<ConfigState> LoadConfig(const common::Block& block) {
  LOOM_ASSIGN_OR_RETURN(channelconfig::ChannelConfig config, channelconfig::ReadChannelConfig(block));
  auto shared = std::make_shared<const channelconfig::ChannelConfig>(std::move(config));
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<const channelconfig::PolicyManager> policies,
                        channelconfig::PolicyManager::Create(*shared));
  return ConfigState{std::move(shared), std::move(policies)};
}

// An endorsement policy answer, comparable across snapshots.
struct PolicyAnswer {
  bool found = false;
  std::string policy_bytes;  // the marshalled envelope when found
  std::string text;          // for VSCC events
  Status error;              // the lookup's error when not found
  bool SameAs(const PolicyAnswer& other) const {
    return found == other.found && policy_bytes == other.policy_bytes && error.code() == other.error.code();
  }
};

PolicyAnswer AskPolicy(const EndorsementPolicySource& source, const ledger::StateSnapshot& snapshot,
                       const std::string& chaincode) {
  PolicyAnswer answer;
  auto policy = source(snapshot, chaincode);
  if (policy.ok()) {
    answer.found = true;
    answer.policy_bytes = policy->SerializeAsString();
    answer.text = protocol::SignaturePolicyToText(*policy);
  } else {
    answer.error = policy.status();
  }
  return answer;
}

// The policies one block's parallel phase asked for, once per chaincode.
class PolicyMemo {
 public:
  PolicyMemo(const EndorsementPolicySource& source, const ledger::StateSnapshot& snapshot)
      : source_(source), snapshot_(snapshot) {}

  Result<common::SignaturePolicyEnvelope> Get(const std::string& chaincode) {
    PolicyAnswer answer;
    {
      std::lock_guard lock(mutex_);
      auto found = answers_.find(chaincode);
      if (found == answers_.end())
        found = answers_.emplace(chaincode, AskPolicy(source_, snapshot_, chaincode)).first;
      answer = found->second;
    }
    if (!answer.found) return answer.error;
    common::SignaturePolicyEnvelope envelope;
    envelope.ParseFromString(answer.policy_bytes);
    return envelope;
  }

  std::map<std::string, PolicyAnswer> answers() const {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  const EndorsementPolicySource& source_;
  const ledger::StateSnapshot& snapshot_;
  mutable std::mutex mutex_;
  std::map<std::string, PolicyAnswer> answers_;
};

// What one block's validation plugins were told: the plugin name of each
// chaincode and every committed key a plugin read, so stage 2 can tell
// whether the state before the block answers the same.
class PluginReadMemo {
 public:
  explicit PluginReadMemo(const ValidationPluginSource& source) : source_(source) {}

  // Asked outside the lock (many validator threads read at once); two
  // threads asking the same snapshot get the same answer, the first kept.
  Result<std::string> PluginName(const ledger::StateSnapshot& snapshot, const std::string& chaincode) {
    {
      std::lock_guard lock(mutex_);
      auto found = names_.find(chaincode);
      if (found != names_.end()) return found->second;
    }
    Result<std::string> answer = source_(snapshot, chaincode);
    std::lock_guard lock(mutex_);
    return names_.emplace(chaincode, std::move(answer)).first->second;
  }

  Result<std::optional<ledger::VersionedValue>> Read(const ledger::StateSnapshot& snapshot,
                                                     const std::string& ns, const std::string& key) {
    std::pair<std::string, std::string> name(ns, key);
    {
      std::lock_guard lock(mutex_);
      auto found = reads_.find(name);
      if (found != reads_.end()) return found->second;
    }
    Result<std::optional<ledger::VersionedValue>> answer = snapshot.Get(ns, key);
    std::lock_guard lock(mutex_);
    return reads_.emplace(std::move(name), std::move(answer)).first->second;
  }

  bool SameAt(const ledger::StateSnapshot& snapshot) const {
    std::lock_guard lock(mutex_);
    for (const auto& [chaincode, name] : names_) {
      Result<std::string> now = source_(snapshot, chaincode);
      if (now.ok() != name.ok() || (now.ok() ? *now != *name : now.status().code() != name.status().code()))
        return false;
    }
    for (const auto& [key, value] : reads_) {
      Result<std::optional<ledger::VersionedValue>> now = snapshot.Get(key.first, key.second);
      if (!now.ok() || !value.ok() || now->has_value() != value->has_value()) return false;
      if (now->has_value() && ((*now)->value != (*value)->value || (*now)->version != (*value)->version))
        return false;
    }
    return true;
  }

 private:
  const ValidationPluginSource& source_;
  mutable std::mutex mutex_;
  std::map<std::string, Result<std::string>> names_;
  std::map<std::pair<std::string, std::string>, Result<std::optional<ledger::VersionedValue>>> reads_;
};

}  // namespace

class PeerChannel::Impl {
 public:
  // An accepted block waiting for (or in) the pipeline.
  struct Pending {
    common::Block block;
    uint64_t number = 0;
    std::vector<std::string> tx_ids;        // from the channel headers ("" when unreadable)
    std::optional<ConfigState> new_config;  // a config block's config, decoded at intake
    Clock::time_point received;
  };
  // A block through the parallel phase.
  struct Validated {
    std::shared_ptr<Pending> pending;
    std::vector<validator::TxVerdict> verdicts;
    std::map<std::string, PolicyAnswer> policies;  // what the phase was told, by chaincode
    uint64_t snapshot_height = 0;                  // the ledger height the policies were asked at (at least)
    std::shared_ptr<PluginReadMemo> plugin_reads;  // what the plugins were told
    // Stage 1 failed against a state older than the block's own (a lookup
    // error): stage 2 runs the phase again against the right state.
    bool redo = false;
    Clock::time_point started;  // the phase's run, for VSCC events and metrics
    Clock::time_point finished;
  };

  Impl(PeerChannelOptions options, std::string channel_id)
      : options_(std::move(options)), channel_id_(std::move(channel_id)) {}

  ~Impl() { Stop(); }

  // Opens (or creates) the ledger with the channel's hooks.
  Status OpenLedger() {
    ledger::KvLedgerOptions ledger_options = options_.ledger;
    ledger_options.block_extras = PeerBlockExtras;
    auto user_hook = options_.ledger.before_state_commit;
    ledger_options.before_state_commit = [this, user_hook](uint64_t number) {
      block_stored_at_ = Clock::now();
      return user_hook ? user_hook(number) : Status::Ok();
    };
    LOOM_ASSIGN_OR_RETURN(ledger_, ledger::KvLedger::Open(options_.dir, ledger_options));
    return Status::Ok();
  }

  // Commits the genesis block (Join), before the pipeline starts.
  Status CommitGenesis(const common::Block& genesis, const std::vector<uint8_t>& codes) {
    return ledger_->Commit(genesis, codes)
        .WithContext("committing the genesis block of channel " + channel_id_);
  }

  // Reads the config and last state hash from the ledger and starts the
  // pipeline.
  Status Start() {
    const uint64_t height = ledger_->Height();
    if (height == 0) return Status::Corruption(options_.dir + ": the ledger holds no block (not joined)");
    LOOM_ASSIGN_OR_RETURN(std::optional<std::string> last_config, ledger_->GetExtra(kLastConfigKey));
    if (!last_config.has_value() || last_config->size() != 8) {
      return Status::Corruption(options_.dir + ": the ledger names no last config block");
    }
    const uint64_t config_number = ledger::ReadBigEndian64(*last_config, 0);
    LOOM_ASSIGN_OR_RETURN(common::Block config_block, ledger_->block_store().GetBlock(config_number));
    auto config = LoadConfig(config_block);
    if (!config.ok()) {
      return Status::Corruption(options_.dir + ": config " + BlockName(config_number) + ": " +
                                config.status().message());
    }
    LOOM_ASSIGN_OR_RETURN(std::optional<std::string> hash, ledger_->GetExtra(StateHashKey(height - 1)));
    if (!hash.has_value()) {
      return Status::Corruption(options_.dir + ": no state hash for " + BlockName(height - 1));
    }
    LOOM_ASSIGN_OR_RETURN(common::Block last_block, ledger_->block_store().GetBlock(height - 1));
    channel_id_ = config->config->channel_id;
    LOOM_ASSIGN_OR_RETURN(metrics_, CommitMetrics::Create(options_.metrics, channel_id_));
    metrics_.Height(height);
    config_ = std::make_shared<const ConfigState>(std::move(config).value());
    last_state_hash_ = *hash;
    next_number_ = height;
    published_height_ = height;
    last_header_hash_ = protocol::BlockHeaderHash(last_block.header());
    pool_ = std::make_unique<util::WorkerPool>(options_.validation_threads);
    validate_thread_ = std::thread([this] { ValidateLoop(); });
    commit_thread_ = std::thread([this] { CommitLoop(); });
    return Status::Ok();
  }

  Status SubmitBlock(common::Block block, const std::string& source) {
    std::lock_guard intake(intake_mutex_);
    if (!block.has_header()) return Status::Corruption("a block without header");
    const uint64_t number = block.header().number();
    std::shared_ptr<const ConfigState> config;
    std::string previous_hash;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || !failure_.ok() || number < next_number_ ||
               (pending_count_ < options_.max_pending_blocks && !config_block_in_flight_);
      });
      if (!failure_.ok()) return failure_;
      if (stopping_) return Status::FailedPrecondition("channel " + channel_id_ + " is stopping");
      if (number < next_number_) return Status::Ok();  // already have it
      if (number > next_number_) {
        return Status::FailedPrecondition(BlockName(number) + " of channel " + channel_id_ +
                                          " is ahead: the next block expected is " +
                                          std::to_string(next_number_));
      }
      config = config_;
      previous_hash = last_header_hash_;
    }
    LOOM_RETURN_IF_ERROR(orderer::CheckDeliveredBlock(block, number, previous_hash, *config->policies,
                                                      /*genesis_header_hash=*/""));

    auto pending = std::make_shared<Pending>();
    pending->number = number;
    pending->received = Clock::now();
    if (IsConfigBlock(block)) {
      const std::string what = BlockName(number) + " (config)";
      if (block.data().data_size() != 1) {
        return Status::Corruption(what + ": carries " + std::to_string(block.data().data_size()) +
                                  " transactions; a config block carries exactly one");
      }
      auto new_config = LoadConfig(block);
      if (!new_config.ok()) return Status::Corruption(what + ": " + new_config.status().message());
      if (new_config->config->channel_id != channel_id_) {
        return Status::Corruption(what + ": its config is for channel '" + new_config->config->channel_id +
                                  "', not " + channel_id_);
      }
      pending->new_config = std::move(new_config).value();
    }
    for (const std::string& envelope : block.data().data()) {
      auto parsed = protocol::ParseEnvelopeBytes(envelope);
      pending->tx_ids.push_back(parsed.ok() ? parsed->channel_header.tx_id() : "");
    }
    if (options_.trace != nullptr) {
      loom::TraceEvent event = BlockReceivedEvent(channel_id_, block);
      event.mutable_block()->set_source(source);
      Stamp(&event, pending->received);
      options_.trace->Publish(std::move(event));
    }
    std::string header_hash = protocol::BlockHeaderHash(block.header());
    pending->block = std::move(block);
    {
      std::lock_guard lock(mutex_);
      // Stopped or failed while the block was checked: the pipeline will
      // not take it any more.
      if (!failure_.ok()) return failure_;
      if (stopping_) return Status::FailedPrecondition("channel " + channel_id_ + " is stopping");
      for (const std::string& tx_id : pending->tx_ids) {
        if (!tx_id.empty()) in_flight_tx_ids_.emplace(tx_id, number);
      }
      if (pending->new_config) config_block_in_flight_ = true;
      ++next_number_;
      last_header_hash_ = std::move(header_hash);
      ++pending_count_;
      to_validate_.push_back(std::move(pending));
    }
    changed_.notify_all();
    return Status::Ok();
  }

  Status WaitForHeight(uint64_t height, Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    bool done = changed_.wait_until(
        lock, deadline, [&] { return published_height_ >= height || !failure_.ok() || pipeline_done_; });
    if (published_height_ >= height) return Status::Ok();
    if (!failure_.ok()) return failure_;
    if (done) {
      return Status::FailedPrecondition("channel " + channel_id_ + " stopped at height " +
                                        std::to_string(ledger_->Height()));
    }
    return Status::DeadlineExceeded("channel " + channel_id_ + " is at height " +
                                    std::to_string(ledger_->Height()) + ", waiting for " +
                                    std::to_string(height));
  }

  void Stop() {
    std::lock_guard stop(stop_mutex_);
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (validate_thread_.joinable()) validate_thread_.join();
    if (commit_thread_.joinable()) commit_thread_.join();
    pool_.reset();
    {
      std::lock_guard lock(mutex_);
      pipeline_done_ = true;
    }
    changed_.notify_all();
  }

  uint64_t AddCommitListener(CommitListener listener) {
    std::lock_guard lock(listeners_mutex_);
    uint64_t id = next_listener_id_++;
    listeners_.emplace(id, std::move(listener));
    return id;
  }

  void RemoveCommitListener(uint64_t id) {
    std::lock_guard lock(listeners_mutex_);
    listeners_.erase(id);
  }

  std::shared_ptr<const ConfigState> config() const {
    std::lock_guard lock(mutex_);
    return config_;
  }

  std::string LastStateHash() const {
    std::lock_guard lock(mutex_);
    return last_state_hash_;
  }

  Status failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }

  const std::string& channel_id() const { return channel_id_; }
  const ledger::KvLedger& ledger() const { return *ledger_; }

 private:
  // Wall-clock times for steady-clock instants `start` .. `end`.
  static void Stamp(loom::TraceEvent* event, Clock::time_point start, Clock::time_point end = Clock::now()) {
    const int64_t now = trace::UnixNanosNow();
    const Clock::time_point steady_now = Clock::now();
    auto ago = [&](Clock::time_point at) {
      return now - std::chrono::duration_cast<std::chrono::nanoseconds>(steady_now - at).count();
    };
    event->set_start_unix_nanos(ago(start));
    event->set_end_unix_nanos(ago(end));
  }

  void Publish(loom::TraceEvent event, Clock::time_point start, Clock::time_point end = Clock::now()) const {
    if (options_.trace == nullptr) return;
    Stamp(&event, start, end);
    options_.trace->Publish(std::move(event));
  }

  void Fail(Status status) {
    {
      std::lock_guard lock(mutex_);
      if (failure_.ok()) failure_ = std::move(status);
    }
    changed_.notify_all();
  }

  // Stage 1: the parallel phase of each accepted block, in order.
  void ValidateLoop() {
    while (true) {
      std::shared_ptr<Pending> pending;
      std::shared_ptr<const ConfigState> config;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !to_validate_.empty() || stopping_ || !failure_.ok(); });
        if (!failure_.ok() || to_validate_.empty()) break;  // failed, or stopping with nothing left
        pending = to_validate_.front();
        to_validate_.pop_front();
        config = config_;
      }
      uint64_t snapshot_height = ledger_->Height();
      ledger::StateSnapshot snapshot = ledger_->state().NewSnapshot();
      auto validated = RunParallelPhase(pending, *config, snapshot, snapshot_height);
      if (!validated.ok() && snapshot_height < pending->number) {
        // The error may come from the state before an earlier block still in
        // the pipeline: only the state right before this block decides.
        Validated redo;
        redo.pending = pending;
        redo.redo = true;
        validated = std::move(redo);
      }
      if (!validated.ok()) {
        Fail(validated.status());
        break;
      }
      {
        std::lock_guard lock(mutex_);
        to_commit_.push_back(std::make_shared<Validated>(std::move(validated).value()));
      }
      changed_.notify_all();
    }
    {
      std::lock_guard lock(mutex_);
      validate_done_ = true;
    }
    changed_.notify_all();
  }

  // The per-transaction checks of `pending` on the worker pool, with the
  // policies of `snapshot` (the committed state at height `snapshot_height`
  // or later).
  Result<Validated> RunParallelPhase(const std::shared_ptr<Pending>& pending, const ConfigState& config,
                                     const ledger::StateSnapshot& snapshot, uint64_t snapshot_height) {
    const Clock::time_point start = Clock::now();
    const common::Block& block = pending->block;
    const uint64_t number = pending->number;
    PolicyMemo policies(options_.endorsement_policy, snapshot);
    validator::CommittedTxIdLookup stored = validator::CommittedTxIdsOf(ledger_->block_store());
    validator::TxValidatorConfig validator_config;
    validator_config.channel_id = channel_id_;
    validator_config.msps = &config.policies->msps();
    validator_config.endorsement_policy = [&policies](const std::string& chaincode) {
      return policies.Get(chaincode);
    };
    // An earlier block still in the pipeline counts as committed; asked
    // before the block store so a block leaving the pipeline meanwhile is
    // found in the store.
    validator_config.tx_id_committed = [this, number, &stored](const std::string& tx_id) -> Result<bool> {
      {
        std::lock_guard lock(mutex_);
        auto [first, last] = in_flight_tx_ids_.equal_range(tx_id);
        for (auto it = first; it != last; ++it) {
          if (it->second < number) return true;
        }
      }
      return stored(tx_id);
    };
    auto plugin_reads = std::make_shared<PluginReadMemo>(options_.validation_plugin);
    if (options_.validation_plugin) {
      validator_config.validation_plugin = [&plugin_reads, &snapshot](const std::string& chaincode) {
        return plugin_reads->PluginName(snapshot, chaincode);
      };
    }
    validator_config.plugins = options_.validation_plugins;
    validator_config.committed_state = [&plugin_reads, &snapshot](const std::string& ns,
                                                                  const std::string& key) {
      return plugin_reads->Read(snapshot, ns, key);
    };
    validator::TxValidator tx_validator(std::move(validator_config));

    const size_t tx_count = static_cast<size_t>(block.data().data_size());
    std::vector<std::optional<Result<validator::TxVerdict>>> results(tx_count);
    std::mutex done_mutex;
    std::condition_variable done_changed;
    size_t done = 0;
    for (size_t i = 0; i < tx_count; ++i) {
      bool posted = pool_->Post([&, i] {
        Result<validator::TxVerdict> verdict = tx_validator.Validate(block.data().data(static_cast<int>(i)));
        std::lock_guard lock(done_mutex);
        results[i].emplace(std::move(verdict));
        if (++done == tx_count) done_changed.notify_all();
      });
      if (!posted) {
        std::lock_guard lock(done_mutex);
        results[i].emplace(Status::Internal("the validation pool is shutting down"));
        ++done;
      }
    }
    {
      std::unique_lock lock(done_mutex);
      done_changed.wait(lock, [&] { return done == tx_count; });
    }

    Validated out;
    out.pending = pending;
    out.snapshot_height = snapshot_height;
    out.verdicts.reserve(tx_count);
    for (size_t i = 0; i < tx_count; ++i) {
      if (!results[i]->ok()) {
        return results[i]->status().WithContext("validating " + BlockName(number) + " of channel " +
                                                channel_id_ + " transaction " + std::to_string(i));
      }
      out.verdicts.push_back(std::move(*results[i]).value());
    }
    validator::MarkInBlockDuplicates(&out.verdicts);
    if (pending->new_config && !out.verdicts.empty() && out.verdicts[0].code == protos::VALID) {
      const uint64_t current = config.config->sequence;
      const uint64_t proposed = pending->new_config->config->sequence;
      if (proposed != current + 1) {
        out.verdicts[0].code = protos::INVALID_CONFIG_TRANSACTION;
        out.verdicts[0].explanation = "the config's sequence is " + std::to_string(proposed) +
                                      "; the channel's is " + std::to_string(current) +
                                      ", so the next must be " + std::to_string(current + 1);
      }
    }
    out.policies = policies.answers();
    out.plugin_reads = std::move(plugin_reads);
    out.started = start;
    out.finished = Clock::now();
    return out;
  }

  // Stage 2: MVCC, commit, config switch and events of each validated
  // block, in order.
  void CommitLoop() {
    while (true) {
      std::shared_ptr<Validated> validated;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !to_commit_.empty() || validate_done_ || !failure_.ok(); });
        if (!failure_.ok() || to_commit_.empty())
          break;  // failed, or the validate stage ended and all is done
        validated = to_commit_.front();
        to_commit_.pop_front();
      }
      Status committed = CommitValidated(std::move(*validated));
      if (!committed.ok()) {
        Fail(committed);
        break;
      }
    }
  }

  Status CommitValidated(Validated validated) {
    const std::shared_ptr<Pending> pending = validated.pending;
    const common::Block& block = pending->block;
    const uint64_t number = pending->number;
    std::shared_ptr<const ConfigState> config = this->config();

    // The state before this block is committed now (blocks commit in order).
    ledger::StateSnapshot snapshot = ledger_->state().NewSnapshot();
    if (validated.redo) {
      LOOM_ASSIGN_OR_RETURN(validated, RunParallelPhase(pending, *config, snapshot, number));
    } else if (validated.snapshot_height < number) {
      bool same = true;
      for (const auto& [chaincode, answer] : validated.policies) {
        if (!AskPolicy(options_.endorsement_policy, snapshot, chaincode).SameAs(answer)) same = false;
      }
      if (validated.plugin_reads && !validated.plugin_reads->SameAt(snapshot)) same = false;
      if (!same) {
        LOOM_ASSIGN_OR_RETURN(validated, RunParallelPhase(pending, *config, snapshot, number));
      }
    }
    // The verdicts are final now (a redone phase replaced the first).
    metrics_.Vscc(std::chrono::duration<double>(validated.finished - validated.started).count());
    for (size_t i = 0; i < validated.verdicts.size(); ++i) {
      const validator::TxVerdict& verdict = validated.verdicts[i];
      auto policy = validated.policies.find(verdict.chaincode);
      Publish(VsccEvent(channel_id_, block, static_cast<uint32_t>(i), verdict,
                        policy != validated.policies.end() ? policy->second.text : ""),
              validated.started, validated.finished);
    }
    for (const auto& [chaincode, answer] : validated.policies) {
      if (!answer.found && !answer.error.IsNotFound()) {
        return answer.error.WithContext("the endorsement policy of chaincode '" + chaincode + "' for " +
                                        BlockName(number));
      }
    }

    const Clock::time_point mvcc_start = Clock::now();
    std::vector<uint8_t> parallel_codes;
    for (const validator::TxVerdict& verdict : validated.verdicts) {
      parallel_codes.push_back(static_cast<uint8_t>(verdict.code));
    }
    LOOM_ASSIGN_OR_RETURN(validator::DecodedBlock decoded,
                          validator::DecodeBlockTransactions(block, parallel_codes));
    validator::LedgerWriterIndex writers(*ledger_);
    validator::MvccValidator mvcc(snapshot, &writers);
    LOOM_ASSIGN_OR_RETURN(validator::MvccBlockResult mvcc_result, mvcc.ValidateBlock(number, decoded.txs));
    metrics_.Mvcc(SecondsSince(mvcc_start));
    for (size_t i = 0; i < validated.verdicts.size(); ++i) {
      if (parallel_codes[i] != protos::VALID) continue;  // decided by the parallel phase
      std::string explanation = mvcc_result.txs[i].Explain();
      if (auto error = decoded.decode_errors.find(i); error != decoded.decode_errors.end()) {
        explanation = error->second;
      }
      Publish(MvccEvent(channel_id_, number, static_cast<uint32_t>(i), validated.verdicts[i].tx_id,
                        mvcc_result.txs[i].code, &mvcc_result.txs[i], explanation),
              mvcc_start);
    }

    const std::vector<uint8_t>& codes = mvcc_result.codes;
    const Clock::time_point commit_start = Clock::now();
    block_stored_at_ = commit_start;
    LOOM_RETURN_IF_ERROR(ledger_->Commit(block, codes)
                             .WithContext("committing " + BlockName(number) + " of channel " + channel_id_));
    metrics_.BlockStored(std::chrono::duration<double>(block_stored_at_ - commit_start).count());
    metrics_.StateCommitted(SecondsSince(block_stored_at_));
    LOOM_ASSIGN_OR_RETURN(std::optional<std::string> state_hash, ledger_->GetExtra(StateHashKey(number)));
    if (!state_hash.has_value())
      return Status::Internal(BlockName(number) + " committed without a state hash");

    CommitEvent event;
    event.channel_id = channel_id_;
    event.block_number = number;
    event.codes = codes;
    event.tx_ids = pending->tx_ids;
    event.state_hash = *state_hash;
    event.config_changed = pending->new_config.has_value() && !codes.empty() && codes[0] == protos::VALID;
    {
      std::lock_guard lock(mutex_);
      if (event.config_changed) config_ = std::make_shared<const ConfigState>(*pending->new_config);
      if (pending->new_config) config_block_in_flight_ = false;
      last_state_hash_ = *state_hash;
      for (const std::string& tx_id : pending->tx_ids) {
        auto [first, last] = in_flight_tx_ids_.equal_range(tx_id);
        for (auto it = first; it != last; ++it) {
          if (it->second == number) {
            in_flight_tx_ids_.erase(it);
            break;
          }
        }
      }
      --pending_count_;
    }
    changed_.notify_all();

    metrics_.Height(number + 1);
    metrics_.BlockProcessed(SecondsSince(pending->received));
    uint32_t valid = 0;
    for (size_t i = 0; i < codes.size(); ++i) {
      const validator::TxVerdict& verdict = validated.verdicts[i];
      const auto code = static_cast<protos::TxValidationCode>(codes[i]);
      if (code == protos::VALID) ++valid;
      metrics_.Transaction(
          verdict.header_type >= 0 ? protocol::HeaderTypeName(verdict.header_type) : "UNKNOWN",
          verdict.chaincode, protocol::ValidationCodeName(code));
      Publish(TxCommittedEvent(channel_id_, number, static_cast<uint32_t>(i), pending->tx_ids[i], code),
              commit_start);
    }
    Publish(BlockCommittedEvent(channel_id_, number, *state_hash, valid,
                                static_cast<uint32_t>(codes.size()) - valid),
            commit_start);
    {
      std::lock_guard lock(listeners_mutex_);
      for (const auto& [id, listener] : listeners_) listener(event);
    }
    {
      std::lock_guard lock(mutex_);
      published_height_ = number + 1;
    }
    changed_.notify_all();
    return Status::Ok();
  }

  const PeerChannelOptions options_;
  std::string channel_id_;
  std::unique_ptr<ledger::KvLedger> ledger_;
  std::unique_ptr<util::WorkerPool> pool_;
  CommitMetrics metrics_;
  Clock::time_point block_stored_at_;  // commit thread only: set by the ledger's hook

  std::mutex intake_mutex_;  // one SubmitBlock at a time
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;    // queues, height, config, failure or stop changed
  std::shared_ptr<const ConfigState> config_;  // guarded by mutex_
  uint64_t next_number_ = 0;                   // guarded by mutex_
  uint64_t published_height_ = 0;        // guarded by mutex_; blocks whose listeners, events and metrics ran
  std::string last_header_hash_;         // guarded by mutex_; of block next_number_ - 1
  bool config_block_in_flight_ = false;  // guarded by mutex_
  std::deque<std::shared_ptr<Pending>> to_validate_;       // guarded by mutex_
  std::deque<std::shared_ptr<Validated>> to_commit_;       // guarded by mutex_
  size_t pending_count_ = 0;                               // guarded by mutex_; accepted, not committed
  std::multimap<std::string, uint64_t> in_flight_tx_ids_;  // guarded by mutex_; tx id -> block
  std::string last_state_hash_;                            // guarded by mutex_
  bool stopping_ = false;                                  // guarded by mutex_
  bool validate_done_ = false;                             // guarded by mutex_
  bool pipeline_done_ = false;                             // guarded by mutex_
  Status failure_;                                         // guarded by mutex_

  std::mutex listeners_mutex_;
  uint64_t next_listener_id_ = 1;                 // guarded by listeners_mutex_
  std::map<uint64_t, CommitListener> listeners_;  // guarded by listeners_mutex_

  std::mutex stop_mutex_;
  std::thread validate_thread_;
  std::thread commit_thread_;
};

namespace {

Status CheckOptions(const PeerChannelOptions& options) {
  if (options.dir.empty()) return Status::InvalidArgument("peer channel options: no ledger dir");
  if (!options.endorsement_policy) {
    return Status::InvalidArgument("peer channel options: no endorsement_policy source");
  }
  if (options.max_pending_blocks == 0) {
    return Status::InvalidArgument("peer channel options: max_pending_blocks must be at least 1");
  }
  if (options.ledger.block_extras) {
    return Status::InvalidArgument("peer channel options: ledger.block_extras is the channel's own");
  }
  return Status::Ok();
}

bool LedgerExists(const std::string& dir) {
  std::error_code ignored;
  return std::filesystem::exists(dir + "/chain", ignored) ||
         std::filesystem::exists(dir + "/statedb", ignored);
}

}  // namespace

Result<std::unique_ptr<PeerChannel>> PeerChannel::Join(const common::Block& genesis,
                                                       PeerChannelOptions options) {
  LOOM_RETURN_IF_ERROR(CheckOptions(options));
  if (!genesis.has_header() || genesis.header().number() != 0) {
    return Status::InvalidArgument(
        "joining a channel needs its block 0, got " +
        (genesis.has_header() ? BlockName(genesis.header().number()) : "no header"));
  }
  if (genesis.header().data_hash() != protocol::ComputeDataHash(genesis.data())) {
    return Status::InvalidArgument("genesis block: the header's data hash does not match its data");
  }
  auto config = LoadConfig(genesis);
  if (!config.ok()) return Status::InvalidArgument("genesis block: " + config.status().message());
  if (LedgerExists(options.dir)) {
    return Status::AlreadyExists(options.dir + " already holds a ledger (channel " +
                                 config->config->channel_id + " joined before?)");
  }
  auto impl = std::make_unique<Impl>(options, config->config->channel_id);
  LOOM_RETURN_IF_ERROR(impl->OpenLedger());
  std::vector<uint8_t> codes(static_cast<size_t>(genesis.data().data_size()), protos::VALID);
  LOOM_RETURN_IF_ERROR(impl->CommitGenesis(genesis, codes));
  LOOM_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<PeerChannel>(new PeerChannel(std::move(impl)));
}

Result<std::unique_ptr<PeerChannel>> PeerChannel::Open(PeerChannelOptions options) {
  LOOM_RETURN_IF_ERROR(CheckOptions(options));
  if (!LedgerExists(options.dir)) return Status::NotFound(options.dir + " holds no ledger");
  auto impl = std::make_unique<Impl>(options, "");
  LOOM_RETURN_IF_ERROR(impl->OpenLedger());
  LOOM_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<PeerChannel>(new PeerChannel(std::move(impl)));
}

PeerChannel::PeerChannel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PeerChannel::~PeerChannel() = default;

const std::string& PeerChannel::channel_id() const {
  return impl_->channel_id();
}
uint64_t PeerChannel::Height() const {
  return impl_->ledger().Height();
}
const ledger::KvLedger& PeerChannel::ledger() const {
  return impl_->ledger();
}

std::shared_ptr<const channelconfig::ChannelConfig> PeerChannel::config() const {
  return impl_->config()->config;
}
std::shared_ptr<const channelconfig::PolicyManager> PeerChannel::policy_manager() const {
  return impl_->config()->policies;
}
std::shared_ptr<const msp::MspManager> PeerChannel::msp_manager() const {
  std::shared_ptr<const channelconfig::PolicyManager> policies = policy_manager();
  return std::shared_ptr<const msp::MspManager>(policies, &policies->msps());
}
std::vector<std::string> PeerChannel::OrdererEndpoints() const {
  return impl_->config()->config->AllOrdererEndpoints();
}

Result<std::string> PeerChannel::StateHash(uint64_t number) const {
  if (number >= Height()) {
    return Status::NotFound(BlockName(number) + " of channel " + channel_id() + " is not committed (height " +
                            std::to_string(Height()) + ")");
  }
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> hash, impl_->ledger().GetExtra(StateHashKey(number)));
  if (!hash.has_value()) return Status::Corruption("no state hash stored for " + BlockName(number));
  return *hash;
}
std::string PeerChannel::LastStateHash() const {
  return impl_->LastStateHash();
}

Status PeerChannel::SubmitBlock(common::Block block, const std::string& source) {
  return impl_->SubmitBlock(std::move(block), source);
}
Status PeerChannel::WaitForHeight(uint64_t height, std::chrono::steady_clock::time_point deadline) const {
  return impl_->WaitForHeight(height, deadline);
}
uint64_t PeerChannel::AddCommitListener(CommitListener listener) {
  return impl_->AddCommitListener(std::move(listener));
}
void PeerChannel::RemoveCommitListener(uint64_t id) {
  impl_->RemoveCommitListener(id);
}
void PeerChannel::Stop() {
  impl_->Stop();
}
Status PeerChannel::failure() const {
  return impl_->failure();
}

}  // namespace loom::peer
