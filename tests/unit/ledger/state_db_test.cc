// StateDb: versions, deletes, range order, namespace isolation with NUL and
// 0xff bytes, and snapshots that do not move while commits continue.
#include "core/ledger/state_db.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "core/ledger/ledger_db.h"
#include "tests/support/temp_dir.h"

namespace loom::ledger {
namespace {

using ::loom::testing::TempDir;

class StateDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = LedgerDb::Open(dir_.File("db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    state_ = std::make_unique<StateDb>(db_.get());
  }

  void Put(std::string_view ns, std::string_view key, std::string_view value, Version version) {
    LedgerDb::Batch batch;
    StateDb::Put(&batch, ns, key, value, version);
    ASSERT_TRUE(db_->Write(&batch).ok());
  }

  std::vector<std::string> Keys(StateRangeIterator it) {
    std::vector<std::string> keys;
    while (true) {
      auto entry = it.Next();
      EXPECT_TRUE(entry.ok()) << entry.status().ToString();
      if (!entry.ok() || !entry->has_value()) return keys;
      keys.push_back((*entry)->key);
    }
  }

  TempDir dir_{"state-db"};
  std::unique_ptr<LedgerDb> db_;
  std::unique_ptr<StateDb> state_;
};

TEST_F(StateDbTest, GetReturnsValueAndVersionOfLastWrite) {
  Put("cc", "k", "one", {3, 1});
  auto got = state_->Get("cc", "k");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->value, "one");
  EXPECT_EQ((*got)->version, (Version{3, 1}));

  Put("cc", "k", "two", {4, 0});
  got = state_->Get("cc", "k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, "two");
  EXPECT_EQ((*got)->version, (Version{4, 0}));
  EXPECT_LT((Version{3, 1}), (Version{4, 0}));
}

TEST_F(StateDbTest, AbsentKeyIsNotFoundWithoutError) {
  auto got = state_->Get("cc", "missing");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(StateDbTest, DeleteRemovesTheKey) {
  Put("cc", "k", "v", {1, 0});
  LedgerDb::Batch batch;
  StateDb::Delete(&batch, "cc", "k");
  ASSERT_TRUE(db_->Write(&batch).ok());
  auto got = state_->Get("cc", "k");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  EXPECT_TRUE(Keys(state_->GetRange("cc", "", "")).empty());
}

TEST_F(StateDbTest, EmptyValueIsStillAValue) {
  Put("cc", "k", "", {2, 5});
  auto got = state_->Get("cc", "k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, "");
  EXPECT_EQ((*got)->version, (Version{2, 5}));
}

TEST_F(StateDbTest, RangeIsInKeyOrderWithExclusiveEnd) {
  for (std::string key : {"b", "a", "d", "c", "ab"}) Put("cc", key, "v" + key, {1, 0});
  EXPECT_EQ(Keys(state_->GetRange("cc", "", "")), (std::vector<std::string>{"a", "ab", "b", "c", "d"}));
  EXPECT_EQ(Keys(state_->GetRange("cc", "ab", "c")), (std::vector<std::string>{"ab", "b"}));
  EXPECT_EQ(Keys(state_->GetRange("cc", "b", "")), (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_TRUE(Keys(state_->GetRange("cc", "c", "b")).empty());
  EXPECT_TRUE(Keys(state_->GetRange("cc", "e", "")).empty());

  auto it = state_->GetRange("cc", "c", "");
  auto entry = it.Next();
  ASSERT_TRUE(entry.ok() && entry->has_value());
  EXPECT_EQ((*entry)->value, "vc");
  EXPECT_EQ((*entry)->version, (Version{1, 0}));
}

// Namespaces and keys that would collide under naive "ns + separator + key"
// encodings: a namespace that is a prefix of another, NUL and 0xff bytes in
// both, and keys that look like the start of another namespace.
TEST_F(StateDbTest, NamespacesNeverMixWhateverTheirBytes) {
  const std::string nul(1, '\0');
  const std::string ff(1, '\xff');
  const std::vector<std::string> namespaces = {"",   "a", "a" + nul, "a" + nul + "b", "a" + ff,
                                               "ab", nul, ff,        ff + ff,         "a" + nul + nul};
  const std::vector<std::string> keys = {"", nul, ff, "b", nul + "b", ff + ff + ff, "a" + nul + "b", "zz"};
  for (const std::string& ns : namespaces) {
    for (const std::string& key : keys) Put(ns, key, ns + "|" + key, {1, 0});
  }
  std::vector<std::string> sorted_keys = keys;
  std::sort(sorted_keys.begin(), sorted_keys.end());
  for (const std::string& ns : namespaces) {
    auto it = state_->GetRange(ns, "", "");
    std::vector<std::string> seen;
    while (true) {
      auto entry = it.Next();
      ASSERT_TRUE(entry.ok());
      if (!entry->has_value()) break;
      EXPECT_EQ((*entry)->value, ns + "|" + (*entry)->key) << "a key of another namespace leaked in";
      seen.push_back((*entry)->key);
    }
    EXPECT_EQ(seen, sorted_keys) << "namespace of size " << ns.size();
    for (const std::string& key : keys) {
      auto got = state_->Get(ns, key);
      ASSERT_TRUE(got.ok() && got->has_value());
      EXPECT_EQ((*got)->value, ns + "|" + key);
    }
  }
  // The encoded key space of one namespace is contiguous: no key of any other
  // namespace sorts between its first and last key.
  for (const std::string& ns : namespaces) {
    std::string first = StateDb::EncodeKey(ns, sorted_keys.front());
    std::string last = StateDb::EncodeKey(ns, sorted_keys.back());
    for (const std::string& other : namespaces) {
      if (other == ns) continue;
      for (const std::string& key : keys) {
        std::string encoded = StateDb::EncodeKey(other, key);
        EXPECT_FALSE(encoded >= first && encoded <= last);
      }
    }
  }
}

TEST_F(StateDbTest, SnapshotDoesNotSeeLaterCommits) {
  Put("cc", "a", "a1", {1, 0});
  Put("cc", "b", "b1", {1, 1});
  StateSnapshot snapshot = state_->NewSnapshot();
  StateRangeIterator open_range = snapshot.GetRange("cc", "", "");
  auto first = open_range.Next();  // the iterator is mid-way when the commit lands
  ASSERT_TRUE(first.ok() && first->has_value());

  LedgerDb::Batch batch;
  StateDb::Put(&batch, "cc", "a", "a2", {2, 0});
  StateDb::Delete(&batch, "cc", "b");
  StateDb::Put(&batch, "cc", "c", "c2", {2, 0});
  ASSERT_TRUE(db_->Write(&batch).ok());

  auto a = snapshot.Get("cc", "a");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->value, "a1");
  EXPECT_EQ((*a)->version, (Version{1, 0}));
  auto b = snapshot.Get("cc", "b");
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->value, "b1");
  EXPECT_FALSE(snapshot.Get("cc", "c")->has_value());
  EXPECT_EQ(Keys(snapshot.GetRange("cc", "", "")), (std::vector<std::string>{"a", "b"}));
  auto second = open_range.Next();
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->key, "b");
  EXPECT_FALSE(open_range.Next()->has_value());

  // The latest state sees the commit.
  EXPECT_EQ((*state_->Get("cc", "a"))->value, "a2");
  EXPECT_EQ(Keys(state_->GetRange("cc", "", "")), (std::vector<std::string>{"a", "c"}));
}

// Each commit rewrites every key with its block number; a snapshot taken at
// any moment must see one block's values throughout.
TEST_F(StateDbTest, SnapshotsStayConsistentWhileCommitsRun) {
  constexpr int kKeys = 20;
  constexpr uint64_t kBlocks = 200;
  std::atomic<bool> done{false};
  std::thread committer([&] {
    for (uint64_t block = 1; block <= kBlocks; ++block) {
      LedgerDb::Batch batch;
      for (int k = 0; k < kKeys; ++k) {
        StateDb::Put(&batch, "cc", "key" + std::to_string(100 + k), std::to_string(block), {block, 0});
      }
      if (!db_->Write(&batch).ok()) {
        ADD_FAILURE() << "commit of block " << block << " failed";
        break;
      }
    }
    done = true;
  });
  int checked = 0;
  while (!done || checked == 0) {
    StateSnapshot snapshot = state_->NewSnapshot();
    StateRangeIterator it = snapshot.GetRange("cc", "", "");
    std::optional<Version> seen;
    int count = 0;
    while (true) {
      auto entry = it.Next();
      ASSERT_TRUE(entry.ok());
      if (!entry->has_value()) break;
      if (!seen) seen = (*entry)->version;
      EXPECT_EQ((*entry)->version, *seen);
      EXPECT_EQ((*entry)->value, std::to_string(seen->block_num));
      ++count;
    }
    EXPECT_TRUE(count == 0 || count == kKeys);
    ++checked;
  }
  committer.join();
  EXPECT_GT(checked, 0);
}

TEST_F(StateDbTest, MalformedStoredValueIsCorruptionNamingTheKey) {
  LedgerDb::Batch batch;
  batch.Put(StateDb::EncodeKey("cc", "bad"), "xy");
  ASSERT_TRUE(db_->Write(&batch).ok());
  auto got = state_->Get("cc", "bad");
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsCorruption());
  EXPECT_NE(got.status().message().find("cc/bad"), std::string::npos) << got.status().message();
  auto it = state_->GetRange("cc", "", "");
  auto entry = it.Next();
  ASSERT_FALSE(entry.ok());
  EXPECT_TRUE(entry.status().IsCorruption());
}

TEST(StateDbEncoding, ValueRoundTripsAndRejectsShortBytes) {
  std::string encoded = StateDb::EncodeValue(std::string("v\0\xff", 3), {7, 9});
  auto decoded = StateDb::DecodeValue(encoded, "here");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->value, std::string("v\0\xff", 3));
  EXPECT_EQ(decoded->version, (Version{7, 9}));
  EXPECT_TRUE(StateDb::DecodeValue(encoded.substr(0, 16), "here").status().IsCorruption());
  encoded[0] = 2;
  EXPECT_TRUE(StateDb::DecodeValue(encoded, "here").status().IsCorruption());
}

TEST(StateDbEncoding, ErrorMessagesShowKeyBytesReadably) {
  EXPECT_EQ(PrintableBytes(std::string("a\0\xff\\", 4)), "a\\x00\\xff\\x5c");
}

}  // namespace
}  // namespace loom::ledger
