#include "core/protocol/text_encoding.h"

#include <chrono>
#include <cstdio>

namespace loom::protocol {
namespace {

// Length of the valid UTF-8 sequence at `pos`, or 0 when it is invalid
// (overlong forms, surrogates and code points above U+10FFFF included).
size_t Utf8SequenceLength(std::string_view s, size_t pos, uint32_t* code_point) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t lead = byte(pos);
  size_t length;
  uint32_t cp;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2;
    cp = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    cp = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (pos + length > s.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(pos + i) & 0x3f);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[length] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  *code_point = cp;
  return length;
}

bool IsControl(uint32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

}  // namespace

bool IsPrintableText(std::string_view bytes) {
  for (size_t pos = 0; pos < bytes.size();) {
    uint32_t cp = 0;
    size_t length = Utf8SequenceLength(bytes, pos, &cp);
    if (length == 0) return false;
    if (IsControl(cp) && cp != '\t' && cp != '\n' && cp != '\r') return false;
    pos += length;
  }
  return true;
}

std::string QuoteText(std::string_view bytes) {
  std::string out = "\"";
  for (size_t pos = 0; pos < bytes.size();) {
    uint32_t cp = 0;
    size_t length = Utf8SequenceLength(bytes, pos, &cp);
    if (length == 0 || IsControl(cp)) {
      switch (length == 0 ? 0 : cp) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default: {
          size_t count = length == 0 ? 1 : length;
          for (size_t i = 0; i < count; ++i) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<uint8_t>(bytes[pos + i]));
            out += escaped;
          }
        }
      }
      pos += length == 0 ? 1 : length;
      continue;
    }
    if (cp == '"' || cp == '\\') out.push_back('\\');
    out.append(bytes.substr(pos, length));
    pos += length;
  }
  out.push_back('"');
  return out;
}

void AppendJsonString(std::string* out, std::string_view bytes) {
  out->push_back('"');
  for (size_t pos = 0; pos < bytes.size();) {
    uint32_t cp = 0;
    size_t length = Utf8SequenceLength(bytes, pos, &cp);
    if (length == 0) {
      *out += "\\ufffd";
      ++pos;
      continue;
    }
    switch (cp) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      case '\r': *out += "\\r"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (cp < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(cp));
          *out += escaped;
        } else {
          out->append(bytes.substr(pos, length));
        }
    }
    pos += length;
  }
  out->push_back('"');
}

std::string FormatTimestamp(int64_t seconds, int32_t nanos) {
  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, protobuf Timestamp's range.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (seconds < kMinSeconds || seconds > kMaxSeconds || nanos < 0 || nanos > 999999999) {
    return "<invalid timestamp seconds=" + std::to_string(seconds) + " nanos=" + std::to_string(nanos) + ">";
  }
  using namespace std::chrono;
  sys_seconds time{std::chrono::seconds(seconds)};
  sys_days day = floor<days>(time);
  year_month_day date{day};
  hh_mm_ss clock{time - day};
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  std::string out = text;
  if (nanos != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%09d", nanos);
    std::string digits = fraction;
    while (digits.back() == '0') digits.pop_back();
    out += digits;
  }
  return out + "Z";
}

}  // namespace loom::protocol
