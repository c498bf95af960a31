#include "app/lab/binaries.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace loom::lab {
namespace {

namespace fs = std::filesystem;

std::string RunningProgram() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.string();
}

// The nearest ancestor of the running program with a CMakeCache.txt.
std::string BuildTreeOfProgram() {
  std::string exe = RunningProgram();
  if (exe.empty()) return {};
  std::error_code ec;
  for (fs::path dir = fs::path(exe).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / "CMakeCache.txt", ec)) return dir.string();
    if (dir == dir.root_path()) break;
  }
  return {};
}

// Where `name` lives inside a build tree.
std::string BuildTreePath(const std::string& build, std::string_view name) {
  const std::string text(name);
  if (text == "loom-peer") return build + "/nodes/peer/loom-peer";
  if (text == "loom-orderer") return build + "/nodes/orderer/loom-orderer";
  if (text == "loom-bench") return build + "/app/bench/loom-bench";
  if (text == "loomctl") return build + "/app/loomctl/loomctl";
  constexpr std::string_view kChaincodePrefix = "loom-chaincode-";
  if (name.substr(0, kChaincodePrefix.size()) == kChaincodePrefix) {
    return build + "/chaincode/" + text.substr(kChaincodePrefix.size()) + "/" + text;
  }
  return build + "/" + text;
}

bool IsExecutableFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::vector<std::string> BinaryCandidates(std::string_view name) {
  std::vector<std::string> candidates;
  const std::string text(name);
  if (const char* override_dir = std::getenv("LOOM_BIN_DIR"); override_dir != nullptr && *override_dir) {
    candidates.push_back(std::string(override_dir) + "/" + text);
  }
  if (std::string build = BuildTreeOfProgram(); !build.empty()) {
    candidates.push_back(BuildTreePath(build, name));
  }
  if (std::string exe = RunningProgram(); !exe.empty()) {
    candidates.push_back((fs::path(exe).parent_path() / text).string());
  }
  return candidates;
}

Result<std::string> FindBinary(std::string_view name) {
  std::vector<std::string> candidates = BinaryCandidates(name);
  for (const std::string& candidate : candidates) {
    if (IsExecutableFile(candidate)) return fs::absolute(candidate).lexically_normal().string();
  }
  std::string looked;
  for (const std::string& candidate : candidates) looked += (looked.empty() ? "" : ", ") + candidate;
  return Status::NotFound(
      "executable '" + std::string(name) + "' not found (looked at " +
      (looked.empty() ? std::string("nothing: no LOOM_BIN_DIR and no /proc/self/exe") : looked) +
      "; build it, or set LOOM_BIN_DIR to the folder that holds it)");
}

std::string SourceTreeOfBuild() {
  std::string build = BuildTreeOfProgram();
  if (build.empty()) return {};
  std::ifstream cache(build + "/CMakeCache.txt");
  const std::string key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
  for (std::string line; std::getline(cache, line);) {
    if (line.compare(0, key.size(), key) == 0) return line.substr(key.size());
  }
  return {};
}

Result<std::string> ResolveSourcePath(const std::string& path, const std::vector<std::string>& base_dirs) {
  std::error_code ec;
  if (fs::path(path).is_absolute()) {
    if (fs::exists(path, ec)) return path;
    return Status::NotFound("'" + path + "' does not exist");
  }
  std::string looked;
  for (const std::string& base : base_dirs) {
    if (base.empty()) continue;
    fs::path candidate = fs::absolute(fs::path(base) / path, ec).lexically_normal();
    if (fs::exists(candidate, ec)) return candidate.string();
    looked += (looked.empty() ? "" : ", ") + candidate.string();
  }
  return Status::NotFound("'" + path + "' not found (looked at " + (looked.empty() ? "nothing" : looked) +
                          ")");
}

Result<std::string> FindNativeChaincode(const std::string& path, const std::vector<std::string>& base_dirs) {
  Result<std::string> direct = ResolveSourcePath(path, base_dirs);
  if (direct.ok() && IsExecutableFile(*direct)) return *direct;
  std::string name = fs::path(path).lexically_normal().filename().string();
  if (name.empty()) name = fs::path(path).lexically_normal().parent_path().filename().string();
  if (name.empty()) return Status::InvalidArgument("chaincode path '" + path + "' names no chaincode");
  Result<std::string> sample = FindBinary("loom-chaincode-" + name);
  if (sample.ok()) return sample;
  return Status::NotFound("native chaincode '" + path + "': no executable file at that path, and " +
                          sample.status().message());
}

}  // namespace loom::lab
