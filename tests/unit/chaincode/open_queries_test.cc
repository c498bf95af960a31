// OpenQueries on its own: Fabric's batching (a full batch with more to come
// keeps the next result pending), the total limit, pagination metadata, and
// cursor failures closing the query.
#include "core/chaincode/open_queries.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace loom::chaincode {
namespace {

using ::testing::ElementsAre;

class VectorCursor : public QueryCursor {
 public:
  VectorCursor(std::vector<std::string> items, bool* closed, int fail_at = -1)
      : items_(std::move(items)), closed_(closed), fail_at_(fail_at) {}
  Result<std::optional<std::string>> Next() override {
    if (static_cast<int>(next_) == fail_at_)
      return Status::IoError("disk on fire at " + std::to_string(next_));
    if (next_ >= items_.size()) return std::optional<std::string>();
    return std::optional<std::string>(items_[next_++]);
  }
  Result<std::string> Bookmark() override { return next_ < items_.size() ? items_[next_] : std::string(); }
  void Close() override { *closed_ = true; }

 private:
  std::vector<std::string> items_;
  size_t next_ = 0;
  bool* closed_;
  int fail_at_;
};

std::vector<std::string> Results(const protos::QueryResponse& response) {
  std::vector<std::string> results;
  for (const protos::QueryResultBytes& result : response.results()) results.push_back(result.resultbytes());
  return results;
}

TEST(OpenQueries, BatchesUntilTheEndThenForgetsTheQuery) {
  OpenQueries queries(2);
  bool closed = false;
  auto first = queries.Open(
      std::make_unique<VectorCursor>(std::vector<std::string>{"a", "b", "c", "d"}, &closed), false, 100);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(Results(*first), ElementsAre("a", "b"));
  EXPECT_TRUE(first->has_more());
  auto second = queries.Next(first->id());
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(Results(*second), ElementsAre("c", "d"));
  EXPECT_FALSE(second->has_more());
  EXPECT_TRUE(second->metadata().empty());
  EXPECT_TRUE(closed);
  EXPECT_EQ(queries.open_count(), 0u);
  EXPECT_TRUE(queries.Next(first->id()).status().IsNotFound());
}

TEST(OpenQueries, TotalLimitAndPaginationMetadata) {
  OpenQueries queries(2);
  bool closed = false;
  auto page = queries.Open(
      std::make_unique<VectorCursor>(std::vector<std::string>{"a", "b", "c", "d", "e"}, &closed), true, 3);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(Results(*page), ElementsAre("a", "b"));
  EXPECT_TRUE(page->has_more());
  auto last = queries.Next(page->id());
  ASSERT_TRUE(last.ok());
  EXPECT_THAT(Results(*last), ElementsAre("c"));
  EXPECT_FALSE(last->has_more());
  protos::QueryResponseMetadata metadata;
  ASSERT_TRUE(metadata.ParseFromString(last->metadata()));
  EXPECT_EQ(metadata.fetched_records_count(), 3);
  EXPECT_EQ(metadata.bookmark(), "d");
  EXPECT_TRUE(closed);
}

TEST(OpenQueries, CursorFailureClosesTheQueryAndIsReturned) {
  OpenQueries queries(2);
  bool closed = false;
  auto first = queries.Open(
      std::make_unique<VectorCursor>(std::vector<std::string>{"a", "b", "c", "d"}, &closed, 3), false, 100);
  ASSERT_TRUE(first.ok());  // a, b, and c read ahead; d is where it fails
  auto failed = queries.Next(first->id());
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.status().IsIoError());
  EXPECT_TRUE(closed);
  EXPECT_EQ(queries.open_count(), 0u);
}

TEST(OpenQueries, CloseOfAnUnknownIdIsHarmless) {
  OpenQueries queries(2);
  protos::QueryResponse response = queries.Close("42");
  EXPECT_EQ(response.id(), "42");
  EXPECT_FALSE(response.has_more());
}

}  // namespace
}  // namespace loom::chaincode
