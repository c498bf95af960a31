#include "core/cryptogen/file_tree.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/util/file_util.h"

namespace loom::cryptogen {
namespace {

namespace fs = std::filesystem;

// Removes a temporary folder unless released.
class TempFolder {
 public:
  explicit TempFolder(fs::path path) : path_(std::move(path)) {}
  ~TempFolder() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Status FsyncPath(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path.string() + ": cannot open to sync: " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IoError(path.string() + ": fsync failed: " + std::strerror(errno));
  return Status::Ok();
}

// Swaps `from` into `to`: an atomic exchange when `to` exists (the old folder
// ends up at `from`), a plain rename otherwise. File systems without
// RENAME_EXCHANGE get two renames (the old folder moved aside first).
Status SwapIn(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::exists(to, ec)) {
    if (::rename(from.c_str(), to.c_str()) == 0) return Status::Ok();
    return Status::IoError(to.string() + ": cannot move the new folder into place: " + std::strerror(errno));
  }
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) return Status::Ok();
  if (errno != EINVAL && errno != ENOSYS) {
    return Status::IoError(to.string() + ": cannot swap the new folder into place: " + std::strerror(errno));
  }
  fs::path aside = from;
  aside += ".old";
  if (::rename(to.c_str(), aside.c_str()) != 0) {
    return Status::IoError(to.string() + ": cannot move the old folder aside: " + std::strerror(errno));
  }
  if (::rename(from.c_str(), to.c_str()) != 0) {
    std::string error = std::strerror(errno);
    ::rename(aside.c_str(), to.c_str());
    return Status::IoError(to.string() + ": cannot move the new folder into place: " + error);
  }
  // Leave the old folder where the caller's clean-up removes it.
  ::rename(aside.c_str(), from.c_str());
  return Status::Ok();
}

}  // namespace

Result<bool> TreeDiffers(const FileTree& tree, const std::string& dir) {
  for (const auto& folder : tree.directories) {
    std::error_code ec;
    if (!fs::is_directory(fs::path(dir) / folder, ec)) return true;
  }
  for (const auto& [relative, file] : tree.files) {
    fs::path path = fs::path(dir) / relative;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return true;
    if ((info.st_mode & 07777) != file.mode) return true;
    auto content = ReadFile(path.string());
    if (!content.ok()) return content.status();
    if (*content != file.content) return true;
  }
  return false;
}

Status InstallTree(const FileTree& tree, const std::string& dir, InstallMode mode) {
  fs::path target = fs::absolute(fs::path(dir)).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  LOOM_RETURN_IF_ERROR(MakeDirectories(target.parent_path().string()));
  std::random_device random;
  TempFolder temp(target.parent_path() / ("." + target.filename().string() + ".tmp-" +
                                          std::to_string(::getpid()) + "-" + std::to_string(random())));
  std::error_code ec;
  if (mode == InstallMode::kMerge && fs::exists(target, ec)) {
    fs::copy(target, temp.path(), fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec)
      return Status::IoError(target.string() + ": cannot copy to " + temp.path().string() + ": " +
                             ec.message());
  } else {
    LOOM_RETURN_IF_ERROR(MakeDirectories(temp.path().string()));
  }
  for (const auto& folder : tree.directories)
    LOOM_RETURN_IF_ERROR(MakeDirectories((temp.path() / folder).string()));
  for (const auto& [relative, file] : tree.files) {
    fs::path path = temp.path() / relative;
    LOOM_RETURN_IF_ERROR(WriteFileAtomically(path.string(), file.content, file.mode));
    // The umask may have narrowed the mode; the tree's mode is the contract.
    if (::chmod(path.c_str(), file.mode) != 0) {
      return Status::IoError(path.string() + ": chmod failed: " + std::strerror(errno));
    }
  }
  LOOM_RETURN_IF_ERROR(FsyncPath(temp.path()));
  LOOM_RETURN_IF_ERROR(SwapIn(temp.path(), target));
  LOOM_RETURN_IF_ERROR(FsyncPath(target.parent_path()));
  // After an exchange the temporary path holds the old folder, which the
  // TempFolder guard removes; after a rename nothing is left there.
  return Status::Ok();
}

}  // namespace loom::cryptogen
