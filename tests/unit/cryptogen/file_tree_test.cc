// FileTree: diffing against disk and installing all-or-nothing.
#include "core/cryptogen/file_tree.h"

#include <gtest/gtest.h>

#include "tests/unit/cryptogen/test_support.h"

namespace loom::cryptogen {
namespace {

namespace fs = std::filesystem;
using testing::ReadAll;
using testing::Snapshot;
using testing::TempDir;

FileTree SampleTree() {
  FileTree tree;
  tree.AddFile("a/cert.pem", "certificate");
  tree.AddFile("a/keystore/priv_sk", "key", 0600);
  tree.directories.insert("a/admincerts");
  return tree;
}

TEST(FileTreeTest, InstallsAndThenReportsNoDifference) {
  TempDir temp;
  fs::path target = temp.path() / "org";
  FileTree tree = SampleTree();
  EXPECT_TRUE(*TreeDiffers(tree, target.string()));
  ASSERT_TRUE(InstallTree(tree, target.string(), InstallMode::kMerge).ok());
  EXPECT_EQ(ReadAll(target / "a/cert.pem"), "certificate");
  EXPECT_EQ(fs::status(target / "a/keystore/priv_sk").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_TRUE(fs::is_directory(target / "a/admincerts"));
  EXPECT_FALSE(*TreeDiffers(tree, target.string()));

  fs::permissions(target / "a/keystore/priv_sk", fs::perms::owner_read | fs::perms::group_read);
  EXPECT_TRUE(*TreeDiffers(tree, target.string()));  // a widened key mode counts
  tree.AddFile("a/cert.pem", "new certificate");
  EXPECT_TRUE(*TreeDiffers(tree, target.string()));
}

TEST(FileTreeTest, MergeKeepsOtherFilesReplaceDropsThem) {
  TempDir temp;
  fs::path target = temp.path() / "org";
  ASSERT_TRUE(InstallTree(SampleTree(), target.string(), InstallMode::kMerge).ok());
  std::ofstream(target / "extra.txt") << "mine";
  FileTree update = SampleTree();
  update.AddFile("a/cert.pem", "renewed");
  ASSERT_TRUE(InstallTree(update, target.string(), InstallMode::kMerge).ok());
  EXPECT_EQ(ReadAll(target / "extra.txt"), "mine");
  EXPECT_EQ(ReadAll(target / "a/cert.pem"), "renewed");
  ASSERT_TRUE(InstallTree(update, target.string(), InstallMode::kReplace).ok());
  EXPECT_FALSE(fs::exists(target / "extra.txt"));
  // Nothing but the target is left beside it.
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(temp.path())) {
    EXPECT_EQ(entry.path(), target);
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(FileTreeTest, FailedInstallLeavesTheFolderAsItWas) {
  TempDir temp;
  fs::path target = temp.path() / "org";
  ASSERT_TRUE(InstallTree(SampleTree(), target.string(), InstallMode::kMerge).ok());
  fs::create_directories(target / "a/blocker/child");  // a folder where the new tree wants a file
  auto before = Snapshot(target);
  FileTree broken = SampleTree();
  broken.AddFile("a/cert.pem", "would change");
  broken.AddFile("a/blocker", "cannot replace a folder");
  Status status = InstallTree(broken, target.string(), InstallMode::kMerge);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("blocker"), std::string::npos) << status.ToString();
  EXPECT_EQ(Snapshot(target), before);
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(temp.path())) {
    EXPECT_EQ(entry.path(), target);
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

}  // namespace
}  // namespace loom::cryptogen
