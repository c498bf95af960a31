// LineRateLimiter: lets at most `max_lines` lines through per `interval`
// and counts the rest, so a flood of similar log lines (libprotobuf's
// complaints about hostile input, say) cannot bury a node's log or slow it
// down. The first line admitted after lines were dropped carries the count
// of the dropped ones, for a "suppressed K similar messages" line.
//
// Time is passed in (pure: tests drive it with their own clock). Intervals
// are fixed windows starting at the first line; a window ends `interval`
// after it began, and the next line opens a new one. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace loom {

class LineRateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Decision {
    bool emit = false;     // write this line
    uint64_t dropped = 0;  // lines dropped since the last line written (set only when emit)
  };

  // `max_lines` >= 1 (0 is taken as 1); `interval` > 0.
  LineRateLimiter(uint32_t max_lines, std::chrono::nanoseconds interval);

  Decision Admit(TimePoint now);
  // Lines dropped and not yet reported (by an admitted line); resets the
  // count. For a last report at shutdown.
  uint64_t TakeDropped();

 private:
  const uint32_t max_lines_;
  const std::chrono::nanoseconds interval_;
  std::mutex mutex_;
  bool started_ = false;
  TimePoint window_start_;
  uint32_t admitted_in_window_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace loom
