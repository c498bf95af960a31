// RaftChainFsm on libraft's in-memory fixture: 3 and 5 orderers of one
// channel, each applying committed entries to its own block store, cut the
// same chain — through time-to-cut entries (fresh and stale), a leader
// killed mid-stream, a follower partitioned long enough that it must
// install a snapshot and pull the blocks it missed, and commands that are
// not entries of the channel.
#include "core/orderer/raft_fsm.h"

#include <gtest/gtest.h>

#include <set>

#include "core/protocol/block_signature.h"
#include "raft_cluster.h"

namespace loom::orderer {
namespace {

using testing::EnvelopeId;
using testing::RaftCluster;
using testing::RaftClusterOptions;
using testing::SizedEnvelope;

constexpr unsigned kMaxMsecs = 20000;

BatchConfig SmallBatches() {
  BatchConfig batch;
  batch.max_message_count = 4;
  batch.preferred_max_bytes = 1000;
  batch.absolute_max_bytes = 1 << 20;
  return batch;
}

// Envelope `id` of a deterministic mix of sizes: most fit several to a
// batch, some overflow PreferredMaxBytes together, every 11th is oversized.
LogEntry WorkloadEntry(int id) {
  const size_t size = id % 11 == 10 ? 1500 : 100 + static_cast<size_t>(id * 37) % 350;
  return LogEntry::Envelope(RaftCluster::kChannel, SizedEnvelope(id, size));
}

enum class Settle { kNo, kYes };

// Proposes envelopes first..last-1 on the leader; after every
// `cut_every`-th one, a time-to-cut for the leader's next block and a stale
// duplicate of it. With Settle::kYes the leader first applies what was
// proposed, so the time-to-cut names the block really pending (and cuts it,
// unless count or bytes cut it first); without, it names a block that the
// envelopes in flight may cut before it commits.
void ProposeWorkload(RaftCluster& cluster, int first, int last, int cut_every, Settle settle = Settle::kYes) {
  for (int id = first; id < last; ++id) {
    ASSERT_TRUE(cluster.Propose(WorkloadEntry(id))) << "envelope " << id;
    if ((id + 1) % cut_every != 0) continue;
    const unsigned leader = cluster.leader();
    ASSERT_LT(leader, cluster.size());
    if (settle == Settle::kYes) {
      ASSERT_TRUE(raft_fixture_step_until_applied(cluster.fixture(), leader,
                                                  raft_last_index(cluster.raft(leader)), kMaxMsecs));
    }
    const uint64_t next = cluster.fsm(leader).next_block_number();
    ASSERT_TRUE(cluster.Propose(LogEntry::TimeToCut(RaftCluster::kChannel, next)));
    ASSERT_TRUE(cluster.Propose(LogEntry::TimeToCut(RaftCluster::kChannel, next)));
  }
}

// Steps until a server other than `dead` is the stable leader (the fixture
// may still name a killed leader until it sees another one).
bool StepUntilLeaderOtherThan(RaftCluster& cluster, unsigned dead) {
  struct Target {
    RaftCluster* cluster;
    unsigned dead;
  } target{&cluster, dead};
  auto has_other_leader = [](raft_fixture*, void* arg) {
    auto* t = static_cast<Target*>(arg);
    const unsigned leader = t->cluster->leader();
    return leader != t->dead && leader != t->cluster->size();
  };
  return raft_fixture_step_until(cluster.fixture(), has_other_leader, &target, kMaxMsecs);
}

bool StepUntilAllApplied(RaftCluster& cluster, const std::vector<unsigned>& which) {
  const unsigned leader = cluster.leader();
  if (leader == cluster.size()) return false;
  return cluster.StepUntilApplied(which, raft_last_index(cluster.raft(leader)), kMaxMsecs);
}

// Cuts what is left pending with a time-to-cut entry (as BatchTimeout
// would) and waits until every server applied it.
void CutPendingBatch(RaftCluster& cluster) {
  if (cluster.ProposeTimeToCut()) {
    ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  }
  for (unsigned i = 0; i < cluster.size(); ++i) EXPECT_FALSE(cluster.fsm(i).has_pending()) << "server " << i;
}

// Every store holds the same blocks (headers, data, the orderer metadata
// value that records the log index); only the signatures differ.
void ExpectIdenticalChains(RaftCluster& cluster) {
  const ledger::BlockStore& reference = cluster.store(0);
  for (unsigned i = 1; i < cluster.size(); ++i) {
    SCOPED_TRACE("server " + std::to_string(i));
    ASSERT_EQ(cluster.store(i).Height(), reference.Height());
    for (uint64_t n = 0; n < reference.Height(); ++n) {
      SCOPED_TRACE("block " + std::to_string(n));
      auto want = reference.GetBlock(n);
      auto got = cluster.store(i).GetBlock(n);
      ASSERT_TRUE(want.ok() && got.ok());
      EXPECT_EQ(want->header().SerializeAsString(), got->header().SerializeAsString());
      EXPECT_EQ(want->data().SerializeAsString(), got->data().SerializeAsString());
      if (n > 0) {
        EXPECT_EQ(protocol::BlockSignaturesMetadata(*want)->value(),
                  protocol::BlockSignaturesMetadata(*got)->value());
      }
    }
  }
}

// The FSM's mirror agrees with what the server's chain really holds.
void ExpectMirrorsMatchChains(RaftCluster& cluster) {
  for (unsigned i = 0; i < cluster.size(); ++i) {
    SCOPED_TRACE("server " + std::to_string(i));
    const ChainBuilder& builder = cluster.applier(i).builder();
    EXPECT_EQ(cluster.fsm(i).next_block_number(), builder.next_block_number());
    EXPECT_EQ(cluster.fsm(i).next_block_number(), cluster.store(i).Height());
    EXPECT_EQ(cluster.fsm(i).pending_count(), builder.pending_count());
    EXPECT_EQ(cluster.fsm(i).has_pending(), builder.has_pending());
    EXPECT_TRUE(cluster.sink(i).errors.empty()) << cluster.sink(i).errors.front();
  }
}

// The envelope ids in the chain of server 0, in order.
std::vector<int> ChainEnvelopeIds(RaftCluster& cluster) {
  std::vector<int> ids;
  for (uint64_t n = 1; n < cluster.store(0).Height(); ++n) {
    auto block = cluster.store(0).GetBlock(n);
    EXPECT_TRUE(block.ok());
    for (const std::string& envelope : block->data().data()) ids.push_back(EnvelopeId(envelope));
  }
  return ids;
}

// "0 1 2 ..." (gtest elides long vectors in failure messages).
std::string Joined(const std::vector<int>& ids) {
  std::string joined;
  for (int id : ids) joined += std::to_string(id) + " ";
  return joined;
}

TEST(RaftChainFsm, ThreeServersCutTheSameChain) {
  RaftCluster cluster({.servers = 3, .batch = SmallBatches()});
  raft_fixture_elect(cluster.fixture(), 0);
  ASSERT_EQ(cluster.leader(), 0u);

  ProposeWorkload(cluster, 0, 60, 7);
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  // Envelopes until one waits in a batch, then a fresh time-to-cut for it
  // and a stale one.
  int envelopes = 60;
  while (!cluster.fsm(0).has_pending()) {
    ASSERT_TRUE(cluster.Propose(WorkloadEntry(envelopes++)));
    ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  }
  const uint64_t cut = cluster.fsm(0).next_block_number();
  ASSERT_TRUE(cluster.ProposeTimeToCut());
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  EXPECT_FALSE(cluster.fsm(0).has_pending());
  const uint64_t height = cluster.store(0).Height();
  EXPECT_EQ(height, cut + 1);
  ASSERT_TRUE(cluster.Propose(LogEntry::TimeToCut(RaftCluster::kChannel, cut)));
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  EXPECT_EQ(cluster.store(0).Height(), height) << "a stale time-to-cut must not cut";

  ExpectIdenticalChains(cluster);
  ExpectMirrorsMatchChains(cluster);
  EXPECT_GT(cluster.store(0).Height(), 15u);
  std::vector<int> want(envelopes);
  for (int id = 0; id < envelopes; ++id) want[id] = id;
  EXPECT_EQ(Joined(ChainEnvelopeIds(cluster)), Joined(want));
  EXPECT_GE(cluster.acknowledged(), envelopes);
  // The workload's time-to-cut entries both cut and came too late.
  EXPECT_GT(cluster.sink(0).timeout_cuts, 1);
  EXPECT_GT(cluster.sink(0).stale_time_to_cuts, 1);
  for (unsigned i = 0; i < cluster.size(); ++i) {
    EXPECT_EQ(cluster.sink(i).timeout_cuts, cluster.sink(0).timeout_cuts);
    EXPECT_EQ(cluster.sink(i).stale_time_to_cuts, cluster.sink(0).stale_time_to_cuts);
    // Raft indexes are the log indexes: strictly increasing, one term.
    const auto& indexes = cluster.sink(i).indexes;
    for (size_t k = 1; k < indexes.size(); ++k) EXPECT_LT(indexes[k - 1], indexes[k]);
    for (uint64_t term : cluster.sink(i).terms) EXPECT_EQ(term, cluster.sink(0).terms.front());
  }
}

TEST(RaftChainFsm, PendingBatchIsTrackedWithItsStartTime) {
  RaftCluster cluster({.servers = 3, .batch = SmallBatches()});
  raft_fixture_elect(cluster.fixture(), 0);
  EXPECT_FALSE(cluster.fsm(0).has_pending());
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(cluster.Propose(WorkloadEntry(1)));
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  for (unsigned i = 0; i < cluster.size(); ++i) {
    EXPECT_TRUE(cluster.fsm(i).has_pending());
    EXPECT_EQ(cluster.fsm(i).pending_count(), 1u);
    EXPECT_GE(cluster.fsm(i).pending_since(), before);
    EXPECT_EQ(cluster.fsm(i).next_block_number(), 1u);
  }
  const auto first_since = cluster.fsm(0).pending_since();
  ASSERT_TRUE(cluster.Propose(WorkloadEntry(2)));
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  EXPECT_EQ(cluster.fsm(0).pending_since(), first_since) << "the batch started with its first envelope";
  ASSERT_TRUE(cluster.ProposeTimeToCut());
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  for (unsigned i = 0; i < cluster.size(); ++i) {
    EXPECT_FALSE(cluster.fsm(i).has_pending());
    EXPECT_EQ(cluster.fsm(i).next_block_number(), 2u);
    EXPECT_EQ(cluster.store(i).Height(), 2u);
  }
  ExpectIdenticalChains(cluster);
}

TEST(RaftChainFsm, LeaderKilledMidStreamAnotherContinues) {
  RaftCluster cluster({.servers = 3, .batch = SmallBatches()});
  raft_fixture_elect(cluster.fixture(), 0);
  ProposeWorkload(cluster, 0, 20, 5);
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));

  // More entries, then the leader dies after a few steps: some of them may
  // be on a majority (and survive), some only on the dead leader (lost).
  ProposeWorkload(cluster, 20, 30, 5, Settle::kNo);
  raft_fixture_step_n(cluster.fixture(), 6);
  const uint64_t old_term = cluster.raft(0)->current_term;
  raft_fixture_kill(cluster.fixture(), 0);
  ASSERT_TRUE(StepUntilLeaderOtherThan(cluster, 0));
  const unsigned new_leader = cluster.leader();
  ASSERT_NE(new_leader, 0u);
  ASSERT_LT(new_leader, cluster.size());

  ProposeWorkload(cluster, 30, 55, 6);
  ASSERT_TRUE(StepUntilAllApplied(cluster, {1, 2}));
  raft_fixture_revive(cluster.fixture(), 0);
  ASSERT_TRUE(cluster.ProposeTimeToCut() || !cluster.fsm(new_leader).has_pending());
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));

  ExpectIdenticalChains(cluster);
  ExpectMirrorsMatchChains(cluster);
  // Nothing doubled; everything the new leader took is there, in order.
  const std::vector<int> ids = ChainEnvelopeIds(cluster);
  EXPECT_EQ(std::set<int>(ids.begin(), ids.end()).size(), ids.size());
  for (int id = 0; id < 20; ++id) EXPECT_EQ(ids[id], id);
  std::vector<int> tail(ids.end() - 25, ids.end());
  for (int k = 0; k < 25; ++k) EXPECT_EQ(tail[k], 30 + k);
  // The new leader's entries carry its (higher) term on every server.
  for (unsigned i = 0; i < cluster.size(); ++i) {
    EXPECT_GT(cluster.sink(i).terms.back(), old_term) << "server " << i;
    const auto& terms = cluster.sink(i).terms;
    for (size_t k = 1; k < terms.size(); ++k) EXPECT_LE(terms[k - 1], terms[k]);
  }
}

TEST(RaftChainFsm, PartitionedFollowerInstallsSnapshotAndPullsBlocks) {
  RaftCluster cluster(
      {.servers = 5, .batch = SmallBatches(), .snapshot_threshold = 8, .snapshot_trailing = 2});
  raft_fixture_elect(cluster.fixture(), 0);
  ProposeWorkload(cluster, 0, 6, 100);
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  const uint64_t height_before = cluster.store(4).Height();

  for (unsigned j = 0; j < 4; ++j) {
    raft_fixture_disconnect(cluster.fixture(), 4, j);
    raft_fixture_disconnect(cluster.fixture(), j, 4);
  }
  ProposeWorkload(cluster, 6, 70, 9);
  ASSERT_TRUE(StepUntilAllApplied(cluster, {0, 1, 2, 3}));
  // The leader compacted its log past what server 4 has.
  ASSERT_GT(cluster.raft(0)->log.snapshot.last_index, raft_last_applied(cluster.raft(4)) + 2);
  EXPECT_EQ(cluster.store(4).Height(), height_before);

  for (unsigned j = 0; j < 4; ++j) {
    raft_fixture_reconnect(cluster.fixture(), 4, j);
    raft_fixture_reconnect(cluster.fixture(), j, 4);
  }
  ProposeWorkload(cluster, 70, 80, 4);
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  CutPendingBatch(cluster);

  ASSERT_FALSE(cluster.sink(4).restored.empty()) << "server 4 never installed a snapshot";
  EXPECT_GT(cluster.applier(4).pulled_blocks(), 0u);
  EXPECT_EQ(cluster.applier(4).pulled_blocks(), static_cast<uint64_t>(cluster.puller(4).pulled()));
  const RaftSnapshotState& restored = cluster.sink(4).restored.back();
  EXPECT_GT(restored.height, height_before);
  ExpectIdenticalChains(cluster);
  ExpectMirrorsMatchChains(cluster);
  std::vector<int> want(80);
  for (int id = 0; id < 80; ++id) want[id] = id;
  EXPECT_EQ(Joined(ChainEnvelopeIds(cluster)), Joined(want));
}

TEST(RaftChainFsm, FiveServersLeaderKilledWhileAFollowerIsPartitioned) {
  RaftCluster cluster(
      {.servers = 5, .batch = SmallBatches(), .snapshot_threshold = 16, .snapshot_trailing = 4});
  raft_fixture_elect(cluster.fixture(), 0);
  // Saturated links drop messages silently (disconnected ones fail the
  // send): the fixture then still sees a stable leader while server 4,
  // cut off, keeps trying to campaign.
  for (unsigned j = 0; j < 4; ++j) {
    raft_fixture_saturate(cluster.fixture(), 4, j);
    raft_fixture_saturate(cluster.fixture(), j, 4);
  }
  ProposeWorkload(cluster, 0, 40, 6);
  ASSERT_TRUE(StepUntilAllApplied(cluster, {0, 1, 2, 3}));
  raft_fixture_kill(cluster.fixture(), 0);
  ASSERT_TRUE(StepUntilLeaderOtherThan(cluster, 0));
  ASSERT_NE(cluster.leader(), 0u);
  ProposeWorkload(cluster, 40, 80, 6);
  ASSERT_TRUE(StepUntilAllApplied(cluster, {1, 2, 3}));
  for (unsigned j = 0; j < 4; ++j) {
    raft_fixture_desaturate(cluster.fixture(), 4, j);
    raft_fixture_desaturate(cluster.fixture(), j, 4);
  }
  raft_fixture_revive(cluster.fixture(), 0);
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  CutPendingBatch(cluster);

  EXPECT_FALSE(cluster.sink(4).restored.empty());
  ExpectIdenticalChains(cluster);
  ExpectMirrorsMatchChains(cluster);
  std::vector<int> want(80);
  for (int id = 0; id < 80; ++id) want[id] = id;
  EXPECT_EQ(Joined(ChainEnvelopeIds(cluster)), Joined(want));
}

TEST(RaftChainFsm, CommandsThatAreNotEntriesOfTheChannelAreSkippedEverywhere) {
  RaftCluster cluster({.servers = 3, .batch = SmallBatches()});
  raft_fixture_elect(cluster.fixture(), 0);
  ASSERT_TRUE(cluster.Propose(WorkloadEntry(0)));
  ASSERT_TRUE(cluster.ProposeBytes("not a log entry"));
  const uint64_t garbage_index = raft_last_index(cluster.raft(0));
  ASSERT_TRUE(cluster.Propose(LogEntry::Envelope("otherchannel", SizedEnvelope(99, 200))));
  const uint64_t other_index = raft_last_index(cluster.raft(0));
  ASSERT_TRUE(cluster.Propose(WorkloadEntry(1)));
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));
  ASSERT_TRUE(cluster.ProposeTimeToCut());
  ASSERT_TRUE(StepUntilAllApplied(cluster, cluster.AllServers()));

  for (unsigned i = 0; i < cluster.size(); ++i) {
    EXPECT_EQ(cluster.sink(i).skipped, (std::vector<uint64_t>{garbage_index, other_index})) << "server " << i;
    EXPECT_EQ(cluster.fsm(i).skipped_entries(), 2u);
  }
  ExpectIdenticalChains(cluster);
  ExpectMirrorsMatchChains(cluster);
  EXPECT_EQ(ChainEnvelopeIds(cluster), (std::vector<int>{0, 1}));
}

}  // namespace
}  // namespace loom::orderer
