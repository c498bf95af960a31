#include "core/config/suggest.h"

#include <gtest/gtest.h>

namespace loom::config {
namespace {

TEST(EditDistanceTest, CountsEditsAndSwapsIgnoringCase) {
  EXPECT_EQ(EditDistance("mspid", "mspid"), 0u);
  EXPECT_EQ(EditDistance("mpsid", "mspid"), 1u);  // adjacent swap
  EXPECT_EQ(EditDistance("domian", "domain"), 1u);
  EXPECT_EQ(EditDistance("peer", "peers"), 1u);
  EXPECT_EQ(EditDistance("Solo", "solo"), 0u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(ClosestMatchTest, SuggestsOnlyLikelyTypos) {
  std::vector<std::string> fields = {"name", "mspid", "domain", "peers", "orderers", "users"};
  EXPECT_EQ(ClosestMatch("mpsid", fields), "mspid");
  EXPECT_EQ(ClosestMatch("peer", fields), "peers");
  EXPECT_EQ(ClosestMatch("ordrers", fields), "orderers");
  EXPECT_EQ(ClosestMatch("colour", fields), std::nullopt);
  EXPECT_EQ(ClosestMatch("x", {"ab"}), std::nullopt);
  EXPECT_EQ(DidYouMean("sollo", {"solo", "raft"}), "; did you mean 'solo'?");
  EXPECT_EQ(DidYouMean("kafka", {"solo", "raft"}), "");
}

}  // namespace
}  // namespace loom::config
