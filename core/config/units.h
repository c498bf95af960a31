// Durations and byte sizes as scenario files write them.
//
// Durations follow Go's time.ParseDuration (what Fabric's configtx.yaml
// uses), restricted to whole milliseconds: one or more <number><unit> parts,
// unit ms, s, m or h, decimals allowed: "250ms", "2s", "1.5s", "1m30s".
// "0" is the only number accepted without a unit.
//
// Byte sizes are an integer with an optional unit, with or without a space:
// "512", "512B", "512KB", "99 MB", "1GB". Like Fabric, KB/MB/GB are powers of
// 1024; KiB/MiB/GiB are accepted as synonyms.
//
// The Format functions produce the canonical text that the Parse functions
// read back to the same value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/config/scenario.h"
#include "core/util/status.h"

namespace loom::config {

// InvalidArgument with a message that quotes the text and says what is
// expected (no position; callers add it).
Result<Duration> ParseDuration(std::string_view text);
Result<uint64_t> ParseByteSize(std::string_view text);

// "2s", "250ms", "1m", "2h", "1500ms", "0s"; negative durations print as "0s".
std::string FormatDuration(Duration duration);
// "99MB", "512KB", "1GB", "1000B".
std::string FormatByteSize(uint64_t bytes);

}  // namespace loom::config
