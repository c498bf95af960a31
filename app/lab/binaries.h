// Finding Loom's executables (loom-peer, loom-orderer, the sample
// chaincodes loom-chaincode-<name>) for the lab to start.
//
// Places looked at, in order:
//   1. $LOOM_BIN_DIR/<name>                      (an explicit override)
//   2. the build tree that holds the running program (/proc/self/exe): the
//      nearest ancestor folder with a CMakeCache.txt, laid out as
//      <build>/nodes/peer/loom-peer, <build>/nodes/orderer/loom-orderer,
//      <build>/chaincode/<name>/loom-chaincode-<name>
//   3. an install layout: the running program's own folder (<prefix>/bin/)
// A missing executable is NotFound naming it and every place looked at.
// Reads the file system only; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace loom::lab {

// The absolute path of executable `name` ("loom-peer", "loom-chaincode-assets").
Result<std::string> FindBinary(std::string_view name);

// The candidate paths FindBinary tries for `name`, in order (for messages and tests).
std::vector<std::string> BinaryCandidates(std::string_view name);

// The Loom source tree the running program was built from (the build tree's
// CMAKE_HOME_DIRECTORY); "" when the program does not run from a build tree.
std::string SourceTreeOfBuild();

// The executable of a native chaincode given by a scenario `path`: an
// executable file itself when `path` names one (absolute, or relative to
// `base_dirs` in order), else the sample "loom-chaincode-<last component of
// path>" found by FindBinary ("chaincode/assets" -> loom-chaincode-assets).
Result<std::string> FindNativeChaincode(const std::string& path, const std::vector<std::string>& base_dirs);

// A folder or file given by a scenario `path`: absolute as is, else the first
// of base_dirs/<path> that exists. NotFound naming every place looked at.
Result<std::string> ResolveSourcePath(const std::string& path, const std::vector<std::string>& base_dirs);

}  // namespace loom::lab
