// `loomctl block ...` end to end: the real binary, its output and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "core/protocol/block.h"
#include "core/protocol/block_file.h"
#include "test_support.h"

namespace loom::protocol {
namespace {

struct CommandRun {
  int exit_code;
  std::string output;  // stdout and stderr together
};

CommandRun Loomctl(const std::string& args) {
  std::string command = std::string(LOOMCTL_PATH) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

size_t LineCount(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(BlockCommandTest, UsageErrorsExitTwoWithAUsageLine) {
  for (const std::string args : {"block", "block frobnicate", "block decode", "block decode a b",
                                 "block decode x --yaml", "block verify"}) {
    CommandRun run = Loomctl(args);
    EXPECT_EQ(run.exit_code, 2) << args << "\n" << run.output;
    EXPECT_NE(run.output.find("usage: loomctl block decode FILE [--json]"), std::string::npos) << run.output;
  }
}

TEST(BlockCommandTest, UnreadableOrGarbageFileIsOneLineNamingTheFile) {
  testing::TempDir dir;
  CommandRun missing = Loomctl("block decode " + dir.File("nope.block"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(LineCount(missing.output), 1u) << missing.output;
  EXPECT_NE(missing.output.find("nope.block"), std::string::npos);

  {
    std::ofstream out(dir.File("junk.block"), std::ios::binary);
    out << "\x0a\xff\xff\xff\xff this is not a block";
  }
  for (const std::string sub : {"decode", "verify"}) {
    CommandRun junk = Loomctl("block " + sub + " " + dir.File("junk.block"));
    EXPECT_EQ(junk.exit_code, 1) << junk.output;
    EXPECT_EQ(LineCount(junk.output), 1u) << junk.output;
    EXPECT_NE(junk.output.find("junk.block: not a common.Block"), std::string::npos) << junk.output;
  }
}

TEST(BlockCommandTest, DecodePrintsTextOrJson) {
  testing::TempDir dir;
  common::Block block = NewBlock(42, "", {});
  ASSERT_TRUE(WriteBlockFile(dir.File("b.block"), block).ok());
  CommandRun text = Loomctl("block decode " + dir.File("b.block"));
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(text.output.rfind("block\n  header\n    number: 42\n", 0), 0u) << text.output;
  CommandRun json = Loomctl("block decode --json " + dir.File("b.block"));
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(json.output.rfind("{\n  \"block\": {", 0), 0u) << json.output;
  EXPECT_NE(json.output.find("\"number\": 42"), std::string::npos) << json.output;
}

TEST(BlockCommandTest, VerifyReportsFabricSampleResults) {
  LOOM_REQUIRE_FABRIC_BLOCKS();
  CommandRun good = Loomctl("block verify " + testing::FabricBlocksDir() + "/sample_prod");
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_EQ(good.output, "8 blocks verified: no faults\n");

  CommandRun bad = Loomctl("block verify " + testing::FabricBlocksDir() + "/sample_bad_ledger");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_EQ(bad.output,
            "block 0: DataHash mismatch\nblock 1: PreviousHash mismatch\n10 blocks verified: 2 faults\n");

  CommandRun decoded = Loomctl("block decode " + testing::FabricBlocksDir() + "/sample_prod/block3.block");
  EXPECT_EQ(decoded.exit_code, 0);
  EXPECT_NE(decoded.output.find("channel_id: \"mychannel\""), std::string::npos);
}

TEST(BlockCommandTest, VerifyOfEmptyFolderFails) {
  testing::TempDir dir;
  CommandRun run = Loomctl("block verify " + dir.path().string());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("no .block files"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace loom::protocol
