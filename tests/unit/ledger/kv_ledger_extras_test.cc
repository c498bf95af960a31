// KvLedger block_extras: entries computed per block are committed in the
// block's state batch, chained through GetExtra, recomputed on replay after
// a crash between block append and state batch, and a failing hook stores
// nothing.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/ledger/kv_ledger.h"
#include "endorser_tx_maker.h"
#include "ledger_test_support.h"
#include "peer/transaction.pb.h"
#include "tests/support/temp_dir.h"

namespace loom::ledger {
namespace {

using ::loom::ledger::testing::ChainMaker;
using ::loom::ledger::testing::EndorserTxMaker;
using ::loom::ledger::testing::Put;
using ::loom::testing::TempDir;

constexpr uint8_t kValid = protos::VALID;

// An extra "chain/<n>" = previous entry's value + "|<n>:<codes as digits>",
// so every entry depends on the one before it (like a chained hash).
KvLedgerOptions ChainedExtras(int* calls) {
  KvLedgerOptions options;
  options.block_extras =
      [calls](const KvLedger& ledger, const common::Block& block,
              std::string_view codes) -> Result<std::vector<std::pair<std::string, std::string>>> {
    ++*calls;
    const uint64_t number = block.header().number();
    std::string previous;
    if (number > 0) {
      LOOM_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                            ledger.GetExtra("chain/" + std::to_string(number - 1)));
      if (!stored.has_value()) return Status::NotFound("no entry for block " + std::to_string(number - 1));
      previous = *stored;
    }
    std::string value = previous + "|" + std::to_string(number) + ":";
    for (char code : codes) value += std::to_string(static_cast<int>(static_cast<uint8_t>(code)));
    return std::vector<std::pair<std::string, std::string>>{{"chain/" + std::to_string(number), value}};
  };
  return options;
}

class KvLedgerExtrasTest : public ::testing::Test {
 protected:
  std::vector<common::Block> MakeBlocks() {
    std::vector<common::Block> blocks;
    blocks.push_back(chain_.Next({txs_.Config()}));
    blocks.push_back(chain_.Next({txs_.Make({Put("cc", "a", "1")}).envelope}));
    blocks.push_back(
        chain_.Next({txs_.Make({Put("cc", "b", "2")}).envelope, txs_.Make({Put("cc", "c", "3")}).envelope}));
    return blocks;
  }

  TempDir dir_{"kv-ledger-extras"};
  EndorserTxMaker txs_;
  ChainMaker chain_;
};

TEST_F(KvLedgerExtrasTest, EntriesAreCommittedWithEachBlockAndChain) {
  int calls = 0;
  auto ledger = KvLedger::Open(dir_.File("ledger"), ChainedExtras(&calls));
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  std::vector<common::Block> blocks = MakeBlocks();
  ASSERT_TRUE((*ledger)->Commit(blocks[0], {kValid}).ok());
  ASSERT_TRUE((*ledger)->Commit(blocks[1], {kValid}).ok());
  ASSERT_TRUE((*ledger)->Commit(blocks[2], {kValid, protos::MVCC_READ_CONFLICT}).ok());
  EXPECT_EQ(calls, 3);
  auto last = (*ledger)->GetExtra("chain/2");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->value_or("none"), "|0:0|1:0|2:011");
  auto missing = (*ledger)->GetExtra("chain/3");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  // Extras live beside the state, not in it.
  auto a = (*ledger)->state().Get("cc", "a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->value, "1");
}

TEST_F(KvLedgerExtrasTest, FailingHookStoresNothing) {
  int calls = 0;
  KvLedgerOptions options = ChainedExtras(&calls);
  auto chained = options.block_extras;
  options.block_extras =
      [chained](const KvLedger& ledger, const common::Block& block,
                std::string_view codes) -> Result<std::vector<std::pair<std::string, std::string>>> {
    if (block.header().number() == 1) return Status::Internal("hook refused");
    return chained(ledger, block, codes);
  };
  auto ledger = KvLedger::Open(dir_.File("ledger"), options);
  ASSERT_TRUE(ledger.ok());
  std::vector<common::Block> blocks = MakeBlocks();
  ASSERT_TRUE((*ledger)->Commit(blocks[0], {kValid}).ok());
  Status refused = (*ledger)->Commit(blocks[1], {kValid});
  EXPECT_EQ(refused.code(), Status::Code::kInternal);
  EXPECT_NE(refused.message().find("block 1"), std::string::npos) << refused.message();
  EXPECT_EQ((*ledger)->Height(), 1u);
  EXPECT_EQ((*ledger)->block_store().Height(), 1u);
}

TEST_F(KvLedgerExtrasTest, ReplayRecomputesTheEntriesOfTheReplayedBlock) {
  std::vector<common::Block> blocks = MakeBlocks();
  int calls = 0;
  {
    KvLedgerOptions crashing = ChainedExtras(&calls);
    crashing.before_state_commit = [](uint64_t number) {
      return number == 2 ? Status::Internal("injected crash") : Status::Ok();
    };
    auto ledger = KvLedger::Open(dir_.File("ledger"), crashing);
    ASSERT_TRUE(ledger.ok());
    ASSERT_TRUE((*ledger)->Commit(blocks[0], {kValid}).ok());
    ASSERT_TRUE((*ledger)->Commit(blocks[1], {kValid}).ok());
    EXPECT_EQ((*ledger)->Commit(blocks[2], {kValid, kValid}).message(), "injected crash");
    auto not_yet = (*ledger)->GetExtra("chain/2");
    ASSERT_TRUE(not_yet.ok());
    EXPECT_FALSE(not_yet->has_value());
  }
  calls = 0;
  auto ledger = KvLedger::Open(dir_.File("ledger"), ChainedExtras(&calls));
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_EQ(calls, 1);  // block 2 only
  auto replayed = (*ledger)->GetExtra("chain/2");
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(replayed->value_or("none"), "|0:0|1:0|2:00");
}

}  // namespace
}  // namespace loom::ledger
