#include "core/lifecycle/package_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/util/file_util.h"

namespace loom::lifecycle {

namespace fs = std::filesystem;

Result<std::vector<TarEntry>> ReadCodeFolder(const std::string& folder) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) return Status::NotFound(folder + ": no such folder");
  std::vector<TarEntry> entries;
  fs::recursive_directory_iterator it(folder, fs::directory_options::none, error), end;
  for (; !error && it != end; it.increment(error)) {
    const fs::path& path = it->path();
    std::string relative = path.lexically_relative(folder).generic_string();
    fs::file_status status = it->symlink_status(error);
    if (error) break;
    if (fs::is_symlink(status))
      return Status::InvalidArgument(path.string() + ": symbolic links cannot go into a chaincode package");
    if (fs::is_directory(status)) {
      entries.push_back(TarEntry{relative, "", 0755, true});
      continue;
    }
    if (!fs::is_regular_file(status))
      return Status::InvalidArgument(path.string() +
                                     ": only files and folders can go into a chaincode package");
    LOOM_ASSIGN_OR_RETURN(std::string content, ReadFile(path.string()));
    bool executable = (status.permissions() & fs::perms::owner_exec) != fs::perms::none;
    entries.push_back(TarEntry{relative, std::move(content), executable ? 0755u : 0644u, false});
  }
  if (error) return Status::IoError(folder + ": " + error.message());
  std::sort(entries.begin(), entries.end(),
            [](const TarEntry& a, const TarEntry& b) { return a.path < b.path; });
  return entries;
}

Status ExtractCode(const std::vector<TarEntry>& code, const std::string& folder) {
  LOOM_RETURN_IF_ERROR(MakeDirectories(folder));
  for (const TarEntry& entry : code) {
    LOOM_RETURN_IF_ERROR(ValidateArchivePath(entry.path).WithContext("'" + entry.path + "'"));
    fs::path target = fs::path(folder) / entry.path;
    std::error_code error;
    if (entry.is_directory) {
      fs::create_directories(target, error);
      if (error) return Status::IoError(target.string() + ": " + error.message());
      continue;
    }
    fs::create_directories(target.parent_path(), error);
    if (error) return Status::IoError(target.parent_path().string() + ": " + error.message());
    LOOM_RETURN_IF_ERROR(
        WriteFileAtomically(target.string(), entry.content, (entry.mode & 0111) ? 0755 : 0644));
  }
  return Status::Ok();
}

}  // namespace loom::lifecycle
