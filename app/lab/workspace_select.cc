#include "app/lab/workspace_select.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace loom::lab {

Result<std::string> SelectWorkspaceDir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("LOOM_WORKSPACE"); env != nullptr && *env) return std::string(env);
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> found;
  for (auto it = fs::directory_iterator(".loom", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (fs::exists(it->path() / "workspace.json", ec)) found.push_back(it->path().string());
  }
  std::sort(found.begin(), found.end());
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    return Status::NotFound(
        "no workspace: none under .loom/ and neither --workspace nor LOOM_WORKSPACE is set "
        "(start one with 'loomctl up SCENARIO')");
  }
  std::string list;
  for (const std::string& dir : found) list += (list.empty() ? "" : ", ") + dir;
  return Status::FailedPrecondition("several workspaces under .loom/ (" + list +
                                    "): choose one with --workspace DIR or LOOM_WORKSPACE");
}

}  // namespace loom::lab
