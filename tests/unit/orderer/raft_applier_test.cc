// RaftApplier: applying entries, and restoring a snapshot — pulling the
// missing blocks (refusing ones that do not link or carry another number),
// checking the recorded log index, re-applying the pending batch — after
// which it cuts exactly the blocks the source chain cuts.
#include "core/orderer/raft_applier.h"

#include <gtest/gtest.h>

#include <functional>

#include "orderer_test_support.h"

namespace loom::orderer {
namespace {

using testing::MakeGenesis;
using testing::MakeSigner;
using testing::SizedEnvelope;
using testing::StoreWithGenesis;
using testing::TempDir;

const char kChannel[] = "applierchannel";

BatchConfig Batches() {
  BatchConfig batch;
  batch.max_message_count = 3;
  batch.preferred_max_bytes = 100000;
  return batch;
}

LogEntry Entry(uint64_t index) {
  LogEntry entry = LogEntry::Envelope(kChannel, SizedEnvelope(static_cast<int>(index), 150));
  entry.index = index;
  return entry;
}

// A puller that hands out blocks of `source`, passed through `tamper`.
class FakePuller : public BlockPuller {
 public:
  FakePuller(const ledger::BlockStore* source,
             std::function<Result<common::Block>(uint64_t, common::Block)> tamper)
      : source_(source), tamper_(std::move(tamper)) {}
  Result<common::Block> PullBlock(uint64_t number) override {
    ++calls;
    LOOM_ASSIGN_OR_RETURN(common::Block block, source_->GetBlock(number));
    return tamper_ ? tamper_(number, std::move(block)) : block;
  }
  int calls = 0;

 private:
  const ledger::BlockStore* source_;
  std::function<Result<common::Block>(uint64_t, common::Block)> tamper_;
};

class RaftApplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = MakeSigner("OrdererMSP", "orderer");
    genesis_ = MakeGenesis(kChannel, *signer_);
    source_store_ = StoreWithGenesis(dir_.Sub("source"), genesis_);
    target_store_ = StoreWithGenesis(dir_.Sub("target"), genesis_);
    source_ = Applier(source_store_.get());
    target_ = Applier(target_store_.get());
  }

  std::unique_ptr<RaftApplier> Applier(ledger::BlockStore* store) {
    auto applier = RaftApplier::Create(store, signer_.get(), Batches());
    EXPECT_TRUE(applier.ok()) << applier.status().ToString();
    return std::move(applier).value();
  }

  static void ApplyAll(RaftApplier& applier, uint64_t first, uint64_t last) {
    for (uint64_t index = first; index <= last; ++index) {
      auto blocks = applier.Apply(Entry(index));
      ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
    }
  }

  // The snapshot of the source chain after `applied` entries, as the FSM's
  // mirror would describe it.
  RaftSnapshotState SourceSnapshot(uint64_t applied) {
    RaftSnapshotState snapshot;
    snapshot.applied_index = applied;
    snapshot.height = source_store_->Height();
    auto last = source_store_->GetBlock(snapshot.height - 1);
    EXPECT_TRUE(last.ok());
    snapshot.last_block_log_index = *LastLogIndexOfBlock(*last);
    for (uint64_t index = snapshot.last_block_log_index + 1; index <= applied; ++index) {
      snapshot.pending.push_back(Entry(index));
    }
    return snapshot;
  }

  void ExpectSameChains() {
    ASSERT_EQ(target_store_->Height(), source_store_->Height());
    for (uint64_t n = 0; n < source_store_->Height(); ++n) {
      auto want = source_store_->GetBlock(n);
      auto got = target_store_->GetBlock(n);
      ASSERT_TRUE(want.ok() && got.ok());
      EXPECT_EQ(want->header().SerializeAsString(), got->header().SerializeAsString()) << "block " << n;
      EXPECT_EQ(want->data().SerializeAsString(), got->data().SerializeAsString()) << "block " << n;
    }
  }

  TempDir dir_;
  std::shared_ptr<protocol::KeySigner> signer_;
  common::Block genesis_;
  std::unique_ptr<ledger::BlockStore> source_store_, target_store_;
  std::unique_ptr<RaftApplier> source_, target_;
};

TEST_F(RaftApplierTest, RestorePullsMissingBlocksAndContinuesLikeTheSource) {
  ApplyAll(*source_, 1, 14);  // blocks 1-4 (3 each), 2 envelopes pending
  const RaftSnapshotState snapshot = SourceSnapshot(14);
  ASSERT_EQ(snapshot.height, 5u);
  ASSERT_EQ(snapshot.pending.size(), 2u);

  FakePuller puller(source_store_.get(), nullptr);
  ASSERT_TRUE(target_->Restore(snapshot, &puller).ok());
  EXPECT_EQ(puller.calls, 4);
  EXPECT_EQ(target_->pulled_blocks(), 4u);
  EXPECT_EQ(target_->builder().next_block_number(), 5u);
  EXPECT_EQ(target_->builder().pending_count(), 2u);
  EXPECT_EQ(target_->builder().last_applied_index(), 14u);

  ApplyAll(*source_, 15, 30);
  ApplyAll(*target_, 15, 30);
  ExpectSameChains();
}

TEST_F(RaftApplierTest, RestoreRefusesAPulledBlockWhosePreviousHashDoesNotLink) {
  ApplyAll(*source_, 1, 12);
  const RaftSnapshotState snapshot = SourceSnapshot(12);
  FakePuller tampering(source_store_.get(),
                       [](uint64_t number, common::Block block) -> Result<common::Block> {
                         if (number == 2) block.mutable_header()->set_previous_hash(std::string(32, '\x07'));
                         return block;
                       });
  Status restored = target_->Restore(snapshot, &tampering);
  ASSERT_FALSE(restored.ok());
  EXPECT_TRUE(restored.IsCorruption()) << restored.ToString();
  EXPECT_NE(restored.message().find("pulled block 2: its previous_hash does not link to block 1"),
            std::string::npos)
      << restored.ToString();
  EXPECT_EQ(target_store_->Height(), 2u) << "block 1 linked and was kept; block 2 was not appended";

  // Until a restore succeeds, applying later entries would cut other blocks.
  auto applied = target_->Apply(Entry(13));
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), Status::Code::kFailedPrecondition) << applied.status().ToString();

  FakePuller honest(source_store_.get(), nullptr);
  ASSERT_TRUE(target_->Restore(snapshot, &honest).ok());
  EXPECT_EQ(honest.calls, 3);  // blocks 2-4
  ApplyAll(*source_, 13, 20);
  ApplyAll(*target_, 13, 20);
  ExpectSameChains();
}

TEST_F(RaftApplierTest, RestoreRefusesAPulledBlockWithAnotherNumber) {
  ApplyAll(*source_, 1, 9);
  FakePuller shifted(source_store_.get(),
                     [this](uint64_t number, common::Block) { return source_store_->GetBlock(number + 1); });
  Status restored = target_->Restore(SourceSnapshot(9), &shifted);
  EXPECT_TRUE(restored.IsCorruption()) << restored.ToString();
  EXPECT_NE(restored.message().find("pulled block 1: it carries number 2"), std::string::npos)
      << restored.ToString();
  EXPECT_EQ(target_store_->Height(), 1u);
}

TEST_F(RaftApplierTest, RestorePassesOnThePullersErrorNamingTheBlock) {
  ApplyAll(*source_, 1, 9);
  FakePuller down(source_store_.get(), [](uint64_t, common::Block) -> Result<common::Block> {
    return Status::Unavailable("orderer0:7050 and orderer1:7050 are down");
  });
  Status restored = target_->Restore(SourceSnapshot(9), &down);
  EXPECT_EQ(restored.code(), Status::Code::kUnavailable);
  EXPECT_NE(restored.message().find("pulled block 1"), std::string::npos) << restored.ToString();
  EXPECT_NE(restored.message().find("orderer0:7050"), std::string::npos) << restored.ToString();

  Status no_puller = target_->Restore(SourceSnapshot(9), nullptr);
  EXPECT_EQ(no_puller.code(), Status::Code::kFailedPrecondition) << no_puller.ToString();
}

TEST_F(RaftApplierTest, RestoreChecksTheLogIndexTheLastBlockRecords) {
  ApplyAll(*source_, 1, 9);
  RaftSnapshotState snapshot = SourceSnapshot(9);
  snapshot.last_block_log_index = 8;
  FakePuller puller(source_store_.get(), nullptr);
  Status restored = target_->Restore(snapshot, &puller);
  EXPECT_TRUE(restored.IsCorruption()) << restored.ToString();
  EXPECT_NE(restored.message().find("block 3 records log index 9, the snapshot says 8"), std::string::npos)
      << restored.ToString();
}

TEST_F(RaftApplierTest, AStoreAlreadyPastTheSnapshotPullsNothing) {
  ApplyAll(*source_, 1, 7);
  const RaftSnapshotState older = SourceSnapshot(7);  // height 3, entry 7 pending
  ApplyAll(*source_, 8, 16);
  ApplyAll(*target_, 1, 16);

  ASSERT_TRUE(target_->Restore(older, nullptr).ok());
  EXPECT_EQ(target_->pulled_blocks(), 0u);
  EXPECT_EQ(target_store_->Height(), source_store_->Height());
  // Rebuilt from the store: its last block records entry 15; entry 16,
  // pending before, comes again from the log after the snapshot.
  EXPECT_EQ(target_->builder().last_applied_index(), 15u);
  EXPECT_FALSE(target_->builder().has_pending());
  ApplyAll(*target_, 8, 16);  // 8-15 are in blocks already: skipped
  EXPECT_EQ(target_->builder().pending_count(), source_->builder().pending_count());
  ApplyAll(*source_, 17, 25);
  ApplyAll(*target_, 17, 25);
  ExpectSameChains();
}

}  // namespace
}  // namespace loom::orderer
