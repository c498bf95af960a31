#include "app/bench/key_generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

namespace loom::bench {
namespace {

std::vector<uint64_t> Histogram(const config::KeySpace& space, uint64_t seed, int draws) {
  KeyGenerator keys(space, seed);
  std::vector<uint64_t> counts(space.count, 0);
  for (int i = 0; i < draws; ++i) {
    uint64_t k = keys.NextIndex();
    EXPECT_LT(k, space.count);
    if (k < space.count) ++counts[k];
  }
  return counts;
}

TEST(KeyGeneratorTest, SameSeedSameKeys) {
  config::KeySpace space;
  space.count = 50;
  space.distribution = config::KeyDistribution::kZipf;
  KeyGenerator a(space, 7), b(space, 7), c(space, 8);
  std::vector<uint64_t> xa, xb, xc;
  for (int i = 0; i < 100; ++i) {
    xa.push_back(a.NextIndex());
    xb.push_back(b.NextIndex());
    xc.push_back(c.NextIndex());
  }
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  EXPECT_EQ(KeyGenerator::KeyName(3), "key-3");
}

TEST(KeyGeneratorTest, UniformIsFlat) {
  config::KeySpace space;
  space.count = 10;
  std::vector<uint64_t> counts = Histogram(space, 1, 100000);
  for (uint64_t c : counts) EXPECT_NEAR(static_cast<double>(c), 10000, 600);
}

TEST(KeyGeneratorTest, ZipfSkewMatchesTheExponent) {
  config::KeySpace space;
  space.count = 100;
  space.distribution = config::KeyDistribution::kZipf;
  space.zipf_s = 1.2;
  const int draws = 200000;
  std::vector<uint64_t> counts = Histogram(space, 3, draws);
  double h = 0;
  for (int k = 1; k <= 100; ++k) h += std::pow(k, -1.2);
  for (int rank : {1, 2, 5, 10}) {
    double expected = draws * std::pow(rank, -1.2) / h;
    EXPECT_NEAR(static_cast<double>(counts[rank - 1]), expected, 0.05 * expected) << "rank " << rank;
  }
  // Rank 1 vs rank 2: 2^1.2 = 2.30 times as often.
  EXPECT_NEAR(static_cast<double>(counts[0]) / static_cast<double>(counts[1]), std::pow(2, 1.2), 0.12);
}

TEST(KeyGeneratorTest, HotsetSendsTheHotShareToTheHotKeys) {
  config::KeySpace space;
  space.count = 100;
  space.distribution = config::KeyDistribution::kHotset;
  space.hot_fraction = 0.1;
  space.hot_probability = 0.8;
  std::vector<uint64_t> counts = Histogram(space, 5, 100000);
  uint64_t hot = 0;
  for (int k = 0; k < 10; ++k) hot += counts[k];
  EXPECT_NEAR(static_cast<double>(hot) / 100000, 0.8, 0.01);
}

}  // namespace
}  // namespace loom::bench
