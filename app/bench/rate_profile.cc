#include "app/bench/rate_profile.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace loom::bench {
namespace {

double Seconds(Nanos n) {
  return std::chrono::duration<double>(n).count();
}

Result<double> ParseNumber(std::string_view text, std::string_view what) {
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(value) || value < 0) {
    return Status::InvalidArgument(std::string(what) + ": \"" + copy + "\" is not a number >= 0");
  }
  return value;
}

// A piece of the schedule where the rate changes linearly: rate(t) = start_rate + slope * (t - begin).
struct Segment {
  double begin = 0, end = 0;  // seconds
  double start_rate = 0, slope = 0;
};

std::vector<Segment> SegmentsOf(const RateProfile& profile, double duration) {
  std::vector<Segment> segments;
  switch (profile.kind) {
    case RateProfile::Kind::kFixed: segments.push_back({0, duration, profile.rate, 0}); break;
    case RateProfile::Kind::kRamp:
      segments.push_back(
          {0, duration, profile.from, duration > 0 ? (profile.to - profile.from) / duration : 0});
      break;
    case RateProfile::Kind::kSteps: {
      double at = 0;
      for (const RateStep& step : profile.steps) {
        if (at >= duration) break;
        double end = std::min(duration, at + Seconds(step.duration));
        segments.push_back({at, end, step.rate, 0});
        at = end;
      }
      if (at < duration && !profile.steps.empty())
        segments.push_back({at, duration, profile.steps.back().rate, 0});
      break;
    }
  }
  return segments;
}

}  // namespace

RateProfile RateProfile::Fixed(double rate) {
  RateProfile profile;
  profile.kind = Kind::kFixed;
  profile.rate = rate;
  return profile;
}

RateProfile RateProfile::Ramp(double from, double to) {
  RateProfile profile;
  profile.kind = Kind::kRamp;
  profile.from = from;
  profile.to = to;
  return profile;
}

double RateProfile::RateAt(Nanos offset, Nanos duration) const {
  double t = Seconds(offset);
  for (const Segment& segment : SegmentsOf(*this, Seconds(duration))) {
    if (t >= segment.begin && t < segment.end)
      return segment.start_rate + segment.slope * (t - segment.begin);
  }
  return 0;
}

std::string RateProfile::ToString() const {
  auto number = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%g", v);
    return std::string(buffer);
  };
  switch (kind) {
    case Kind::kFixed: return "fixed:" + number(rate);
    case Kind::kRamp: return "ramp:" + number(from) + "-" + number(to);
    case Kind::kSteps: {
      std::string text = "steps:";
      for (size_t i = 0; i < steps.size(); ++i) {
        if (i > 0) text += ",";
        text += number(steps[i].rate) + "x" + number(Seconds(steps[i].duration)) + "s";
      }
      return text;
    }
  }
  return {};
}

Result<Nanos> ParseDuration(std::string_view text) {
  std::string_view number = text;
  double scale = 1;
  if (text.ends_with("ms")) {
    number = text.substr(0, text.size() - 2);
    scale = 1e-3;
  } else if (text.ends_with("s")) {
    number = text.substr(0, text.size() - 1);
  } else if (text.ends_with("m")) {
    number = text.substr(0, text.size() - 1);
    scale = 60;
  } else {
    return Status::InvalidArgument("duration \"" + std::string(text) +
                                   "\": needs a unit (ms, s or m), e.g. 30s");
  }
  Result<double> value = ParseNumber(number, "duration \"" + std::string(text) + "\"");
  if (!value.ok()) return value.status();
  return std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(*value * scale));
}

Result<RateProfile> ParseRateProfile(std::string_view text, double default_rate) {
  size_t colon = text.find(':');
  std::string_view kind = text.substr(0, colon);
  std::string_view rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (kind == "fixed") {
    if (rest.empty()) return RateProfile::Fixed(default_rate);
    LOOM_ASSIGN_OR_RETURN(double rate, ParseNumber(rest, "profile fixed rate"));
    return RateProfile::Fixed(rate);
  }
  if (kind == "ramp") {
    size_t dash = rest.find('-');
    if (dash == std::string_view::npos) {
      return Status::InvalidArgument("profile \"" + std::string(text) +
                                     "\": a ramp is ramp:FROM-TO, e.g. ramp:50-400");
    }
    LOOM_ASSIGN_OR_RETURN(double from, ParseNumber(rest.substr(0, dash), "profile ramp start"));
    LOOM_ASSIGN_OR_RETURN(double to, ParseNumber(rest.substr(dash + 1), "profile ramp end"));
    return RateProfile::Ramp(from, to);
  }
  if (kind == "steps") {
    RateProfile profile;
    profile.kind = RateProfile::Kind::kSteps;
    size_t at = 0;
    while (at <= rest.size()) {
      size_t comma = rest.find(',', at);
      std::string_view step =
          rest.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
      size_t x = step.find('x');
      if (x == std::string_view::npos) {
        return Status::InvalidArgument("profile step \"" + std::string(step) +
                                       "\": a step is RATExDURATION, e.g. 100x5s");
      }
      LOOM_ASSIGN_OR_RETURN(double rate, ParseNumber(step.substr(0, x), "profile step rate"));
      LOOM_ASSIGN_OR_RETURN(Nanos duration, ParseDuration(step.substr(x + 1)));
      profile.steps.push_back({rate, duration});
      if (comma == std::string_view::npos) break;
      at = comma + 1;
    }
    return profile;
  }
  return Status::InvalidArgument("profile \"" + std::string(text) + "\": unknown kind \"" +
                                 std::string(kind) + "\" (fixed, ramp or steps)");
}

std::vector<Nanos> IntendedSendTimes(const RateProfile& profile, Nanos duration) {
  std::vector<Nanos> times;
  double sent_before = 0;  // integral of the rate up to the segment's start
  for (const Segment& segment : SegmentsOf(profile, Seconds(duration))) {
    double length = segment.end - segment.begin;
    double count = segment.start_rate * length + segment.slope * length * length / 2;
    // Send n (from 0) is due where the integral of the rate reaches n.
    for (double n = std::ceil(sent_before); n < sent_before + count; n += 1) {
      double need = n - sent_before;
      double dt = 0;
      if (segment.slope == 0) {
        dt = segment.start_rate > 0 ? need / segment.start_rate : 0;
      } else {
        double disc = segment.start_rate * segment.start_rate + 2 * segment.slope * need;
        dt = (-segment.start_rate + std::sqrt(std::max(0.0, disc))) / segment.slope;
      }
      double t = std::min(segment.begin + dt, segment.end);
      times.push_back(std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(t)));
    }
    sent_before += count;
  }
  return times;
}

}  // namespace loom::bench
