// LineRateLimiter driven by a test clock: the per-window budget, the count
// of dropped lines reported by the next admitted line, window boundaries,
// degenerate settings, and many threads at once.
#include "core/util/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace loom {
namespace {

using namespace std::chrono_literals;
using TimePoint = LineRateLimiter::TimePoint;

const TimePoint kStart = TimePoint() + 1000s;

TEST(LineRateLimiterTest, AdmitsUpToTheBudgetThenDropsUntilTheWindowEnds) {
  LineRateLimiter limiter(3, 1s);
  for (int i = 0; i < 3; ++i) {
    auto decision = limiter.Admit(kStart + i * 10ms);
    EXPECT_TRUE(decision.emit) << i;
    EXPECT_EQ(decision.dropped, 0u);
  }
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.Admit(kStart + 500ms).emit);
  EXPECT_FALSE(limiter.Admit(kStart + 999ms).emit);

  // The next window: the first line carries the six dropped ones, once.
  auto next = limiter.Admit(kStart + 1s);
  EXPECT_TRUE(next.emit);
  EXPECT_EQ(next.dropped, 6u);
  auto after = limiter.Admit(kStart + 1s + 1ms);
  EXPECT_TRUE(after.emit);
  EXPECT_EQ(after.dropped, 0u);
}

TEST(LineRateLimiterTest, WindowsStartAtTheFirstLineAfterAQuietPeriod) {
  LineRateLimiter limiter(1, 1s);
  EXPECT_TRUE(limiter.Admit(kStart).emit);
  EXPECT_FALSE(limiter.Admit(kStart + 900ms).emit);
  // A new window opened at 1.5 s lasts until 2.5 s.
  auto opened = limiter.Admit(kStart + 1500ms);
  EXPECT_TRUE(opened.emit);
  EXPECT_EQ(opened.dropped, 1u);
  EXPECT_FALSE(limiter.Admit(kStart + 2400ms).emit);
  EXPECT_TRUE(limiter.Admit(kStart + 2500ms).emit);
}

TEST(LineRateLimiterTest, TakeDroppedReportsOnceAndResets) {
  LineRateLimiter limiter(1, 1s);
  EXPECT_EQ(limiter.TakeDropped(), 0u);
  EXPECT_TRUE(limiter.Admit(kStart).emit);
  EXPECT_FALSE(limiter.Admit(kStart).emit);
  EXPECT_FALSE(limiter.Admit(kStart).emit);
  EXPECT_EQ(limiter.TakeDropped(), 2u);
  EXPECT_EQ(limiter.TakeDropped(), 0u);
  auto next = limiter.Admit(kStart + 2s);
  EXPECT_TRUE(next.emit);
  EXPECT_EQ(next.dropped, 0u);  // already taken
}

TEST(LineRateLimiterTest, ZeroBudgetMeansOneLineAndAClockGoingBackOpensAWindow) {
  LineRateLimiter limiter(0, 1s);
  EXPECT_TRUE(limiter.Admit(kStart).emit);
  EXPECT_FALSE(limiter.Admit(kStart + 1ms).emit);
  auto back = limiter.Admit(kStart - 10s);
  EXPECT_TRUE(back.emit);
  EXPECT_EQ(back.dropped, 1u);
}

TEST(LineRateLimiterTest, ManyThreadsNeverGetMoreThanTheBudgetAndEveryLineIsCounted) {
  LineRateLimiter limiter(10, 1h);
  std::atomic<uint64_t> emitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.Admit(kStart).emit) ++emitted;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(emitted.load(), 10u);
  EXPECT_EQ(limiter.TakeDropped(), 3990u);
}

}  // namespace
}  // namespace loom
