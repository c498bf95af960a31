// Exact latency statistics: every sample kept, sorted, percentiles by
// nearest rank (the smallest sample with at least p% of the samples at or
// below it) — never averaged across buckets. Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

namespace loom::bench {

struct Summary {
  uint64_t count = 0;
  double avg = 0, stdev = 0, min = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
};

// Nearest-rank percentile `p` (0 < p <= 100) of ascending `sorted`; 0 when empty.
double Percentile(const std::vector<double>& sorted, double p);

// Summary of `samples` (any order; sorted in place). Population st.dev.
Summary Summarize(std::vector<double> samples);

}  // namespace loom::bench
