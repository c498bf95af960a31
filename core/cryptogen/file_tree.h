// FileTree: a folder's intended content held in memory, and how to put it on
// disk all at once.
//
// Cryptogen computes each org's whole folder first, then installs it: the
// tree is written into a temporary folder beside the target and swapped in
// with one rename, so a reader (or a crash) sees the old folder or the new
// one, never a mix. Not thread-safe for concurrent installs into one target.
#pragma once

#include <map>
#include <set>
#include <string>

#include "core/util/status.h"

namespace loom::cryptogen {

struct FileTree {
  struct File {
    std::string content;
    unsigned mode = 0644;
  };
  std::map<std::string, File> files;  // path relative to the tree's root → file
  std::set<std::string> directories;  // relative paths of folders that must exist (possibly empty)

  void AddFile(const std::string& path, std::string content, unsigned mode = 0644) {
    files[path] = File{std::move(content), mode};
  }
};

// True when installing `tree` into `dir` would change something: a file is
// missing, differs in content or permission bits, or a folder is missing.
// Files on disk that the tree does not mention do not count.
Result<bool> TreeDiffers(const FileTree& tree, const std::string& dir);

enum class InstallMode {
  kMerge,    // start from a copy of the existing folder: files outside the tree stay
  kReplace,  // the folder becomes exactly the tree
};

// Installs `tree` as `dir` (created with its parents if missing) through a
// temporary sibling folder and an atomic swap. On failure `dir` is left as
// it was and the temporary folder is removed.
Status InstallTree(const FileTree& tree, const std::string& dir, InstallMode mode);

}  // namespace loom::cryptogen
