// Small file helpers shared by every module that reads or writes files.
#pragma once

#include <string>

#include "core/util/status.h"

namespace loom {

// Reads a whole file. NotFound if it does not exist, IoError otherwise.
Result<std::string> ReadFile(const std::string& path);

// Writes `data` to a temporary file beside `path`, fsyncs it, then renames it
// over `path`: a reader sees the old file or the new one, never half of one.
// `mode` is the permission of the new file (0600 for private keys).
Status WriteFileAtomically(const std::string& path, const std::string& data, unsigned mode = 0644);

// Creates `path` and its parents (mkdir -p).
Status MakeDirectories(const std::string& path);

}  // namespace loom
