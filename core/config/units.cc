#include "core/config/units.h"

#include <limits>

namespace loom::config {
namespace {

constexpr std::string_view kDurationHint = "use a number with a unit ms, s, m or h, like 250ms, 2s or 1m30s";
constexpr std::string_view kSizeHint = "use an integer with a unit B, KB, MB or GB, like 512KB or 99MB";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

Status BadDuration(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("'" + std::string(text) + "' is not a duration (" + std::string(why) +
                                 "); " + std::string(kDurationHint));
}

Status BadSize(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("'" + std::string(text) + "' is not a size (" + std::string(why) + "); " +
                                 std::string(kSizeHint));
}

// Milliseconds per unit, or 0 for an unknown unit.
int64_t MillisPerUnit(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 60 * 60 * 1000;
  return 0;
}

uint64_t BytesPerUnit(std::string_view unit) {
  if (unit.empty() || unit == "B") return 1;
  if (unit == "KB" || unit == "KiB") return kKiB;
  if (unit == "MB" || unit == "MiB") return kMiB;
  if (unit == "GB" || unit == "GiB") return kGiB;
  return 0;
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return BadDuration(text, "it is empty");
  if (text == "0") return Duration(0);
  if (text[0] == '-') return BadDuration(text, "durations cannot be negative");
  // Whole-millisecond values up to about 292 million years fit; cap at 100
  // years so every part's arithmetic below stays far from overflow.
  constexpr int64_t kMaxMillis = int64_t{100} * 365 * 24 * 60 * 60 * 1000;
  int64_t total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    int64_t whole = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (whole > kMaxMillis) return BadDuration(text, "it is too long; the limit is 100 years");
      whole = whole * 10 + (text[pos] - '0');
      ++pos;
    }
    int64_t fraction = 0;
    int64_t fraction_scale = 1;
    bool has_fraction = pos < text.size() && text[pos] == '.';
    if (has_fraction) {
      ++pos;
      while (pos < text.size() && IsDigit(text[pos])) {
        if (fraction_scale >= 1'000'000'000) return BadDuration(text, "too many decimals");
        fraction = fraction * 10 + (text[pos] - '0');
        fraction_scale *= 10;
        ++pos;
      }
    }
    size_t digits = pos - start - (has_fraction ? 1 : 0);
    if (digits == 0) {
      return BadDuration(text, "expected a number at '" + std::string(text.substr(start)) + "'");
    }
    size_t unit_start = pos;
    while (pos < text.size() && !IsDigit(text[pos]) && text[pos] != '.') ++pos;
    std::string_view unit = text.substr(unit_start, pos - unit_start);
    if (unit.empty()) {
      return BadDuration(text, "missing unit after '" + std::string(text.substr(start)) + "'");
    }
    int64_t unit_millis = MillisPerUnit(unit);
    if (unit_millis == 0) return BadDuration(text, "unknown unit '" + std::string(unit) + "'");
    if (whole > kMaxMillis / unit_millis) return BadDuration(text, "it is too long; the limit is 100 years");
    int64_t fraction_millis = fraction * unit_millis;
    if (fraction_millis % fraction_scale != 0) {
      return BadDuration(text, "it is not a whole number of milliseconds");
    }
    total += whole * unit_millis + fraction_millis / fraction_scale;
    if (total > kMaxMillis) return BadDuration(text, "it is too long; the limit is 100 years");
  }
  return Duration(total);
}

std::string FormatDuration(Duration duration) {
  int64_t millis = duration.count();
  if (millis <= 0) return "0s";
  constexpr int64_t kHour = 60 * 60 * 1000;
  constexpr int64_t kMinute = 60 * 1000;
  if (millis % kHour == 0) return std::to_string(millis / kHour) + "h";
  if (millis % kMinute == 0) return std::to_string(millis / kMinute) + "m";
  if (millis % 1000 == 0) return std::to_string(millis / 1000) + "s";
  return std::to_string(millis) + "ms";
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  if (text.empty()) return BadSize(text, "it is empty");
  if (text[0] == '-') return BadSize(text, "sizes cannot be negative");
  size_t pos = 0;
  uint64_t value = 0;
  while (pos < text.size() && IsDigit(text[pos])) {
    uint64_t digit = static_cast<uint64_t>(text[pos] - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return BadSize(text, "it is too large");
    value = value * 10 + digit;
    ++pos;
  }
  if (pos == 0) return BadSize(text, "it does not start with a number");
  if (pos < text.size() && text[pos] == '.') return BadSize(text, "sizes are whole numbers");
  if (pos < text.size() && text[pos] == ' ') ++pos;
  std::string_view unit = text.substr(pos);
  uint64_t unit_bytes = BytesPerUnit(unit);
  if (unit_bytes == 0) return BadSize(text, "unknown unit '" + std::string(unit) + "'");
  if (value > std::numeric_limits<uint64_t>::max() / unit_bytes) return BadSize(text, "it is too large");
  return value * unit_bytes;
}

std::string FormatByteSize(uint64_t bytes) {
  if (bytes != 0 && bytes % kGiB == 0) return std::to_string(bytes / kGiB) + "GB";
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + "MB";
  if (bytes != 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + "KB";
  return std::to_string(bytes) + "B";
}

}  // namespace loom::config
