// KvLedger: commit of blocks with valid and invalid transactions, history
// with values, refusal of bad commits, and recovery by replay after a crash
// between the block append and the state batch.
#include "core/ledger/kv_ledger.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/ledger/block_store.h"
#include "core/ledger/ledger_db.h"
#include "core/protocol/block.h"
#include "endorser_tx_maker.h"
#include "ledger_test_support.h"
#include "peer/transaction.pb.h"
#include "tests/support/temp_dir.h"

namespace loom::ledger {
namespace {

using ::loom::ledger::testing::ChainMaker;
using ::loom::ledger::testing::Del;
using ::loom::ledger::testing::EndorserTxMaker;
using ::loom::ledger::testing::Put;
using ::loom::ledger::testing::TestTx;
using ::loom::testing::TempDir;

constexpr uint8_t kValid = protos::VALID;
constexpr uint8_t kMvccConflict = protos::MVCC_READ_CONFLICT;
constexpr uint8_t kBadPolicy = protos::ENDORSEMENT_POLICY_FAILURE;

std::unique_ptr<KvLedger> OpenOrDie(const std::string& dir, const KvLedgerOptions& options = {}) {
  auto ledger = KvLedger::Open(dir, options);
  EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
  return ledger.ok() ? std::move(ledger).value() : nullptr;
}

// Every (namespace, key, value, version) of the given namespaces, in order.
std::vector<std::string> DumpState(const KvLedger& ledger, const std::vector<std::string>& namespaces) {
  std::vector<std::string> lines;
  for (const std::string& ns : namespaces) {
    StateRangeIterator it = ledger.state().GetRange(ns, "", "");
    while (true) {
      auto entry = it.Next();
      EXPECT_TRUE(entry.ok()) << entry.status().ToString();
      if (!entry.ok() || !entry->has_value()) break;
      lines.push_back(ns + "/" + (*entry)->key + "=" + (*entry)->value + "@" +
                      std::to_string((*entry)->version.block_num) + ":" +
                      std::to_string((*entry)->version.tx_num));
    }
  }
  return lines;
}

std::vector<std::string> DumpHistory(const KvLedger& ledger, const std::string& ns, const std::string& key) {
  auto history = ledger.GetHistoryForKey(ns, key, HistoryOrder::kOldestFirst);
  EXPECT_TRUE(history.ok()) << history.status().ToString();
  std::vector<std::string> lines;
  if (!history.ok()) return lines;
  for (const KeyModification& m : *history) {
    lines.push_back(std::to_string(m.block_num) + ":" + std::to_string(m.tx_num) + " " + m.tx_id + " " +
                    (m.is_delete ? "deleted" : "=" + m.value));
  }
  return lines;
}

class KvLedgerTest : public ::testing::Test {
 protected:
  // The genesis block: one CONFIG transaction.
  common::Block Genesis() { return chain_.Next({txs_.Config()}); }
  // The next block with the given transactions.
  common::Block Block(const std::vector<TestTx>& txs) {
    std::vector<std::string> envelopes;
    for (const TestTx& tx : txs) envelopes.push_back(tx.envelope);
    return chain_.Next(std::move(envelopes));
  }

  TempDir dir_{"kv-ledger"};
  EndorserTxMaker txs_;
  ChainMaker chain_;
};

TEST_F(KvLedgerTest, CommitAppliesOnlyValidWriteSets) {
  auto ledger = OpenOrDie(dir_.File("ledger"));
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(ledger->Height(), 0u);
  ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
  EXPECT_EQ(ledger->Height(), 1u);
  EXPECT_TRUE(DumpState(*ledger, {"cc", "other"}).empty()) << "a config block changed the state";

  TestTx t0 = txs_.Make({Put("cc", "a", "a1"), Put("cc", "b", "b1")});
  TestTx t1 = txs_.Make({Put("cc", "a", "bad"), Put("cc", "c", "bad")});
  TestTx t2 = txs_.Make({Put("cc", "a", "a2"), Put("other", "x", "x2")});
  TestTx t3 = txs_.Make({Del("cc", "b")});
  TestTx t4 = txs_.Make({Del("cc", "a")});
  common::Block block = Block({t0, t1, t2, t3, t4});
  const std::vector<uint8_t> codes = {kValid, kMvccConflict, kValid, kValid, kBadPolicy};
  ASSERT_TRUE(ledger->Commit(block, codes).ok());
  EXPECT_EQ(ledger->Height(), 2u);

  EXPECT_EQ(DumpState(*ledger, {"cc", "other"}), (std::vector<std::string>{"cc/a=a2@1:2", "other/x=x2@1:2"}));
  auto a = ledger->state().Get("cc", "a");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->version, (Version{1, 2}));
  EXPECT_FALSE(ledger->state().Get("cc", "b")->has_value());
  EXPECT_FALSE(ledger->state().Get("cc", "c")->has_value()) << "an invalid tx wrote";

  EXPECT_EQ(DumpHistory(*ledger, "cc", "a"),
            (std::vector<std::string>{"1:0 " + t0.tx_id + " =a1", "1:2 " + t2.tx_id + " =a2"}));
  EXPECT_EQ(DumpHistory(*ledger, "cc", "b"),
            (std::vector<std::string>{"1:0 " + t0.tx_id + " =b1", "1:3 " + t3.tx_id + " deleted"}));
  EXPECT_TRUE(DumpHistory(*ledger, "cc", "c").empty());
  auto newest = ledger->GetHistoryForKey("cc", "b", HistoryOrder::kNewestFirst);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_TRUE((*newest)[0].is_delete);
  EXPECT_EQ((*newest)[0].tx_id, t3.tx_id);
  EXPECT_GT((*newest)[0].timestamp_seconds, 0);
  EXPECT_EQ((*newest)[1].value, "b1");

  // The block is stored as given, with the codes in TRANSACTIONS_FILTER.
  auto stored = ledger->block_store().GetBlock(1);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(protocol::TransactionsFilter(*stored), std::string(codes.begin(), codes.end()));
  EXPECT_EQ(stored->data().SerializeAsString(), block.data().SerializeAsString());
  EXPECT_EQ(stored->header().SerializeAsString(), block.header().SerializeAsString());
}

TEST_F(KvLedgerTest, StateAndHistorySurviveReopenWithoutReplay) {
  {
    auto ledger = OpenOrDie(dir_.File("ledger"));
    ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
    ASSERT_TRUE(ledger->Commit(Block({txs_.Make({Put("cc", "k", "v1")})}), {kValid}).ok());
  }
  auto ledger = OpenOrDie(dir_.File("ledger"));
  EXPECT_EQ(ledger->Height(), 2u);
  EXPECT_TRUE(ledger->recovery_notes().empty());
  EXPECT_EQ(DumpState(*ledger, {"cc"}), (std::vector<std::string>{"cc/k=v1@1:0"}));
  ASSERT_TRUE(ledger->Commit(Block({txs_.Make({Put("cc", "k", "v2")})}), {kValid}).ok());
  EXPECT_EQ(DumpState(*ledger, {"cc"}), (std::vector<std::string>{"cc/k=v2@2:0"}));
}

TEST_F(KvLedgerTest, BadCommitsStoreNothing) {
  auto ledger = OpenOrDie(dir_.File("ledger"));
  ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
  common::Block block = Block({txs_.Make({Put("cc", "k", "v")}), txs_.Make({Put("cc", "j", "v")})});

  Status wrong_count = ledger->Commit(block, {kValid});
  EXPECT_TRUE(wrong_count.IsInvalidArgument()) << wrong_count.ToString();

  common::Block wrong_number = block;
  wrong_number.mutable_header()->set_number(5);
  EXPECT_TRUE(ledger->Commit(wrong_number, {kValid, kValid}).IsInvalidArgument());

  EXPECT_EQ(ledger->block_store().Height(), 1u);
  ASSERT_TRUE(ledger->Commit(block, {kValid, kValid}).ok());
  EXPECT_EQ(ledger->Height(), 2u);

  // A VALID transaction must have a readable write set.
  common::Block junk = chain_.Next({"not an envelope"});
  Status unreadable = ledger->Commit(junk, {kValid});
  EXPECT_TRUE(unreadable.IsInvalidArgument()) << unreadable.ToString();
  EXPECT_NE(unreadable.message().find("block 2 tx 0"), std::string::npos) << unreadable.message();
  EXPECT_EQ(ledger->block_store().Height(), 2u);
  EXPECT_EQ(ledger->Height(), 2u);
  // Marked invalid, the same transaction is stored and ignored.
  ASSERT_TRUE(ledger->Commit(junk, {protos::BAD_PAYLOAD}).ok());
  EXPECT_EQ(ledger->Height(), 3u);
  EXPECT_EQ(DumpState(*ledger, {"cc"}), (std::vector<std::string>{"cc/j=v@1:1", "cc/k=v@1:0"}));
}

// A crash after the block append and before the state batch (injected with
// the test hook) is recovered at Open by replaying the block with the codes
// stored in its metadata; the result equals a ledger that never crashed.
TEST_F(KvLedgerTest, CrashBeforeStateCommitIsReplayedOnOpen) {
  std::vector<common::Block> blocks;
  std::vector<std::vector<uint8_t>> codes;
  blocks.push_back(Genesis());
  codes.push_back({kValid});
  blocks.push_back(Block({txs_.Make({Put("cc", "a", "a1"), Put("cc", "b", "b1")})}));
  codes.push_back({kValid});
  blocks.push_back(
      Block({txs_.Make({Put("cc", "a", "a2")}), txs_.Make({Del("cc", "b"), Put("cc", "c", "c2")}),
             txs_.Make({Put("cc", "z", "never")})}));
  codes.push_back({kValid, kValid, kMvccConflict});
  blocks.push_back(Block({txs_.Make({Put("cc", "d", "d3")})}));
  codes.push_back({kValid});

  TempDir reference_dir("kv-ledger-reference");
  auto reference = OpenOrDie(reference_dir.File("ledger"));
  for (size_t i = 0; i < blocks.size(); ++i) ASSERT_TRUE(reference->Commit(blocks[i], codes[i]).ok());

  KvLedgerOptions crashing;
  crashing.before_state_commit = [](uint64_t number) {
    return number == 2 ? Status::Internal("injected crash") : Status::Ok();
  };
  {
    auto ledger = OpenOrDie(dir_.File("ledger"), crashing);
    ASSERT_TRUE(ledger->Commit(blocks[0], codes[0]).ok());
    ASSERT_TRUE(ledger->Commit(blocks[1], codes[1]).ok());
    Status crash = ledger->Commit(blocks[2], codes[2]);
    EXPECT_EQ(crash.message(), "injected crash");
    EXPECT_EQ(ledger->block_store().Height(), 3u);
    EXPECT_EQ(ledger->Height(), 2u);
    EXPECT_EQ(DumpState(*ledger, {"cc"}), (std::vector<std::string>{"cc/a=a1@1:0", "cc/b=b1@1:0"}));
    Status after = ledger->Commit(blocks[3], codes[3]);
    EXPECT_EQ(after.code(), Status::Code::kFailedPrecondition) << after.ToString();
  }
  auto ledger = OpenOrDie(dir_.File("ledger"));
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(ledger->Height(), 3u);
  ASSERT_EQ(ledger->recovery_notes().size(), 1u);
  EXPECT_NE(ledger->recovery_notes()[0].find("replayed block 2"), std::string::npos);
  ASSERT_TRUE(ledger->Commit(blocks[3], codes[3]).ok());

  EXPECT_EQ(DumpState(*ledger, {"cc"}), DumpState(*reference, {"cc"}));
  EXPECT_EQ(DumpState(*ledger, {"cc"}),
            (std::vector<std::string>{"cc/a=a2@2:0", "cc/c=c2@2:1", "cc/d=d3@3:0"}));
  for (std::string key : {"a", "b", "c", "d", "z"}) {
    EXPECT_EQ(DumpHistory(*ledger, "cc", key), DumpHistory(*reference, "cc", key)) << key;
  }
  EXPECT_EQ(DumpHistory(*ledger, "cc", "b").size(), 2u);
}

// The same crash seen from the disk: blocks appended to the block store
// (with their TRANSACTIONS_FILTER) that the state never saw, replayed in order.
TEST_F(KvLedgerTest, BlocksAppendedBehindTheLedgersBackAreReplayed) {
  {
    auto ledger = OpenOrDie(dir_.File("ledger"));
    ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
  }
  TestTx tx = txs_.Make({Put("cc", "k", "v"), Put("cc2", "k", "w")});
  TestTx rejected = txs_.Make({Put("cc", "r", "no")});
  common::Block first = Block({tx, rejected});
  first.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER,
                                         std::string{char(kValid), char(kMvccConflict)});
  TestTx overwrite = txs_.Make({Put("cc", "k", "v2"), Del("cc2", "k")});
  common::Block second = Block({overwrite});
  second.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER, std::string{char(kValid)});
  {
    auto store = BlockStore::Open(dir_.File("ledger") + "/chain");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Append(first).ok());
    ASSERT_TRUE((*store)->Append(second).ok());
  }
  auto ledger = OpenOrDie(dir_.File("ledger"));
  EXPECT_EQ(ledger->Height(), 3u);
  EXPECT_EQ(ledger->recovery_notes().size(), 2u);
  EXPECT_EQ(DumpState(*ledger, {"cc", "cc2"}), (std::vector<std::string>{"cc/k=v2@2:0"}));
  EXPECT_EQ(DumpHistory(*ledger, "cc2", "k"),
            (std::vector<std::string>{"1:0 " + tx.tx_id + " =w", "2:0 " + overwrite.tx_id + " deleted"}));
  EXPECT_TRUE(DumpHistory(*ledger, "cc", "r").empty());
}

TEST_F(KvLedgerTest, BlockWithoutValidationCodesCannotBeReplayed) {
  {
    auto ledger = OpenOrDie(dir_.File("ledger"));
    ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
  }
  {
    auto store = BlockStore::Open(dir_.File("ledger") + "/chain");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Append(Block({txs_.Make({Put("cc", "k", "v")})})).ok());
  }
  auto ledger = KvLedger::Open(dir_.File("ledger"));
  ASSERT_FALSE(ledger.ok());
  EXPECT_TRUE(ledger.status().IsCorruption());
  EXPECT_NE(ledger.status().message().find("TRANSACTIONS_FILTER"), std::string::npos)
      << ledger.status().message();
}

TEST_F(KvLedgerTest, CorruptSavepointIsNamed) {
  {
    auto ledger = OpenOrDie(dir_.File("ledger"));
    ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
  }
  {
    auto db = LedgerDb::Open(dir_.File("ledger") + "/statedb");
    ASSERT_TRUE(db.ok());
    LedgerDb::Batch batch;
    batch.Put(KvLedger::kSavepointKey, "junk");
    ASSERT_TRUE((*db)->Write(&batch).ok());
  }
  auto ledger = KvLedger::Open(dir_.File("ledger"));
  ASSERT_FALSE(ledger.ok());
  EXPECT_TRUE(ledger.status().IsCorruption()) << ledger.status().ToString();
  EXPECT_NE(ledger.status().message().find("savepoint"), std::string::npos) << ledger.status().message();
  EXPECT_NE(ledger.status().message().find("malformed"), std::string::npos) << ledger.status().message();
}

TEST_F(KvLedgerTest, SavepointAheadOfTheBlocksIsCorruption) {
  {
    auto ledger = OpenOrDie(dir_.File("ledger"));
    ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
  }
  {
    auto db = LedgerDb::Open(dir_.File("ledger") + "/statedb");
    ASSERT_TRUE(db.ok());
    std::string savepoint(1, '\1');
    AppendBigEndian64(&savepoint, 7);
    LedgerDb::Batch batch;
    batch.Put(KvLedger::kSavepointKey, savepoint);
    ASSERT_TRUE((*db)->Write(&batch).ok());
  }
  auto ledger = KvLedger::Open(dir_.File("ledger"));
  ASSERT_FALSE(ledger.ok());
  EXPECT_TRUE(ledger.status().IsCorruption());
  EXPECT_NE(ledger.status().message().find("savepoint names block 7"), std::string::npos)
      << ledger.status().message();
}

TEST_F(KvLedgerTest, SnapshotKeepsTheStateOfItsBlock) {
  auto ledger = OpenOrDie(dir_.File("ledger"));
  ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
  ASSERT_TRUE(ledger->Commit(Block({txs_.Make({Put("cc", "a", "1"), Put("cc", "b", "1")})}), {kValid}).ok());
  StateSnapshot snapshot = ledger->state().NewSnapshot();
  ASSERT_TRUE(
      ledger->Commit(Block({txs_.Make({Put("cc", "a", "2"), Del("cc", "b"), Put("cc", "c", "2")})}), {kValid})
          .ok());
  StateRangeIterator it = snapshot.GetRange("cc", "", "");
  std::vector<std::string> seen;
  while (true) {
    auto entry = it.Next();
    ASSERT_TRUE(entry.ok());
    if (!entry->has_value()) break;
    seen.push_back((*entry)->key + "=" + (*entry)->value);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a=1", "b=1"}));
  EXPECT_EQ(DumpState(*ledger, {"cc"}), (std::vector<std::string>{"cc/a=2@2:0", "cc/c=2@2:0"}));
}

// Readers running beside the committer always see a whole block's effects:
// the counter's version lies between the heights read around the snapshot,
// and its history has one entry per block that committed it.
TEST_F(KvLedgerTest, ReadersSeeWholeBlocksWhileCommitting) {
  auto ledger = OpenOrDie(dir_.File("ledger"));
  ASSERT_TRUE(ledger->Commit(Genesis(), {kValid}).ok());
  constexpr uint64_t kBlocks = 40;
  std::vector<common::Block> blocks;
  for (uint64_t n = 1; n <= kBlocks; ++n) {
    blocks.push_back(Block(
        {txs_.Make({Put("cc", "counter", std::to_string(n)), Put("cc", "k" + std::to_string(n), "x")})}));
  }
  std::atomic<bool> done{false};
  std::thread committer([&] {
    for (const common::Block& block : blocks) {
      Status status = ledger->Commit(block, {kValid});
      if (!status.ok()) {
        ADD_FAILURE() << status.ToString();
        break;
      }
    }
    done = true;
  });
  int reads = 0;
  while (!done || reads == 0) {
    uint64_t before = ledger->Height();
    StateSnapshot snapshot = ledger->state().NewSnapshot();
    uint64_t after = ledger->Height();
    auto counter = snapshot.Get("cc", "counter");
    ASSERT_TRUE(counter.ok());
    uint64_t seen = counter->has_value() ? (*counter)->version.block_num : 0;
    EXPECT_GE(seen + 1, before);
    // Height() is published just after the state, so the snapshot may hold
    // the block Height() does not count yet, never one beyond it.
    EXPECT_LE(seen, after);
    if (counter->has_value()) {
      EXPECT_EQ((*counter)->value, std::to_string(seen));
      // The block's other write is there too.
      auto other = snapshot.Get("cc", "k" + std::to_string(seen));
      ASSERT_TRUE(other.ok());
      EXPECT_TRUE(other->has_value());
    }
    auto history = ledger->GetHistoryForKey("cc", "counter", HistoryOrder::kNewestFirst);
    ASSERT_TRUE(history.ok()) << history.status().ToString();
    EXPECT_GE(history->size(), seen);
    ++reads;
  }
  committer.join();
  auto history = ledger->GetHistoryForKey("cc", "counter", HistoryOrder::kNewestFirst);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), kBlocks);
  EXPECT_EQ(history->front().value, std::to_string(kBlocks));
  EXPECT_EQ(history->back().value, "1");
}

}  // namespace
}  // namespace loom::ledger
