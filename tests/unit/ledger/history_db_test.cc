// HistoryDb: commit order, both query orders, limits, and keys whose bytes
// would collide under a naive encoding.
#include "core/ledger/history_db.h"

#include <gtest/gtest.h>

#include "core/ledger/ledger_db.h"
#include "tests/support/temp_dir.h"

namespace loom::ledger {
namespace {

using ::loom::testing::TempDir;

class HistoryDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = LedgerDb::Open(dir_.File("db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    history_ = std::make_unique<HistoryDb>(db_.get());
  }

  void Add(std::string_view ns, std::string_view key, uint64_t block, uint64_t tx, bool is_delete = false) {
    LedgerDb::Batch batch;
    HistoryDb::Add(&batch, ns, key, block, tx, is_delete);
    ASSERT_TRUE(db_->Write(&batch).ok());
  }

  std::vector<HistoryEntry> History(std::string_view ns, std::string_view key, HistoryOrder order,
                                    size_t limit = 0) {
    auto entries = history_->GetHistory(ns, key, order, limit);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    return entries.ok() ? *entries : std::vector<HistoryEntry>();
  }

  TempDir dir_{"history-db"};
  std::unique_ptr<LedgerDb> db_;
  std::unique_ptr<HistoryDb> history_;
};

TEST_F(HistoryDbTest, BothOrdersFollowCommitOrder) {
  Add("cc", "k", 1, 0);
  Add("cc", "k", 1, 3);
  Add("cc", "k", 2, 1, /*is_delete=*/true);
  Add("cc", "k", 256, 0);  // crosses a byte boundary of the block number
  Add("cc", "k", 300, 2);
  const std::vector<HistoryEntry> oldest_first = {
      {1, 0, false}, {1, 3, false}, {2, 1, true}, {256, 0, false}, {300, 2, false}};
  EXPECT_EQ(History("cc", "k", HistoryOrder::kOldestFirst), oldest_first);
  std::vector<HistoryEntry> newest_first(oldest_first.rbegin(), oldest_first.rend());
  EXPECT_EQ(History("cc", "k", HistoryOrder::kNewestFirst), newest_first);
  EXPECT_EQ(History("cc", "k", HistoryOrder::kNewestFirst, 2),
            (std::vector<HistoryEntry>{{300, 2, false}, {256, 0, false}}));
  EXPECT_EQ(History("cc", "k", HistoryOrder::kOldestFirst, 1), (std::vector<HistoryEntry>{{1, 0, false}}));
}

TEST_F(HistoryDbTest, UnknownKeyHasEmptyHistory) {
  EXPECT_TRUE(History("cc", "nothing", HistoryOrder::kOldestFirst).empty());
  EXPECT_TRUE(History("cc", "nothing", HistoryOrder::kNewestFirst).empty());
}

// "k", "k\0", "k\xff" and keys of namespaces "cc" / "cc\0" are all different
// keys; the entries of one must never show up in another's history, in
// either direction (the newest-first scan starts past the key's last entry).
TEST_F(HistoryDbTest, NeighbouringKeysNeverMix) {
  const std::string nul(1, '\0');
  const std::string ff(1, '\xff');
  struct Case {
    std::string ns;
    std::string key;
    uint64_t block;
  };
  const std::vector<Case> cases = {{"cc", "k", 1},           {"cc", "k" + nul, 2}, {"cc", "k" + ff, 3},
                                   {"cc", "k" + ff + ff, 4}, {"cc" + nul, "k", 5}, {"cc", "", 6},
                                   {"c", "ck", 7},           {"cc" + ff, "", 8},   {ff, ff, 9}};
  for (const Case& c : cases) {
    Add(c.ns, c.key, c.block, 0);
    Add(c.ns, c.key, c.block + 100, 1);
  }
  for (const Case& c : cases) {
    EXPECT_EQ(History(c.ns, c.key, HistoryOrder::kOldestFirst),
              (std::vector<HistoryEntry>{{c.block, 0, false}, {c.block + 100, 1, false}}))
        << "block " << c.block;
    EXPECT_EQ(History(c.ns, c.key, HistoryOrder::kNewestFirst),
              (std::vector<HistoryEntry>{{c.block + 100, 1, false}, {c.block, 0, false}}))
        << "block " << c.block;
  }
}

TEST_F(HistoryDbTest, MalformedEntryIsCorruption) {
  LedgerDb::Batch batch;
  batch.Put(HistoryDb::EncodeKey("cc", "k", 1, 0), "xx");
  ASSERT_TRUE(db_->Write(&batch).ok());
  auto entries = history_->GetHistory("cc", "k", HistoryOrder::kOldestFirst);
  ASSERT_FALSE(entries.ok());
  EXPECT_TRUE(entries.status().IsCorruption()) << entries.status().ToString();
}

}  // namespace
}  // namespace loom::ledger
