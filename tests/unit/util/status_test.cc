#include "core/util/status.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/util/file_util.h"

namespace loom {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Status::InvalidArgument("value must be positive, got " + std::to_string(v));
  return v;
}

Result<int> Doubled(int v) {
  LOOM_ASSIGN_OR_RETURN(int parsed, ParsePositive(v));
  return parsed * 2;
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Status::NotFound("block 7");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "NotFound: block 7");
  EXPECT_EQ(s.WithContext("ledger").message(), "ledger: block 7");
}

TEST(StatusTest, ResultPropagates) {
  auto good = Doubled(4);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 8);
  auto bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("-1"), std::string::npos);
}

TEST(FileUtilTest, AtomicWriteThenRead) {
  auto dir = std::filesystem::temp_directory_path() / ("loom-file-util-" + std::to_string(::getpid()));
  std::string path = (dir / "a" / "b.txt").string();
  ASSERT_TRUE(WriteFileAtomically(path, "hello").ok());
  auto read = ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "hello");
  EXPECT_TRUE(ReadFile((dir / "missing").string()).status().IsNotFound());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace loom
