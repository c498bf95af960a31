// gzip (RFC 1952) compression with zlib, for chaincode packages.
// Gunzip refuses input that is not gzip, is truncated or corrupt, has bytes
// after the stream, or inflates beyond `max_bytes` (a zip bomb).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::lifecycle {

Result<std::string> Gzip(std::string_view data);
Result<std::string> Gunzip(std::string_view data, uint64_t max_bytes);

}  // namespace loom::lifecycle
