// Rate profiles of an open-loop run, as Caliper's rate controllers: a fixed
// rate, a linear ramp from one rate to another over the run, or composite
// steps ("100x5s,200x5s": 100 tx/s for 5 s, then 200 tx/s for 5 s).
//
// IntendedSendTimes turns a profile into the run's schedule: the offset from
// the run's start at which transaction n is meant to be sent, so that the
// number of sends by time t is floor(integral of the rate from 0 to t). The
// schedule is exact and independent of how fast anything runs: a send that
// starts after its intended time is late, and its latency is measured from
// the intended time (coordinated omission avoided). Pure; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace loom::bench {

using Nanos = std::chrono::nanoseconds;

struct RateStep {
  double rate = 0;  // transactions per second, >= 0
  Nanos duration{0};
};

struct RateProfile {
  enum class Kind { kFixed, kRamp, kSteps };
  Kind kind = Kind::kFixed;
  double rate = 0;              // fixed
  double from = 0, to = 0;      // ramp, over the whole run
  std::vector<RateStep> steps;  // steps; the last step's rate holds after the steps end

  static RateProfile Fixed(double rate);
  static RateProfile Ramp(double from, double to);
  // The rate at `offset` into a run of `duration`.
  double RateAt(Nanos offset, Nanos duration) const;
  // "fixed:R", "ramp:FROM-TO", "steps:R1xD1,R2xD2" (D: "5s", "500ms", "1m").
  std::string ToString() const;
};

// Parses the --profile text above; `default_rate` is what "fixed" alone
// means. InvalidArgument naming the part that is wrong.
Result<RateProfile> ParseRateProfile(std::string_view text, double default_rate);

// "30s", "500ms", "2m", "1.5s" -> nanoseconds. InvalidArgument otherwise.
Result<Nanos> ParseDuration(std::string_view text);

// Intended send offsets (ascending) of every transaction in a run of
// `duration` under `profile`.
std::vector<Nanos> IntendedSendTimes(const RateProfile& profile, Nanos duration);

}  // namespace loom::bench
