#include "core/channelconfig/duration.h"

#include <cstdint>
#include <limits>

namespace loom::channelconfig {
namespace {

using Int128 = __int128;

constexpr int64_t kNanosecond = 1;
constexpr int64_t kMicrosecond = 1000 * kNanosecond;
constexpr int64_t kMillisecond = 1000 * kMicrosecond;
constexpr int64_t kSecond = 1000 * kMillisecond;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Nanoseconds per unit, 0 when the unit is unknown.
int64_t UnitNanoseconds(std::string_view unit) {
  if (unit == "ns") return kNanosecond;
  if (unit == "us" || unit == "\xC2\xB5s" /* µ U+00B5 */ || unit == "\xCE\xBCs" /* μ U+03BC */)
    return kMicrosecond;
  if (unit == "ms") return kMillisecond;
  if (unit == "s") return kSecond;
  if (unit == "m") return kMinute;
  if (unit == "h") return kHour;
  return 0;
}

Status Invalid(std::string_view text, std::string_view why) {
  return Status::InvalidArgument(std::string(why) + " in duration \"" + std::string(text) + "\"");
}

// Appends the fraction digits of v % 10^precision without trailing zeros
// (and the '.' only when a digit remains); returns v / 10^precision.
uint64_t AppendFraction(std::string& out, uint64_t v, int precision) {
  std::string digits;
  bool significant = false;
  for (int i = 0; i < precision; ++i) {
    int digit = static_cast<int>(v % 10);
    significant = significant || digit != 0;
    if (significant) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (!digits.empty()) out += "." + digits;
  return v;
}

}  // namespace

Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return Invalid(text, "empty value");

  // Go allows up to 2^63 nanoseconds in magnitude (only -2^63 fits int64).
  const Int128 limit = Int128(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  Int128 total = 0;
  while (!s.empty()) {
    if (!(s.front() == '.' || IsDigit(s.front()))) return Invalid(text, "expected a number");
    Int128 whole = 0;
    size_t whole_digits = 0;
    while (!s.empty() && IsDigit(s.front())) {
      whole = whole * 10 + (s.front() - '0');
      if (whole > limit) return Invalid(text, "value out of range");
      ++whole_digits;
      s.remove_prefix(1);
    }
    Int128 fraction = 0;
    Int128 scale = 1;
    size_t fraction_digits = 0;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      while (!s.empty() && IsDigit(s.front())) {
        // Digits past nanosecond precision of an hour cannot change the result.
        if (fraction_digits < 18) {
          fraction = fraction * 10 + (s.front() - '0');
          scale *= 10;
        }
        ++fraction_digits;
        s.remove_prefix(1);
      }
    }
    if (whole_digits == 0 && fraction_digits == 0) return Invalid(text, "expected digits");
    size_t unit_length = 0;
    while (unit_length < s.size() && s[unit_length] != '.' && !IsDigit(s[unit_length])) ++unit_length;
    if (unit_length == 0) return Invalid(text, "missing unit");
    std::string_view unit = s.substr(0, unit_length);
    int64_t unit_ns = UnitNanoseconds(unit);
    if (unit_ns == 0) {
      return Invalid(text, "unknown unit \"" + std::string(unit) + "\" (expected ns, us, ms, s, m or h)");
    }
    s.remove_prefix(unit_length);
    total += whole * unit_ns + fraction * unit_ns / scale;
    if (total > limit) return Invalid(text, "value out of range");
  }
  if (negative) total = -total;
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

std::string FormatGoDuration(std::chrono::nanoseconds duration) {
  int64_t ns = duration.count();
  if (ns == 0) return "0s";
  bool negative = ns < 0;
  // Magnitude as unsigned so that INT64_MIN does not overflow.
  uint64_t u = negative ? uint64_t(0) - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string out;
  if (u < static_cast<uint64_t>(kSecond)) {
    std::string number;
    std::string unit;
    if (u < static_cast<uint64_t>(kMicrosecond)) {
      number = std::to_string(u);
      unit = "ns";
    } else if (u < static_cast<uint64_t>(kMillisecond)) {
      std::string fraction;
      number = std::to_string(AppendFraction(fraction, u, 3)) + fraction;
      unit = "\xC2\xB5s";
    } else {
      std::string fraction;
      number = std::to_string(AppendFraction(fraction, u, 6)) + fraction;
      unit = "ms";
    }
    out = number + unit;
  } else {
    std::string fraction;
    uint64_t seconds = AppendFraction(fraction, u, 9);
    out = std::to_string(seconds % 60) + fraction + "s";
    uint64_t minutes = seconds / 60;
    if (minutes > 0) {
      out = std::to_string(minutes % 60) + "m" + out;
      uint64_t hours = minutes / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace loom::channelconfig
