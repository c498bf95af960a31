// Which key a transaction touches: uniform, Zipf(s) or hot-set over K keys
// (core/config/scenario.h KeySpace), from a seeded generator so a run can be
// repeated exactly. Zipf is exact: P(rank k) = k^-s / H(K, s), drawn by
// binary search in the precomputed cumulative distribution (rank 1 = key 0,
// the hottest). Hot set: the first ceil(hot_fraction * K) keys receive
// hot_probability of the accesses, uniformly; the rest the remainder.
// Not thread-safe: one generator per client thread (seed + client index).
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/config/scenario.h"

namespace loom::bench {

class KeyGenerator {
 public:
  // `client`: the client thread that owns the generator (for {client} in
  // argument templates).
  KeyGenerator(const config::KeySpace& space, uint64_t seed, int client = 0);
  int client() const { return client_; }
  // A key index in [0, count).
  uint64_t NextIndex();
  // "key-<index>".
  std::string NextKey() { return KeyName(NextIndex()); }
  static std::string KeyName(uint64_t index) { return "key-" + std::to_string(index); }
  uint64_t count() const { return space_.count; }

 private:
  config::KeySpace space_;
  std::mt19937_64 random_;
  std::shared_ptr<const std::vector<double>> zipf_cdf_;  // shared between copies
  uint64_t hot_count_ = 0;
  int client_ = 0;
};

}  // namespace loom::bench
