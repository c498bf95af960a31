// Turning untrusted bytes into safe, readable text: UTF-8 checks, quoting
// for the text renderer, JSON string escaping, ISO-8601 timestamps. Pure
// functions, thread-safe; any input bytes are accepted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace loom::protocol {

// True for valid UTF-8 with no control characters other than \t \n \r
// (and no DEL): bytes a person can read as text.
bool IsPrintableText(std::string_view bytes);

// `bytes` as a double-quoted string with C-style escapes (\" \\ \n \t \r,
// \xNN for other control bytes and for invalid UTF-8).
std::string QuoteText(std::string_view bytes);

// Appends `bytes` as a JSON string literal. Control characters become
// \uXXXX; invalid UTF-8 sequences become U+FFFD, so the output is always
// valid JSON in UTF-8.
void AppendJsonString(std::string* out, std::string_view bytes);

// RFC 3339 / ISO-8601 UTC, e.g. "2019-08-01T12:34:56.123Z" (fraction only
// when nanos != 0, trailing zeros dropped). Out-of-range values (outside
// years 1..9999, nanos outside 0..999999999) give "<invalid timestamp ...>".
std::string FormatTimestamp(int64_t seconds, int32_t nanos);

}  // namespace loom::protocol
