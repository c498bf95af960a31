// WaitForBlock and readers running beside the writer. No sleeps: every wait
// has a deadline, and tests only assert on what the store guarantees.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <random>
#include <thread>

#include "core/ledger/block_store.h"
#include "core/protocol/block_header.h"
#include "ledger_test_support.h"

namespace loom::ledger {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using testing::ChainMaker;
using testing::TempDir;

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BlockStoreOptions options;
    options.max_segment_bytes = 4096;  // rotate while readers read
    auto store = BlockStore::Open(temp_.File("store"), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  TempDir temp_;
  ChainMaker chain_;
  std::unique_ptr<BlockStore> store_;
};

TEST_F(ConcurrencyTest, WaitForBlockWakesOnAppend) {
  ASSERT_TRUE(store_->Append(chain_.NextWithTxs(1)).ok());
  auto waiter = std::async(std::launch::async, [&] { return store_->WaitForBlock(1, Clock::now() + 60s); });
  ASSERT_TRUE(store_->Append(chain_.NextWithTxs(1)).ok());
  ASSERT_EQ(waiter.wait_for(60s), std::future_status::ready);
  EXPECT_TRUE(waiter.get());
}

TEST_F(ConcurrencyTest, WaitForAnExistingBlockReturnsAtOnce) {
  ASSERT_TRUE(store_->Append(chain_.NextWithTxs(1)).ok());
  EXPECT_TRUE(store_->WaitForBlock(0, Clock::now()));
  EXPECT_FALSE(store_->WaitForBlock(1, Clock::now()));
}

TEST_F(ConcurrencyTest, WaitForBlockTimesOutAtItsDeadline) {
  Clock::time_point start = Clock::now();
  EXPECT_FALSE(store_->WaitForBlock(0, start + 50ms));
  Clock::duration waited = Clock::now() - start;
  EXPECT_GE(waited, 50ms);
  EXPECT_LT(waited, 30s);
}

TEST_F(ConcurrencyTest, CloseWakesEveryWaiter) {
  Clock::time_point start = Clock::now();
  std::vector<std::future<bool>> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.push_back(
        std::async(std::launch::async, [&, i] { return store_->WaitForBlock(i, start + 120s); }));
  }
  store_->Close();
  for (auto& waiter : waiters) {
    ASSERT_EQ(waiter.wait_until(start + 60s), std::future_status::ready);
    EXPECT_FALSE(waiter.get());
  }
  EXPECT_LT(Clock::now() - start, 60s);
}

TEST_F(ConcurrencyTest, ReadersSeeEveryPublishedBlockWhileTheWriterAppends) {
  constexpr int kBlocks = 80;
  std::vector<common::Block> blocks;
  std::vector<std::string> bytes;
  for (int i = 0; i < kBlocks; ++i) {
    blocks.push_back(chain_.NextWithTxs(2, 300));
    bytes.push_back(blocks.back().SerializeAsString());
  }
  std::atomic<bool> writer_done = false;
  std::atomic<int> failures = 0;
  auto check = [&](bool ok) {
    if (!ok) ++failures;
  };

  // A Deliver-like follower: waits for each block, then reads it.
  auto follower = std::async(std::launch::async, [&] {
    for (uint64_t n = 0; n < kBlocks; ++n) {
      if (!store_->WaitForBlock(n, Clock::now() + 60s)) return n;
      auto read = store_->GetBlockBytes(n);
      check(read.ok() && *read == bytes[n]);
    }
    return uint64_t{kBlocks};
  });
  // Random readers of whatever is published so far.
  std::vector<std::future<int>> readers;
  for (int r = 0; r < 3; ++r) {
    readers.push_back(std::async(std::launch::async, [&, r] {
      std::mt19937_64 random(r);
      int reads = 0;
      while (!writer_done || reads == 0) {
        uint64_t height = store_->Height();
        if (height == 0) {
          store_->WaitForBlock(0, Clock::now() + 60s);
          continue;
        }
        uint64_t n = random() % height;
        auto block = store_->GetBlock(n);
        check(block.ok() && block->SerializeAsString() == bytes[n]);
        auto by_hash = store_->GetBlockNumberByHash(protocol::BlockHeaderHash(blocks[n].header()));
        check(by_hash.ok() && *by_hash == n);
        auto tx = store_->GetTxLocation("tx-" + std::to_string(n) + "-1");
        check(tx.ok() && tx->block_number == n && tx->tx_index == 1);
        // What a lookup finds is published, even while an append is indexing.
        auto ahead = store_->GetTxLocation("tx-" + std::to_string(height) + "-0");
        check(ahead.status().IsNotFound() || (ahead.ok() && ahead->block_number < store_->Height()));
        ++reads;
      }
      return reads;
    }));
  }
  for (const auto& block : blocks) ASSERT_TRUE(store_->Append(block).ok());
  writer_done = true;

  ASSERT_EQ(follower.wait_for(120s), std::future_status::ready);
  EXPECT_EQ(follower.get(), uint64_t{kBlocks});
  for (auto& reader : readers) {
    ASSERT_EQ(reader.wait_for(120s), std::future_status::ready);
    EXPECT_GT(reader.get(), 0);
  }
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(ConcurrencyTest, CloseWhileReadersRunEndsTheirReadsCleanly) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Append(chain_.NextWithTxs(1)).ok());
  std::atomic<int> started = 0;
  std::vector<std::future<Status>> readers;
  for (int r = 0; r < 3; ++r) {
    readers.push_back(std::async(std::launch::async, [&, r] {
      ++started;
      for (uint64_t i = r;; ++i) {
        auto read = store_->GetBlockBytes(i % 5);
        if (!read.ok()) return read.status();
      }
    }));
  }
  // Close once every reader is reading (bounded spin; no sleep).
  for (Clock::time_point until = Clock::now() + 30s; started < 3 && Clock::now() < until;)
    std::this_thread::yield();
  store_->Close();
  for (auto& reader : readers) {
    ASSERT_EQ(reader.wait_for(60s), std::future_status::ready);
    EXPECT_EQ(reader.get().code(), Status::Code::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace loom::ledger
