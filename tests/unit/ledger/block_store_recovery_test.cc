// Crash and damage recovery: the store is built, closed, its files are
// changed the way a crash (or a bad disk) leaves them, and it is reopened.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/ledger/block_store.h"
#include "core/protocol/block.h"
#include "core/protocol/block_file.h"
#include "core/protocol/block_header.h"
#include "ledger_test_support.h"

namespace loom::ledger {
namespace {

namespace fs = std::filesystem;
using testing::ChainMaker;
using testing::TempDir;

void Copy(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

void Truncate(const fs::path& file, uintmax_t size) {
  fs::resize_file(file, size);
}

void AppendBytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << bytes;
}

// Flips one byte of the first occurrence of `marker` in `file`.
void FlipByteOf(const fs::path& file, const std::string& marker) {
  std::string bytes = testing::ReadAll(file);
  size_t at = bytes.find(marker);
  ASSERT_NE(at, std::string::npos) << marker;
  bytes[at + marker.size() / 2] ^= 0x01;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

bool NotesMention(const BlockStore& store, const std::string& text) {
  for (const std::string& note : store.recovery_notes()) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string Notes(const BlockStore& store) {
  std::string all;
  for (const std::string& note : store.recovery_notes()) all += note + "\n";
  return all;
}

class RecoveryTest : public ::testing::Test {
 protected:
  // Blocks 0 and 1 indexed; then block 2 appended. Keeps a copy of the
  // index from before block 2 (what a crash between the segment write and
  // the index write leaves) and of the whole store after it.
  void SetUp() override {
    {
      auto store = BlockStore::Open(Store().string());
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      blocks_.push_back(chain_.NextWithTxs(2));
      blocks_.push_back(chain_.NextWithTxs(2));
      for (const auto& block : blocks_) ASSERT_TRUE((*store)->Append(block).ok());
    }
    size_at_2_ = fs::file_size(SegmentFile());
    Copy(Store() / "index", temp_.path() / "index-at-2");
    {
      auto store = BlockStore::Open(Store().string());
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      blocks_.push_back(
          chain_.Next({chain_.Envelope("tx-2-0", "PAYLOAD-OF-BLOCK-TWO"), chain_.Envelope("tx-2-1")}));
      ASSERT_TRUE((*store)->Append(blocks_.back()).ok());
    }
    size_at_3_ = fs::file_size(SegmentFile());
    Copy(Store(), temp_.path() / "pristine");
  }

  fs::path Store() const { return temp_.path() / "store"; }
  fs::path SegmentFile(int number = 0) const {
    return Store() / "blocks" / ("blockfile_00000" + std::to_string(number));
  }
  // The store as a crash after block 2's segment write leaves it.
  void CrashBeforeIndexingBlock2() {
    Copy(temp_.path() / "pristine", Store());
    Copy(temp_.path() / "index-at-2", Store() / "index");
  }
  void Restore() { Copy(temp_.path() / "pristine", Store()); }

  std::unique_ptr<BlockStore> Reopen(BlockStoreOptions options = {}) {
    auto store = BlockStore::Open(Store().string(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // The chain is blocks 0 and 1 again, and block 2 can be appended anew.
  void ExpectRecoveredToTwoBlocks(BlockStore& store) {
    EXPECT_EQ(store.Height(), 2u);
    EXPECT_EQ(store.LastHeaderHash(), protocol::BlockHeaderHash(blocks_[1].header()));
    EXPECT_EQ(fs::file_size(SegmentFile()), size_at_2_);
    EXPECT_TRUE(store.GetTxLocation("tx-2-0").status().IsNotFound());
    EXPECT_TRUE(
        store.GetBlockNumberByHash(protocol::BlockHeaderHash(blocks_[2].header())).status().IsNotFound());
    EXPECT_EQ(*store.GetBlockBytes(1), blocks_[1].SerializeAsString());
  }

  TempDir temp_;
  ChainMaker chain_;
  std::vector<common::Block> blocks_;
  uintmax_t size_at_2_ = 0;
  uintmax_t size_at_3_ = 0;
};

TEST_F(RecoveryTest, TornLastFrameIsCutAtEveryOffset) {
  std::vector<uintmax_t> offsets;
  for (uintmax_t offset = size_at_2_; offset < size_at_2_ + 4; ++offset) offsets.push_back(offset);
  for (uintmax_t offset = size_at_2_ + 4; offset < size_at_3_; offset += 23) offsets.push_back(offset);
  offsets.push_back(size_at_3_ - 1);

  for (uintmax_t offset : offsets) {
    SCOPED_TRACE("segment cut at offset " + std::to_string(offset));
    CrashBeforeIndexingBlock2();
    Truncate(SegmentFile(), offset);
    {
      auto store = Reopen();
      ASSERT_NE(store, nullptr);
      ExpectRecoveredToTwoBlocks(*store);
      if (offset == size_at_2_) {
        EXPECT_TRUE(store->recovery_notes().empty()) << Notes(*store);
      } else {
        ASSERT_EQ(store->recovery_notes().size(), 1u) << Notes(*store);
        std::string expected = "cut " + std::to_string(offset - size_at_2_) + " bytes at offset " +
                               std::to_string(size_at_2_) + " (after block 1)";
        EXPECT_TRUE(NotesMention(*store, expected)) << Notes(*store);
        EXPECT_TRUE(NotesMention(*store, "blockfile_000000")) << Notes(*store);
      }
      ASSERT_TRUE(store->Append(blocks_[2]).ok());
    }
    auto store = Reopen();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->Height(), 3u);
    EXPECT_TRUE(store->recovery_notes().empty()) << Notes(*store);
    EXPECT_EQ(store->GetTxLocation("tx-2-1")->block_number, 2u);
  }
}

TEST_F(RecoveryTest, WholeBlockMissingFromTheIndexIsIndexed) {
  CrashBeforeIndexingBlock2();
  auto store = Reopen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Height(), 3u);
  EXPECT_TRUE(NotesMention(*store, "re-indexed block 2 from the block files (the index held 2 blocks)"))
      << Notes(*store);
  EXPECT_EQ(store->GetTxLocation("tx-2-0")->block_number, 2u);
  EXPECT_EQ(*store->GetBlockNumberByHash(chain_.last_hash()), 2u);
  EXPECT_EQ(store->LastHeaderHash(), chain_.last_hash());
}

TEST_F(RecoveryTest, FlippedByteInUnindexedLastBlockFailsTheDataHashAndIsCut) {
  CrashBeforeIndexingBlock2();
  FlipByteOf(SegmentFile(), "PAYLOAD-OF-BLOCK-TWO");
  auto store = Reopen();
  ASSERT_NE(store, nullptr);
  ExpectRecoveredToTwoBlocks(*store);
  EXPECT_TRUE(NotesMention(*store, "block 2: data_hash")) << Notes(*store);
  EXPECT_TRUE(NotesMention(*store, "cut " + std::to_string(size_at_3_ - size_at_2_) + " bytes"))
      << Notes(*store);
}

TEST_F(RecoveryTest, FlippedByteInIndexedLastBlockIsUnindexedAndCut) {
  Restore();
  FlipByteOf(SegmentFile(), "PAYLOAD-OF-BLOCK-TWO");
  {
    auto store = Reopen();
    ASSERT_NE(store, nullptr);
    ExpectRecoveredToTwoBlocks(*store);
    EXPECT_TRUE(NotesMention(*store, "indexed block 2 at offset")) << Notes(*store);
    EXPECT_TRUE(NotesMention(*store, "data_hash does not match")) << Notes(*store);

    // A different block 2 reuses one of the lost block's tx ids elsewhere:
    // the stale index entry must not shadow the new one.
    common::Block other = protocol::NewBlock(2, store->LastHeaderHash(),
                                             {chain_.Envelope("new-tx"), chain_.Envelope("tx-2-0")});
    ASSERT_TRUE(store->Append(other).ok());
    auto moved = store->GetTxLocation("tx-2-0");
    ASSERT_TRUE(moved.ok());
    EXPECT_EQ(moved->block_number, 2u);
    EXPECT_EQ(moved->tx_index, 1u);
    EXPECT_TRUE(store->GetTxLocation("tx-2-1").status().IsNotFound());
  }
  auto store = Reopen();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->recovery_notes().empty()) << Notes(*store);
  EXPECT_EQ(store->Height(), 3u);
}

TEST_F(RecoveryTest, FrameThatIsNotABlockIsCut) {
  Restore();
  AppendBytes(SegmentFile(), protocol::EncodeFrame("definitely not a block"));
  auto store = Reopen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Height(), 3u);
  EXPECT_EQ(fs::file_size(SegmentFile()), size_at_3_);
  EXPECT_TRUE(NotesMention(*store, "block frame at offset " + std::to_string(size_at_3_))) << Notes(*store);
  EXPECT_TRUE(NotesMention(*store, "after block 2")) << Notes(*store);
}

TEST_F(RecoveryTest, BlockThatDoesNotChainIsCut) {
  Restore();
  common::Block stray = protocol::NewBlock(3, std::string(32, 'z'), {chain_.Envelope("stray")});
  AppendBytes(SegmentFile(), protocol::EncodeFrame(stray.SerializeAsString()));
  auto store = Reopen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Height(), 3u);
  EXPECT_TRUE(NotesMention(*store, "previous_hash")) << Notes(*store);
  EXPECT_TRUE(store->GetTxLocation("stray").status().IsNotFound());
}

TEST_F(RecoveryTest, ZeroFilledTailIsCut) {
  Restore();
  AppendBytes(SegmentFile(), std::string(100, '\0'));
  auto store = Reopen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Height(), 3u);
  EXPECT_EQ(fs::file_size(SegmentFile()), size_at_3_);
  EXPECT_TRUE(NotesMention(*store, "cut 100 bytes")) << Notes(*store);
}

TEST_F(RecoveryTest, IndexAheadOfTheFilesIsAnError) {
  Restore();
  Truncate(SegmentFile(), size_at_2_ + 5);
  auto store = BlockStore::Open(Store().string());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("records 3 blocks"), std::string::npos) << store.status().message();
  EXPECT_NE(store.status().message().find("behind the index"), std::string::npos) << store.status().message();

  fs::remove(SegmentFile());
  store = BlockStore::Open(Store().string());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("does not exist"), std::string::npos) << store.status().message();
}

class MultiSegmentRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = BlockStore::Open(Store().string(), options_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < 12; ++i) {
      blocks_.push_back(chain_.NextWithTxs(2, 200));
      ASSERT_TRUE((*store)->Append(blocks_.back()).ok());
    }
    while (fs::exists(SegmentFile(segments_))) ++segments_;
    ASSERT_GE(segments_, 3);
  }
  fs::path Store() const { return temp_.path() / "store"; }
  fs::path SegmentFile(int number) const {
    return Store() / "blocks" / ("blockfile_00000" + std::to_string(number));
  }

  TempDir temp_;
  ChainMaker chain_;
  BlockStoreOptions options_{.max_segment_bytes = 2500};
  std::vector<common::Block> blocks_;
  int segments_ = 0;
};

TEST_F(MultiSegmentRecoveryTest, DeletedIndexIsRebuiltFromTheSegments) {
  fs::remove_all(Store() / "index");
  {
    auto store = BlockStore::Open(Store().string(), options_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->Height(), 12u);
    EXPECT_TRUE(NotesMention(**store, "re-indexed blocks 0..11 from the block files (the index was empty"))
        << Notes(**store);
    EXPECT_EQ((*store)->LastHeaderHash(), chain_.last_hash());
    for (uint64_t n = 0; n < blocks_.size(); ++n) {
      EXPECT_EQ(*(*store)->GetBlockBytes(n), blocks_[n].SerializeAsString());
      EXPECT_EQ(*(*store)->GetBlockNumberByHash(protocol::BlockHeaderHash(blocks_[n].header())), n);
      auto tx = (*store)->GetTxLocation("tx-" + std::to_string(n) + "-1");
      ASSERT_TRUE(tx.ok());
      EXPECT_EQ(tx->block_number, n);
      EXPECT_EQ(tx->tx_index, 1u);
    }
    EXPECT_TRUE((*store)->Append(chain_.NextWithTxs(1)).ok());
  }
  auto store = BlockStore::Open(Store().string(), options_);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->recovery_notes().empty()) << Notes(**store);
  EXPECT_EQ((*store)->Height(), 13u);
}

TEST_F(MultiSegmentRecoveryTest, TornLastSegmentIsCutAndTheChainContinues) {
  // Recreate the last block's crash: index without it, its segment torn.
  uintmax_t last_size = fs::file_size(SegmentFile(segments_ - 1));
  fs::remove_all(Store() / "index");
  Truncate(SegmentFile(segments_ - 1), last_size / 2);
  auto store = BlockStore::Open(Store().string(), options_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_LT((*store)->Height(), 12u);
  EXPECT_TRUE(NotesMention(**store, "blockfile_00000" + std::to_string(segments_ - 1) + ": cut"))
      << Notes(**store);
  uint64_t height = (*store)->Height();
  EXPECT_EQ((*store)->LastHeaderHash(), protocol::BlockHeaderHash(blocks_[height - 1].header()));
  for (uint64_t n = height; n < blocks_.size(); ++n) ASSERT_TRUE((*store)->Append(blocks_[n]).ok());
}

TEST_F(MultiSegmentRecoveryTest, MissingMiddleSegmentIsAnError) {
  fs::remove(SegmentFile(1));
  auto store = BlockStore::Open(Store().string(), options_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption());
  EXPECT_NE(store.status().message().find("blockfile_000001 is missing"), std::string::npos)
      << store.status().message();
}

TEST_F(MultiSegmentRecoveryTest, DamageFollowedByLaterSegmentsIsNotCut) {
  fs::remove_all(Store() / "index");
  FlipByteOf(SegmentFile(0), std::string(200, 'b'));  // tx 1's payload of block 0
  uintmax_t size = fs::file_size(SegmentFile(0));
  auto store = BlockStore::Open(Store().string(), options_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption());
  EXPECT_NE(store.status().message().find("not a torn tail"), std::string::npos) << store.status().message();
  EXPECT_EQ(fs::file_size(SegmentFile(0)), size);
}

}  // namespace
}  // namespace loom::ledger
