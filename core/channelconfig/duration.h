// Go's time.Duration text form, which Fabric stores in channel config values
// (orderer BatchTimeout "2s", etcdraft TickInterval "500ms").
//
// ParseGoDuration accepts exactly what Go's time.ParseDuration accepts: an
// optional sign, then one or more <decimal number><unit> pairs ("1m30s",
// "1.5h", "300ms"), units ns, us, µs, μs, ms, s, m, h; "0" alone is zero.
// FormatGoDuration produces what Go's Duration.String() prints, so a value
// written by Loom reads the same in Fabric's tools. Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::channelconfig {

// InvalidArgument naming the text and what is wrong ("missing unit in
// duration \"10\""); InvalidArgument on overflow of int64 nanoseconds.
Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

// "2s", "500ms", "1m30s", "1h0m0s", "1.5µs", "0s".
std::string FormatGoDuration(std::chrono::nanoseconds duration);

}  // namespace loom::channelconfig
