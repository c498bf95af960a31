// A Raft orderer channel on libraft's in-memory fixture (raft/fixture.h):
// n servers, each with a RaftChainFsm whose sink applies committed entries
// synchronously through a RaftApplier to the server's own BlockStore, and
// restores snapshots by copying the missing blocks from another server's
// store. Time, network and crashes are the fixture's: deterministic.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/raft/raft_c.h"
extern "C" {
#include <raft/fixture.h>  // not wrapped by raft_c.h: tests only
}

#include "core/ledger/block_store.h"
#include "core/orderer/block_puller.h"
#include "core/orderer/log_entry.h"
#include "core/orderer/raft_applier.h"
#include "core/orderer/raft_fsm.h"
#include "orderer_test_support.h"

namespace loom::orderer::testing {

// Copies blocks from whichever store `source()` names at the time of the
// call (a test stand-in for pulling over Deliver).
class CopyingPuller : public BlockPuller {
 public:
  explicit CopyingPuller(std::function<const ledger::BlockStore*()> source) : source_(std::move(source)) {}
  Result<common::Block> PullBlock(uint64_t number) override {
    const ledger::BlockStore* source = source_();
    if (source == nullptr)
      return Status::Unavailable("no server to pull block " + std::to_string(number) + " from");
    ++pulled_;
    return source->GetBlock(number);
  }
  int pulled() const { return pulled_; }

 private:
  std::function<const ledger::BlockStore*()> source_;
  int pulled_ = 0;
};

// Applies what the FSM hands over right away, and remembers what happened.
class ApplyingSink : public RaftChainSink {
 public:
  ApplyingSink(RaftApplier* applier, BlockPuller* puller) : applier_(applier), puller_(puller) {}

  void OnCommitted(LogEntry entry, uint64_t term) override {
    terms.push_back(term);
    indexes.push_back(entry.index);
    auto blocks = applier_->Apply(entry);
    if (!blocks.ok()) {
      errors.push_back(blocks.status().ToString());
    } else if (entry.kind == LogEntry::kTimeToCut) {
      ++(blocks->empty() ? stale_time_to_cuts : timeout_cuts);
    }
    CheckMirror(entry.index);
  }
  void OnRestored(const RaftSnapshotState& snapshot) override {
    restored.push_back(snapshot);
    Status status = applier_->Restore(snapshot, puller_);
    if (!status.ok()) errors.push_back(status.ToString());
  }
  void OnSkipped(uint64_t index, const Status&) override { skipped.push_back(index); }

  // After each entry, the FSM's mirror must describe the chain the applier
  // really built: the same next block, the same pending count, and the log
  // index the store's last block records.
  void WatchMirror(const RaftChainFsm* fsm, const ledger::BlockStore* store) {
    fsm_ = fsm;
    store_ = store;
  }
  void CheckMirror(uint64_t index) {
    if (fsm_ == nullptr) return;
    const ChainBuilder& builder = applier_->builder();
    uint64_t recorded = ~uint64_t{0};
    if (auto last = store_->GetBlock(store_->Height() - 1); last.ok()) {
      if (auto index = LastLogIndexOfBlock(*last); index.ok()) recorded = *index;
    }
    if (fsm_->next_block_number() != builder.next_block_number() ||
        fsm_->pending_count() != builder.pending_count() || fsm_->last_block_log_index() != recorded) {
      errors.push_back("after entry " + std::to_string(index) + ": mirror next block " +
                       std::to_string(fsm_->next_block_number()) + ", pending " +
                       std::to_string(fsm_->pending_count()) + ", last block log index " +
                       std::to_string(fsm_->last_block_log_index()) + "; chain " +
                       std::to_string(builder.next_block_number()) + ", " +
                       std::to_string(builder.pending_count()) + ", " + std::to_string(recorded));
    }
  }

  std::vector<uint64_t> terms;
  std::vector<uint64_t> indexes;
  std::vector<RaftSnapshotState> restored;
  std::vector<uint64_t> skipped;
  std::vector<std::string> errors;
  int timeout_cuts = 0;        // time-to-cut entries that cut a block
  int stale_time_to_cuts = 0;  // ones whose block was already cut

 private:
  RaftApplier* applier_;
  BlockPuller* puller_;
  const RaftChainFsm* fsm_ = nullptr;
  const ledger::BlockStore* store_ = nullptr;
};

struct RaftClusterOptions {
  unsigned servers = 3;
  BatchConfig batch;
  unsigned snapshot_threshold = 1024;  // libraft's defaults
  unsigned snapshot_trailing = 128;
};

class RaftCluster {
 public:
  static constexpr const char* kChannel = "raftchannel";

  explicit RaftCluster(RaftClusterOptions options) : options_(options) {
    auto genesis_signer = MakeSigner("OrdererMSP", "genesis");
    const common::Block genesis = MakeGenesis(kChannel, *genesis_signer);
    EXPECT_EQ(raft_fixture_initialize(&fixture_), 0);
    for (unsigned i = 0; i < options.servers; ++i) {
      auto server = std::make_unique<Server>();
      server->signer = MakeSigner("OrdererMSP", "orderer" + std::to_string(i));
      server->store = StoreWithGenesis(dir_.Sub("server" + std::to_string(i)), genesis);
      auto applier = RaftApplier::Create(server->store.get(), server->signer.get(), options.batch);
      EXPECT_TRUE(applier.ok()) << applier.status().ToString();
      server->applier = std::move(applier).value();
      server->puller = std::make_unique<CopyingPuller>([this, i] { return SourceFor(i); });
      server->sink = std::make_unique<ApplyingSink>(server->applier.get(), server->puller.get());
      server->fsm = std::make_unique<RaftChainFsm>(kChannel, options.batch, server->store->Height(), 0,
                                                   server->sink.get());
      server->sink->WatchMirror(server->fsm.get(), server->store.get());
      EXPECT_EQ(raft_fixture_grow(&fixture_, server->fsm->fsm()), 0);
      struct raft* r = raft_fixture_get(&fixture_, i);
      server->fsm->Attach(r);
      raft_set_snapshot_threshold(r, options.snapshot_threshold);
      raft_set_snapshot_trailing(r, options.snapshot_trailing);
      raft_set_pre_vote(r, true);  // a partitioned member must not disrupt the leader when it returns
      servers_.push_back(std::move(server));
    }
    struct raft_configuration configuration;
    EXPECT_EQ(raft_fixture_configuration(&fixture_, options.servers, &configuration), 0);
    EXPECT_EQ(raft_fixture_bootstrap(&fixture_, &configuration), 0);
    raft_configuration_close(&configuration);
    EXPECT_EQ(raft_fixture_start(&fixture_), 0);
  }

  ~RaftCluster() { raft_fixture_close(&fixture_); }  // before the FSMs and proposals go

  RaftCluster(const RaftCluster&) = delete;
  RaftCluster& operator=(const RaftCluster&) = delete;

  raft_fixture* fixture() { return &fixture_; }
  unsigned size() const { return options_.servers; }
  struct raft* raft(unsigned i) {
    return raft_fixture_get(&fixture_, i);
  }
  RaftChainFsm& fsm(unsigned i) { return *servers_[i]->fsm; }
  ApplyingSink& sink(unsigned i) { return *servers_[i]->sink; }
  RaftApplier& applier(unsigned i) { return *servers_[i]->applier; }
  ledger::BlockStore& store(unsigned i) { return *servers_[i]->store; }
  CopyingPuller& puller(unsigned i) { return *servers_[i]->puller; }

  // The fixture's stable leader, or size() when there is none.
  unsigned leader() { return raft_fixture_leader_index(&fixture_); }
  bool alive(unsigned i) { return raft_fixture_alive(&fixture_, i); }

  // Proposes `entry` on the leader (raft_apply); false when there is no
  // leader or raft_apply refused it.
  bool Propose(const LogEntry& entry) { return ProposeBytes(EncodeRaftCommand(entry)); }

  bool ProposeBytes(const std::string& bytes) {
    const unsigned leader_index = leader();
    if (leader_index == size()) return false;
    struct raft_buffer buffer;
    buffer.len = bytes.size();
    buffer.base = raft_malloc(bytes.size());
    std::memcpy(buffer.base, bytes.data(), bytes.size());
    auto proposal = std::make_unique<Proposal>();
    proposal->request.data = proposal.get();
    const int rv = raft_apply(raft(leader_index), &proposal->request, &buffer, 1, &Proposal::Done);
    if (rv != 0) {
      raft_free(buffer.base);
      return false;
    }
    proposals_.push_back(std::move(proposal));
    return true;
  }

  // A time-to-cut entry for the leader's next block, as a leader's
  // BatchTimeout would propose it; false when nothing is pending there.
  bool ProposeTimeToCut() {
    const unsigned leader_index = leader();
    if (leader_index == size() || !fsm(leader_index).has_pending()) return false;
    return Propose(LogEntry::TimeToCut(kChannel, fsm(leader_index).next_block_number()));
  }

  // Proposals whose apply callback reported success.
  int acknowledged() const {
    int count = 0;
    for (const auto& proposal : proposals_) count += proposal->done && proposal->status == 0;
    return count;
  }

  // Steps until every server in `which` has applied `index`.
  bool StepUntilApplied(const std::vector<unsigned>& which, raft_index index, unsigned max_msecs) {
    for (unsigned i : which) {
      if (!raft_fixture_step_until_applied(&fixture_, i, index, max_msecs)) return false;
    }
    return true;
  }

  std::vector<unsigned> AllServers() const {
    std::vector<unsigned> all;
    for (unsigned i = 0; i < size(); ++i) all.push_back(i);
    return all;
  }

 private:
  struct Server {
    std::shared_ptr<protocol::KeySigner> signer;
    std::unique_ptr<ledger::BlockStore> store;
    std::unique_ptr<RaftApplier> applier;
    std::unique_ptr<CopyingPuller> puller;
    std::unique_ptr<ApplyingSink> sink;
    std::unique_ptr<RaftChainFsm> fsm;
  };
  struct Proposal {
    struct raft_apply request {};
    bool done = false;
    int status = -1;
    static void Done(struct raft_apply* request, int status, void*) {
      auto* proposal = static_cast<Proposal*>(request->data);
      proposal->done = true;
      proposal->status = status;
    }
  };

  // The store of the server with the longest chain other than `i`.
  const ledger::BlockStore* SourceFor(unsigned i) const {
    const ledger::BlockStore* best = nullptr;
    for (unsigned j = 0; j < servers_.size(); ++j) {
      if (j == i) continue;
      if (best == nullptr || servers_[j]->store->Height() > best->Height()) best = servers_[j]->store.get();
    }
    return best;
  }

  RaftClusterOptions options_;
  TempDir dir_;
  std::vector<std::unique_ptr<Server>> servers_;
  std::deque<std::unique_ptr<Proposal>> proposals_;
  raft_fixture fixture_{};
};

}  // namespace loom::orderer::testing
