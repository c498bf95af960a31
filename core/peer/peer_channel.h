// PeerChannel: one channel on a peer — its ledger (KvLedger), its current
// channel config, and the committer that verifies, validates and commits the
// blocks the orderers deliver (Fabric's peer channel + committer).
//
// Lifecycle: Join(genesis block) creates the ledger in options.dir and
// commits block 0 (AlreadyExists when a ledger is already there); Open
// re-opens it (KvLedger recovery replays blocks whose state was not
// committed, recomputing their state hashes). The channel config is read from
// the last committed config block and replaced — by a new object, so
// shared_ptrs handed out stay valid — when a CONFIG block commits VALID.
//
// Block intake, SubmitBlock (thread-safe, for the deliver client):
//   number < next expected            ignored, OK (already have it)
//   number > next expected            FailedPrecondition, nothing stored
//   no header / header number wrong   Corruption
//   data hash != SHA-256 of the data  Corruption
//   previous_hash != header hash of the block before (committed or queued)
//                                     Corruption
//   SIGNATURES metadata malformed     Corruption
//   orderer signatures do not satisfy /Channel/Orderer/BlockValidation of
//   the config in effect before the block      PermissionDenied
//   a CONFIG block whose config does not decode or builds no policy manager,
//   or names another channel          Corruption
// Every error names the block and what failed; a refused block leaves no
// trace. An accepted block is queued and SubmitBlock returns OK before it is
// committed (WaitForHeight / commit listeners tell when). SubmitBlock waits
// while `max_pending_blocks` are queued (back-pressure), and a block after a
// CONFIG block waits until that block committed (its signatures are checked
// against the new config). After a commit failure (I/O) or Stop, SubmitBlock
// returns that failure / FailedPrecondition.
//
// Pipeline (two stages, each on its own thread; CPU work on a
// util::WorkerPool of `validation_threads`):
//   stage 1, in block order: the parallel per-transaction phase (TxValidator:
//     headers, creator, tx id, duplicates, endorsements and the endorsement
//     policy, write-set rule) and in-block duplicate tx ids;
//   stage 2, in block order: MVCC against the state after the previous
//     block, the state hash, KvLedger::Commit with the codes, the config
//     switch, events.
// Stage 1 of block N+1 overlaps stage 2 of block N. So the result cannot
// depend on the overlap:
//   - a tx id counts as committed when the block store has it OR an earlier
//     block still in the pipeline carries it (all its transactions, valid or
//     not, as the block store indexes them);
//   - the endorsement policy is asked of options.endorsement_policy with a
//     snapshot of the committed state (once per chaincode per block). When
//     stage 1 ran before block N's state was committed, stage 2 asks again
//     with the state after N, and if any answer differs (other bytes, or
//     found vs NotFound) stage 1 is redone for the block — so the policy is
//     always the one of the state before the block; the same holds for the
//     validation plugin names and the committed keys plugins read;
//   - a CONFIG block is never overlapped (see SubmitBlock).
// NotFound from endorsement_policy gives INVALID_CHAINCODE; any other error
// fails the channel (no deterministic code exists for it). A CONFIG
// transaction is VALID when the TxValidator says so and its config sequence
// is the current one + 1; else INVALID_CONFIG_TRANSACTION and the config
// stays. Same blocks in, same codes, state and state hashes on every peer.
//
// State hash (persisted with each block's state in the same LevelDB batch
// via KvLedgerOptions::block_extras, and recomputed on replay):
//   hash_N = SHA-256( hash_{N-1}                 32 bytes; 32 zero bytes for N = 0
//                     || u64be(N)
//                     || u32be(U) || update_1 .. update_U
//                     || u32be(T) || code_1 .. code_T )
// where T is the number of transactions, code_i one byte (the
// protos.TxValidationCode stored in TRANSACTIONS_FILTER), and the updates are
// the final write of each (namespace, key) by the block's VALID endorser
// transactions (a later tx's write or delete of a key replaces an earlier
// one), sorted by namespace then key (bytewise), each encoded as
//   u32be(len ns) || ns || u32be(len key) || key ||
//     0x01 || u32be(len value) || value      (a write)
//     0x00                                    (a delete)
// Private data is not part of it (Loom has none). u32be/u64be are big-endian
// unsigned integers.
//
// Observability (optional): TraceHub events BLOCK_RECEIVED (block-level),
// VSCC_DONE, MVCC_DONE and COMMITTED per transaction, COMMITTED block-level
// with the state hash; Fabric's ledger metrics and loom_vscc_duration /
// loom_mvcc_duration.
//
// Thread safety: every public method may be called from any thread. Commit
// listeners run on the commit thread, after the block's state is visible,
// in block order; they must not call Stop or wait for later blocks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "common/policies.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/channelconfig/policy_manager.h"
#include "core/ledger/kv_ledger.h"
#include "core/ledger/state_db.h"
#include "core/msp/msp_manager.h"
#include "core/util/status.h"
#include "core/validator/validation_plugin.h"

namespace loom::trace {
class TraceHub;
}  // namespace loom::trace
namespace loom::ops {
class MetricsRegistry;
}  // namespace loom::ops

namespace loom::peer {

// The endorsement policy of `chaincode` as defined in `committed` (the state
// before the block being validated); NotFound when the chaincode is not
// defined. Called from the pipeline's threads, possibly concurrently.
using EndorsementPolicySource = std::function<Result<common::SignaturePolicyEnvelope>(
    const ledger::StateSnapshot& committed, const std::string& chaincode)>;

// The validation plugin named by `chaincode`'s definition in `committed`
// (e.g. lifecycle::ValidationPluginFor); NotFound when it is not defined.
using ValidationPluginSource =
    std::function<Result<std::string>(const ledger::StateSnapshot& committed, const std::string& chaincode)>;

struct PeerChannelOptions {
  std::string dir;                             // the channel's ledger directory
  EndorsementPolicySource endorsement_policy;  // required
  size_t validation_threads = 0;               // 0: one per hardware thread
  size_t max_pending_blocks = 8;               // accepted, not yet committed; at least 1
  trace::TraceHub* trace = nullptr;            // optional; must outlive the channel
  ops::MetricsRegistry* metrics = nullptr;     // optional; must outlive the channel
  // Block store settings and test hooks (before_state_commit). block_extras
  // is the channel's own (the state hash) and must be left empty.
  ledger::KvLedgerOptions ledger;
  // Optional: without it every chaincode is validated by "vscc". Plugin
  // names and the state keys plugins read are asked of the state before the
  // block, like the endorsement policy (stage 1 is redone when a newer state
  // answers differently).
  ValidationPluginSource validation_plugin;
  // Optional: the builtin plugins (validator::BuiltinValidationPlugins).
  std::shared_ptr<const validator::ValidationPluginRegistry> validation_plugins;
};

// One committed block, as commit listeners and Deliver waits see it.
struct CommitEvent {
  std::string channel_id;
  uint64_t block_number = 0;
  std::vector<uint8_t> codes;       // one protos.TxValidationCode per tx
  std::vector<std::string> tx_ids;  // one per tx; empty when the header did not parse
  std::string state_hash;           // 32 bytes, see above
  bool config_changed = false;      // a CONFIG block whose config now applies
};

class PeerChannel {
 public:
  using CommitListener = std::function<void(const CommitEvent&)>;

  // Creates the ledger in options.dir from the channel's genesis (config)
  // block and commits it. AlreadyExists when options.dir holds a ledger;
  // InvalidArgument when the block is not a block 0 with a channel config
  // that builds a PolicyManager, or options are missing.
  static Result<std::unique_ptr<PeerChannel>> Join(const common::Block& genesis, PeerChannelOptions options);
  // Re-opens a joined channel. NotFound when options.dir holds no ledger;
  // Corruption when its last config or state hash cannot be read.
  static Result<std::unique_ptr<PeerChannel>> Open(PeerChannelOptions options);

  ~PeerChannel();  // Stop()
  PeerChannel(const PeerChannel&) = delete;
  PeerChannel& operator=(const PeerChannel&) = delete;

  const std::string& channel_id() const;
  // Blocks committed (state included).
  uint64_t Height() const;
  const ledger::KvLedger& ledger() const;

  // The config in effect now (after the last committed block). The objects
  // never change; a new config gives new objects.
  std::shared_ptr<const channelconfig::ChannelConfig> config() const;
  std::shared_ptr<const channelconfig::PolicyManager> policy_manager() const;
  std::shared_ptr<const msp::MspManager> msp_manager() const;  // the policy manager's MSPs
  // The orderer endpoints of the current config ("host:port"), per-org
  // Endpoints first, then the channel-level OrdererAddresses.
  std::vector<std::string> OrdererEndpoints() const;

  // The state hash after block `number` (32 bytes); NotFound when the block
  // is not committed.
  Result<std::string> StateHash(uint64_t number) const;
  // The state hash after the last committed block.
  std::string LastStateHash() const;

  // See the header comment. Thread-safe; blocks are taken in number order.
  // `source` (e.g. the orderer's address) goes into the BLOCK_RECEIVED event.
  Status SubmitBlock(common::Block block, const std::string& source = {});

  // OK once block height-1 is committed and its commit listeners, events
  // and metrics are done (so Height() >= height); DeadlineExceeded at
  // `deadline`; the
  // channel's failure, or FailedPrecondition once stopped, when it will
  // never get there.
  Status WaitForHeight(uint64_t height, std::chrono::steady_clock::time_point deadline) const;

  // Called for every block committed from now on. Returns an id for
  // RemoveCommitListener, after which the listener is not called again
  // (not to be called from inside a listener).
  uint64_t AddCommitListener(CommitListener listener);
  void RemoveCommitListener(uint64_t id);

  // Refuses new blocks, lets the accepted ones commit, then stops the
  // pipeline threads. Idempotent.
  void Stop();

  // OK, or why the pipeline stopped (a commit or lookup failure).
  Status failure() const;

 private:
  class Impl;  // peer_channel.cc
  explicit PeerChannel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace loom::peer
