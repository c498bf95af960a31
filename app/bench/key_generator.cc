#include "app/bench/key_generator.h"

#include <algorithm>
#include <cmath>

namespace loom::bench {

KeyGenerator::KeyGenerator(const config::KeySpace& space, uint64_t seed, int client)
    : space_(space), random_(seed), client_(client) {
  if (space_.count == 0) space_.count = 1;
  if (space_.distribution == config::KeyDistribution::kZipf) {
    auto cdf = std::make_shared<std::vector<double>>(space_.count);
    double sum = 0;
    for (uint64_t k = 0; k < space_.count; ++k) {
      sum += std::pow(static_cast<double>(k + 1), -space_.zipf_s);
      (*cdf)[k] = sum;
    }
    for (double& value : *cdf) value /= sum;
    cdf->back() = 1.0;
    zipf_cdf_ = std::move(cdf);
  }
  double hot = std::ceil(space_.hot_fraction * static_cast<double>(space_.count));
  hot_count_ = std::clamp<uint64_t>(static_cast<uint64_t>(hot), 1, space_.count);
}

uint64_t KeyGenerator::NextIndex() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  switch (space_.distribution) {
    case config::KeyDistribution::kUniform:
      return std::uniform_int_distribution<uint64_t>(0, space_.count - 1)(random_);
    case config::KeyDistribution::kZipf: {
      double u = unit(random_);
      auto at = std::lower_bound(zipf_cdf_->begin(), zipf_cdf_->end(), u);
      return static_cast<uint64_t>(std::min<ptrdiff_t>(at - zipf_cdf_->begin(), space_.count - 1));
    }
    case config::KeyDistribution::kHotset: {
      bool hot = unit(random_) < space_.hot_probability || hot_count_ == space_.count;
      if (hot) return std::uniform_int_distribution<uint64_t>(0, hot_count_ - 1)(random_);
      return std::uniform_int_distribution<uint64_t>(hot_count_, space_.count - 1)(random_);
    }
  }
  return 0;
}

}  // namespace loom::bench
