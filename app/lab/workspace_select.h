// Which workspace a loomctl command works on: `--workspace DIR` when given,
// else $LOOM_WORKSPACE, else the single folder under ./.loom/ that holds a
// workspace.json. Several candidates: FailedPrecondition listing them; none:
// NotFound saying how to make one. Reads the file system and environment only.
#pragma once

#include <string>

#include "core/util/status.h"

namespace loom::lab {

Result<std::string> SelectWorkspaceDir(const std::string& flag_value);

}  // namespace loom::lab
