#include "core/util/rate_limiter.h"

namespace loom {

LineRateLimiter::LineRateLimiter(uint32_t max_lines, std::chrono::nanoseconds interval)
    : max_lines_(max_lines == 0 ? 1 : max_lines),
      interval_(interval.count() > 0 ? interval : std::chrono::nanoseconds(1)) {}

LineRateLimiter::Decision LineRateLimiter::Admit(TimePoint now) {
  std::lock_guard lock(mutex_);
  if (!started_ || now - window_start_ >= interval_ || now < window_start_) {
    started_ = true;
    window_start_ = now;
    admitted_in_window_ = 0;
  }
  Decision decision;
  if (admitted_in_window_ >= max_lines_) {
    ++dropped_;
    return decision;
  }
  ++admitted_in_window_;
  decision.emit = true;
  decision.dropped = dropped_;
  dropped_ = 0;
  return decision;
}

uint64_t LineRateLimiter::TakeDropped() {
  std::lock_guard lock(mutex_);
  uint64_t dropped = dropped_;
  dropped_ = 0;
  return dropped;
}

}  // namespace loom
