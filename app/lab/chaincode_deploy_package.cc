#include "app/lab/chaincode_deploy_package.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "app/lab/binaries.h"
#include "core/lifecycle/package.h"
#include "core/util/file_util.h"

namespace loom::lab {
namespace {

namespace fs = std::filesystem;

// A relative symlink to an executable (npm's node_modules/.bin/<tool>)
// becomes a shell shim that runs its target, as npm's cmd-shim does where
// links are not available: packages hold regular files only (tar.h).
std::string ShimFor(const fs::path& link_target) {
  return "#!/bin/sh\nexec \"$(dirname \"$0\")/" + link_target.generic_string() + "\" \"$@\"\n";
}

// Every file under `root` as tar entries below `prefix`, in path order (so
// the same folder always gives the same package bytes). Symlinks to files
// are taken as their target's content (executables: a shim, see above).
Result<std::vector<lifecycle::TarEntry>> FolderEntries(const std::string& root, const std::string& prefix) {
  std::vector<lifecycle::TarEntry> entries;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;  // follows symlinks: a link to a file counts
    // Lexically: fs::relative would resolve symlinks to their targets' paths.
    std::string relative = it->path().lexically_relative(root).generic_string();
    auto perms = it->status(ec).permissions();
    bool executable = (perms & fs::perms::owner_exec) != fs::perms::none;
    std::string content;
    if (it->is_symlink(ec) && executable && fs::read_symlink(it->path(), ec).is_relative()) {
      content = ShimFor(fs::read_symlink(it->path(), ec));
    } else {
      LOOM_ASSIGN_OR_RETURN(content, ReadFile(it->path().string()));
    }
    entries.push_back({prefix + relative, std::move(content), executable ? 0755u : 0644u, false});
  }
  if (ec) return Status::IoError("reading folder " + root + ": " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const lifecycle::TarEntry& a, const lifecycle::TarEntry& b) { return a.path < b.path; });
  return entries;
}

Result<std::string> Build(const config::Chaincode& chaincode, const std::vector<std::string>& base_dirs) {
  lifecycle::PackageMetadata metadata;
  metadata.label = PackageLabel(chaincode);
  std::vector<lifecycle::TarEntry> code;
  switch (chaincode.type) {
    case config::ChaincodeType::kNative: {
      LOOM_ASSIGN_OR_RETURN(std::string executable, FindNativeChaincode(chaincode.path, base_dirs));
      LOOM_ASSIGN_OR_RETURN(std::string bytes, ReadFile(executable));
      metadata.type = lifecycle::PackageType::kNative;
      metadata.path = fs::path(executable).filename().string();
      code.push_back({metadata.path, std::move(bytes), 0755, false});
      break;
    }
    case config::ChaincodeType::kNode: {
      LOOM_ASSIGN_OR_RETURN(std::string folder, ResolveSourcePath(chaincode.path, base_dirs));
      std::error_code ec;
      if (!fs::exists(fs::path(folder) / "package.json", ec)) {
        return Status::NotFound("node chaincode folder " + folder + " has no package.json");
      }
      LOOM_ASSIGN_OR_RETURN(code, FolderEntries(folder, "src/"));
      metadata.type = lifecycle::PackageType::kNode;
      metadata.path = "src";
      break;
    }
    case config::ChaincodeType::kCcaas: {
      metadata.type = lifecycle::PackageType::kCcaas;
      std::string connection_json;
      if (!chaincode.address.empty()) {
        lifecycle::CcaasConnection connection;
        connection.address = chaincode.address;
        connection_json = lifecycle::WriteConnectionJson(connection);
      } else {
        LOOM_ASSIGN_OR_RETURN(std::string file, ResolveSourcePath(chaincode.path, base_dirs));
        std::error_code ec;
        if (fs::is_directory(file, ec)) file = (fs::path(file) / "connection.json").string();
        LOOM_ASSIGN_OR_RETURN(connection_json, ReadFile(file));
        Result<lifecycle::CcaasConnection> parsed = lifecycle::ParseConnectionJson(connection_json);
        if (!parsed.ok()) return parsed.status().WithContext(file);
      }
      code.push_back({"connection.json", std::move(connection_json), 0644, false});
      break;
    }
  }
  return lifecycle::BuildPackage(metadata, code);
}

}  // namespace

std::string PackageLabel(const config::Chaincode& chaincode) {
  return chaincode.name + "_" + chaincode.version;
}

Result<std::string> BuildChaincodePackage(const config::Chaincode& chaincode,
                                          const std::vector<std::string>& base_dirs) {
  Result<std::string> package = Build(chaincode, base_dirs);
  if (!package.ok()) {
    return package.status().WithContext("chaincode '" + chaincode.name + "' (" +
                                        std::string(config::ToString(chaincode.type)) + ")");
  }
  return package;
}

}  // namespace loom::lab
