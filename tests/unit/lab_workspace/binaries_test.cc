#include "app/lab/binaries.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"

namespace loom::lab {
namespace {

using loom::testing::TempDir;

// Restores LOOM_BIN_DIR when a test is done.
class BinDirOverride {
 public:
  explicit BinDirOverride(const std::string& dir) {
    if (const char* old = std::getenv("LOOM_BIN_DIR")) old_ = old;
    ::setenv("LOOM_BIN_DIR", dir.c_str(), 1);
  }
  ~BinDirOverride() {
    if (old_.empty()) {
      ::unsetenv("LOOM_BIN_DIR");
    } else {
      ::setenv("LOOM_BIN_DIR", old_.c_str(), 1);
    }
  }

 private:
  std::string old_;
};

TEST(BinariesTest, OverrideFolderComesFirst) {
  TempDir dir("lab-bin");
  ASSERT_TRUE(WriteFileAtomically(dir.File("loom-chaincode-demo"), "#!/bin/sh\n", 0755).ok());
  BinDirOverride override_dir(dir.path().string());
  Result<std::string> found = FindBinary("loom-chaincode-demo");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, dir.File("loom-chaincode-demo"));
  // A scenario path "chaincode/demo" names the sample.
  Result<std::string> native = FindNativeChaincode("chaincode/demo", {});
  ASSERT_TRUE(native.ok()) << native.status().ToString();
  EXPECT_EQ(*native, dir.File("loom-chaincode-demo"));
}

TEST(BinariesTest, BuildTreeLayoutIsACandidate) {
  std::vector<std::string> candidates = BinaryCandidates("loom-chaincode-assets");
  bool build_tree = false;
  for (const std::string& candidate : candidates) {
    build_tree = build_tree || candidate.find("/chaincode/assets/loom-chaincode-assets") != std::string::npos;
  }
  EXPECT_TRUE(build_tree);  // the test runs from the build tree
  bool peer = false;
  for (const std::string& candidate : BinaryCandidates("loom-peer")) {
    peer = peer || candidate.find("/nodes/peer/loom-peer") != std::string::npos;
  }
  EXPECT_TRUE(peer);
  EXPECT_FALSE(SourceTreeOfBuild().empty());
}

TEST(BinariesTest, MissingBinaryNamesItAndThePlacesLookedAt) {
  TempDir dir("lab-bin");
  BinDirOverride override_dir(dir.path().string());
  Result<std::string> found = FindBinary("loom-no-such-program");
  ASSERT_FALSE(found.ok());
  EXPECT_TRUE(found.status().IsNotFound());
  EXPECT_NE(found.status().message().find("loom-no-such-program"), std::string::npos);
  EXPECT_NE(found.status().message().find(dir.path().string()), std::string::npos);
  EXPECT_NE(found.status().message().find("LOOM_BIN_DIR"), std::string::npos);
}

TEST(BinariesTest, NonExecutableFileIsNotTaken) {
  TempDir dir("lab-bin");
  ASSERT_TRUE(WriteFileAtomically(dir.File("loom-plain"), "data", 0644).ok());
  BinDirOverride override_dir(dir.path().string());
  EXPECT_FALSE(FindBinary("loom-plain").ok());
}

TEST(BinariesTest, ResolveSourcePathTriesBasesInOrder) {
  TempDir first("lab-src");
  TempDir second("lab-src");
  ASSERT_TRUE(WriteFileAtomically(second.File("thing.txt"), "x").ok());
  Result<std::string> found = ResolveSourcePath("thing.txt", {first.path().string(), second.path().string()});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, second.File("thing.txt"));
  Result<std::string> missing = ResolveSourcePath("nope.txt", {first.path().string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(first.File("nope.txt")), std::string::npos);
}

}  // namespace
}  // namespace loom::lab
