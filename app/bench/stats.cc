#include "app/bench/stats.h"

#include <algorithm>
#include <cmath>

namespace loom::bench {

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  // The epsilon keeps 99.9% of 1000 at rank 999 despite 99.9 not being exact in binary.
  double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()) - 1e-9);
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

Summary Summarize(std::vector<double> samples) {
  Summary summary;
  if (samples.empty()) return summary;
  std::sort(samples.begin(), samples.end());
  summary.count = samples.size();
  double sum = 0;
  for (double v : samples) sum += v;
  summary.avg = sum / static_cast<double>(samples.size());
  double squares = 0;
  for (double v : samples) squares += (v - summary.avg) * (v - summary.avg);
  summary.stdev = std::sqrt(squares / static_cast<double>(samples.size()));
  summary.min = samples.front();
  summary.p50 = Percentile(samples, 50);
  summary.p90 = Percentile(samples, 90);
  summary.p99 = Percentile(samples, 99);
  summary.p999 = Percentile(samples, 99.9);
  summary.max = samples.back();
  return summary;
}

}  // namespace loom::bench
