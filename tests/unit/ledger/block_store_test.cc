#include "core/ledger/block_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/protocol/block.h"
#include "core/protocol/block_file.h"
#include "core/protocol/block_header.h"
#include "ledger_test_support.h"

namespace loom::ledger {
namespace {

namespace fs = std::filesystem;
using testing::ChainMaker;
using testing::TempDir;

class BlockStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<BlockStore> OpenStore(BlockStoreOptions options = {}) {
    auto store = BlockStore::Open(dir_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  fs::path Segment(int number) const {
    return fs::path(dir_) / "blocks" / ("blockfile_00000" + std::to_string(number));
  }

  TempDir temp_;
  std::string dir_ = temp_.File("store");
  ChainMaker chain_;
};

TEST_F(BlockStoreTest, NewStoreIsEmpty) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Height(), 0u);
  EXPECT_EQ(store->LastHeaderHash(), "");
  EXPECT_TRUE(store->recovery_notes().empty());
  EXPECT_TRUE(store->GetBlock(0).status().IsNotFound());
  EXPECT_TRUE(fs::exists(Segment(0)));
  EXPECT_TRUE(fs::exists(fs::path(dir_) / "index"));
}

TEST_F(BlockStoreTest, ReadsBlocksByNumberHashAndTxId) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<common::Block> blocks;
  for (int i = 0; i < 3; ++i) {
    blocks.push_back(chain_.NextWithTxs(2));
    ASSERT_TRUE(store->Append(blocks.back()).ok());
    EXPECT_EQ(store->Height(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(store->LastHeaderHash(), protocol::BlockHeaderHash(blocks.back().header()));
  }
  for (uint64_t n = 0; n < 3; ++n) {
    auto block = store->GetBlock(n);
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    EXPECT_EQ(block->SerializeAsString(), blocks[n].SerializeAsString());
    auto by_hash = store->GetBlockNumberByHash(protocol::BlockHeaderHash(blocks[n].header()));
    ASSERT_TRUE(by_hash.ok()) << by_hash.status().ToString();
    EXPECT_EQ(*by_hash, n);
  }
  auto tx = store->GetTxLocation("tx-1-1");
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  EXPECT_EQ(tx->block_number, 1u);
  EXPECT_EQ(tx->tx_index, 1u);

  Status past_end = store->GetBlock(3).status();
  EXPECT_TRUE(past_end.IsNotFound());
  EXPECT_NE(past_end.message().find("no block 3 (the chain has 3 blocks)"), std::string::npos);
  EXPECT_TRUE(store->GetBlockNumberByHash(std::string(32, 'x')).status().IsNotFound());
  EXPECT_TRUE(store->GetTxLocation("no-such-tx").status().IsNotFound());
}

TEST_F(BlockStoreTest, SegmentHoldsFramesOfTheStoredBytes) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  common::Block first = chain_.NextWithTxs(1);
  common::Block second = chain_.NextWithTxs(3);
  ASSERT_TRUE(store->Append(first).ok());
  ASSERT_TRUE(store->Append(second).ok());
  auto bytes0 = store->GetBlockBytes(0);
  auto bytes1 = store->GetBlockBytes(1);
  ASSERT_TRUE(bytes0.ok() && bytes1.ok());
  EXPECT_EQ(*bytes0, first.SerializeAsString());
  EXPECT_EQ(*bytes1, second.SerializeAsString());
  EXPECT_EQ(testing::ReadAll(Segment(0)), protocol::EncodeFrame(*bytes0) + protocol::EncodeFrame(*bytes1));
}

TEST_F(BlockStoreTest, AppendBytesKeepsTheReceivedBytesExactly) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  common::Block block = chain_.NextWithTxs(2);
  // A second, empty header field: valid protobuf that parses to the same
  // block but that re-marshalling would drop.
  std::string received = block.SerializeAsString() + std::string("\x0a\x00", 2);
  ASSERT_TRUE(store->AppendBytes(received).ok());
  EXPECT_EQ(*store->GetBlockBytes(0), received);
  EXPECT_EQ(store->GetBlock(0)->SerializeAsString(), block.SerializeAsString());
  EXPECT_EQ(store->GetTxLocation("tx-0-1")->tx_index, 1u);

  Status garbage = store->AppendBytes("\xff\xff not a block");
  EXPECT_TRUE(garbage.IsInvalidArgument());
  EXPECT_NE(garbage.message().find("AppendBytes: not a common.Block"), std::string::npos)
      << garbage.message();
  EXPECT_EQ(store->Height(), 1u);
}

TEST_F(BlockStoreTest, RejectsBlocksThatDoNotExtendTheChainAndWritesNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  common::Block not_first = protocol::NewBlock(0, "some-hash", {chain_.Envelope("a")});
  Status status = store->Append(not_first);
  EXPECT_TRUE(status.IsInvalidArgument());
  EXPECT_NE(status.message().find("previous_hash"), std::string::npos) << status.message();

  ASSERT_TRUE(store->Append(chain_.NextWithTxs(1)).ok());
  const uintmax_t size = fs::file_size(Segment(0));

  ChainMaker other;  // a chain of its own: its block 1 does not chain to ours
  other.NextWithTxs(1);
  std::vector<std::pair<std::string, common::Block>> bad;
  bad.emplace_back("block number is 2, expected 1", protocol::NewBlock(2, chain_.last_hash(), {}));
  bad.emplace_back("does not match block 0's header hash", other.NextWithTxs(1));
  common::Block wrong_data = protocol::NewBlock(1, chain_.last_hash(), {chain_.Envelope("b")});
  wrong_data.mutable_data()->set_data(0, chain_.Envelope("c"));
  bad.emplace_back("data_hash", wrong_data);
  common::Block no_header = protocol::NewBlock(1, chain_.last_hash(), {});
  no_header.clear_header();
  bad.emplace_back("block has no header", no_header);

  for (const auto& [expected, block] : bad) {
    Status rejected = store->Append(block);
    EXPECT_TRUE(rejected.IsInvalidArgument()) << expected << ": " << rejected.ToString();
    EXPECT_NE(rejected.message().find(expected), std::string::npos) << rejected.message();
    EXPECT_EQ(store->Height(), 1u);
    EXPECT_EQ(fs::file_size(Segment(0)), size);
  }
  EXPECT_TRUE(store->Append(chain_.NextWithTxs(1)).ok());
  EXPECT_EQ(store->Height(), 2u);
}

TEST_F(BlockStoreTest, FirstOccurrenceOfATxIdWinsAndEmptyOrUnparsableOnesAreSkipped) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(chain_.Next({chain_.Envelope("x"), chain_.Envelope("dup")})).ok());
  ASSERT_TRUE(store->Append(chain_.Next({chain_.Envelope("dup"), chain_.Envelope("")})).ok());
  ASSERT_TRUE(
      store->Append(chain_.Next({"not an envelope", chain_.Envelope("twice"), chain_.Envelope("twice")}))
          .ok());

  auto dup = store->GetTxLocation("dup");
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->block_number, 0u);
  EXPECT_EQ(dup->tx_index, 1u);
  auto twice = store->GetTxLocation("twice");
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->block_number, 2u);
  EXPECT_EQ(twice->tx_index, 1u);
  EXPECT_TRUE(store->GetTxLocation("").status().IsNotFound());
  EXPECT_EQ(store->GetBlock(2)->data().data(0), "not an envelope");
}

TEST_F(BlockStoreTest, RotatesSegmentsAtTheConfiguredSize) {
  BlockStoreOptions options;
  options.max_segment_bytes = 2000;
  std::vector<common::Block> blocks;
  {
    auto store = OpenStore(options);
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 10; ++i) {
      blocks.push_back(chain_.NextWithTxs(2, 150));
      ASSERT_TRUE(store->Append(blocks.back()).ok());
    }
    blocks.push_back(chain_.NextWithTxs(1, 5000));  // larger than a segment: goes alone
    ASSERT_TRUE(store->Append(blocks.back()).ok());
    blocks.push_back(chain_.NextWithTxs(1));
    ASSERT_TRUE(store->Append(blocks.back()).ok());
  }
  int segments = 0;
  while (fs::exists(Segment(segments))) ++segments;
  EXPECT_GE(segments, 5);
  for (int i = 0; i < segments; ++i) {
    uintmax_t size = fs::file_size(Segment(i));
    if (i != segments - 2) {
      EXPECT_LE(size, 2000u) << "segment " << i;
    }
  }
  EXPECT_GT(fs::file_size(Segment(segments - 2)), 5000u);

  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->recovery_notes().empty());
  ASSERT_EQ(store->Height(), blocks.size());
  for (uint64_t n = 0; n < blocks.size(); ++n) {
    EXPECT_EQ(*store->GetBlockBytes(n), blocks[n].SerializeAsString()) << "block " << n;
  }
  EXPECT_TRUE(store->Append(chain_.NextWithTxs(1)).ok());
}

TEST_F(BlockStoreTest, ReopenedStoreContinuesTheChain) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->Append(chain_.NextWithTxs(2)).ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->recovery_notes().empty());
  EXPECT_EQ(store->Height(), 5u);
  EXPECT_EQ(store->LastHeaderHash(), chain_.last_hash());
  EXPECT_EQ(store->GetTxLocation("tx-3-0")->block_number, 3u);
  EXPECT_EQ(*store->GetBlockNumberByHash(chain_.last_hash()), 4u);
  EXPECT_TRUE(store->Append(chain_.NextWithTxs(1)).ok());
  EXPECT_EQ(store->Height(), 6u);
}

TEST_F(BlockStoreTest, CallsAfterCloseFail) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(chain_.NextWithTxs(1)).ok());
  store->Close();
  EXPECT_EQ(store->Append(chain_.NextWithTxs(1)).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(store->GetBlock(0).status().code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(store->GetTxLocation("tx-0-0").status().code(), Status::Code::kFailedPrecondition);
  EXPECT_FALSE(store->WaitForBlock(0, std::chrono::steady_clock::now() + std::chrono::hours(1)));
  store->Close();  // idempotent
}

TEST_F(BlockStoreTest, OneStorePerFolder) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto second = BlockStore::Open(dir_);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("index"), std::string::npos) << second.status().message();
}

TEST_F(BlockStoreTest, RejectsAZeroSegmentSize) {
  BlockStoreOptions options;
  options.max_segment_bytes = 0;
  EXPECT_TRUE(BlockStore::Open(dir_, options).status().IsInvalidArgument());
}

}  // namespace
}  // namespace loom::ledger
