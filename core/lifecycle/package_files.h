// Between package code (tar entries) and folders on disk: reading a
// chaincode's folder into entries for BuildPackage (loomctl packages
// chaincodes with it), and extracting a package's code into a folder.
// Thread-safe; callers must not write the same folder concurrently.
#pragma once

#include <string>
#include <vector>

#include "core/lifecycle/tar.h"
#include "core/util/status.h"

namespace loom::lifecycle {

// Every regular file and folder under `folder`, with paths relative to it
// (sorted, so the same folder gives the same package bytes) and the owner's
// execute bit kept (0755 / 0644). Symbolic links and special files are
// refused (InvalidArgument naming them); NotFound when `folder` is missing.
Result<std::vector<TarEntry>> ReadCodeFolder(const std::string& folder);

// Writes `code` under `folder` (created when missing): folders, then files
// with mode 0755 when any execute bit is set, else 0644. Paths are checked
// again (ValidateArchivePath), so nothing lands outside `folder`. IoError
// naming the path on failure; what was written before stays.
Status ExtractCode(const std::vector<TarEntry>& code, const std::string& folder);

}  // namespace loom::lifecycle
