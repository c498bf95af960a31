// The tar reader/writer and gzip: round trips, and every kind of hostile
// archive refused with a message naming the entry.
#include <gtest/gtest.h>

#include <cstring>

#include "core/lifecycle/gzip.h"
#include "core/lifecycle/tar.h"

namespace loom::lifecycle {
namespace {

std::string Tar(const std::vector<TarEntry>& entries) {
  auto bytes = WriteTar(entries);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

// Rewrites one header field of the entry whose header starts at
// `header_offset`, then fixes the header checksum.
std::string Patch(std::string tar, size_t header_offset, size_t field_offset, const std::string& bytes,
                  bool fix_checksum = true) {
  std::memcpy(tar.data() + header_offset + field_offset, bytes.data(), bytes.size());
  if (!fix_checksum) return tar;
  uint64_t sum = 0;
  for (size_t i = 0; i < 512; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(tar[header_offset + i]);
  char checksum[8];
  std::snprintf(checksum, sizeof(checksum), "%06o", static_cast<unsigned>(sum));
  std::memcpy(tar.data() + header_offset + 148, checksum, 7);
  return tar;
}

std::string ExpectRefused(const std::string& tar, const TarLimits& limits = {}) {
  auto read = ReadTar(tar, limits);
  EXPECT_FALSE(read.ok());
  if (read.ok()) return std::string();
  EXPECT_TRUE(read.status().IsInvalidArgument());
  return read.status().message();
}

TEST(Tar, RoundTripKeepsFilesFoldersModesAndLongPaths) {
  std::string long_dir = std::string(80, 'd') + "/" + std::string(60, 'e');
  std::vector<TarEntry> entries = {
      {"src", "", 0755, true},
      {"src/main.go", "package main\n", 0644, false},
      {"bin/cc", std::string(1000, '\x7f'), 0755, false},
      {long_dir + "/file.txt", "long", 0600, false},
      {"empty", "", 0644, false},
  };
  std::string bytes = Tar(entries);
  EXPECT_EQ(bytes.size() % 512, 0u);
  EXPECT_EQ(bytes, Tar(entries));  // deterministic
  auto read = ReadTar(bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ((*read)[i].path, entries[i].path);
    EXPECT_EQ((*read)[i].content, entries[i].content);
    EXPECT_EQ((*read)[i].mode, entries[i].mode);
    EXPECT_EQ((*read)[i].is_directory, entries[i].is_directory);
  }
}

TEST(Tar, DotComponentsAreNormalized) {
  std::string bytes = Tar({{"a/b", "x"}});
  auto read = ReadTar(Patch(bytes, 0, 0, std::string("./a//b\0", 7)));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->at(0).path, "a/b");
}

TEST(Tar, HostileEntriesAreRefused) {
  std::string bytes = Tar({{"ok.txt", "hello"}, {"name.txt", "world"}});
  const size_t second = 1024;  // "ok.txt" takes a header and one content block
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 0, std::string("/etc/passwd\0", 12)))
                .find("entry 1 '/etc/passwd': absolute path"),
            std::string::npos);
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 0, std::string("a/../../x\0", 10))).find("'..'"),
            std::string::npos);
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 156, "2")).find("a symbolic link"), std::string::npos);
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 156, "1")).find("a hard link"), std::string::npos);
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 156, "3")).find("a device"), std::string::npos);
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 156, "x")).find("PAX/GNU"), std::string::npos);
  EXPECT_NE(
      ExpectRefused(Patch(bytes, second, 0, std::string("ok.txt\0", 7))).find("the same file appears twice"),
      std::string::npos);
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 0, "X", /*fix_checksum=*/false)).find("checksum mismatch"),
            std::string::npos);
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 124, "00000010000")).find("truncated content"),
            std::string::npos);
  EXPECT_NE(ExpectRefused(Patch(bytes, second, 124, "12345678x\0")).find("not an octal number"),
            std::string::npos);
  EXPECT_NE(ExpectRefused(bytes.substr(0, second + 300)).find("entry 1: truncated header"),
            std::string::npos);
  EXPECT_NE(ExpectRefused(bytes, TarLimits{4, 1 << 20, 100}).find("exceeds the limit of 4"),
            std::string::npos);
  EXPECT_NE(ExpectRefused(bytes, TarLimits{100, 8, 100}).find("archive content exceeds"), std::string::npos);
  EXPECT_NE(ExpectRefused(bytes, TarLimits{100, 100, 1}).find("more than 1 entries"), std::string::npos);
  EXPECT_NE(ExpectRefused(std::string(512, 'x')).find("not a tar archive"), std::string::npos);
}

TEST(Tar, WriterRefusesPathsTheReaderWould) {
  EXPECT_FALSE(WriteTar({{"/abs", "x"}}).ok());
  EXPECT_FALSE(WriteTar({{"a/../b", "x"}}).ok());
  EXPECT_FALSE(WriteTar({{std::string(300, 'a'), "x"}}).ok());  // no '/' to split at
  EXPECT_TRUE(ValidateArchivePath("a/b").ok());
  EXPECT_FALSE(ValidateArchivePath(".").ok());
}

TEST(Gzip, RoundTripAndRefusals) {
  std::string data;
  for (int i = 0; i < 10000; ++i) data += std::to_string(i);
  std::string compressed = Gzip(data).value();
  EXPECT_LT(compressed.size(), data.size());
  EXPECT_EQ(Gunzip(compressed, 1 << 20).value(), data);
  EXPECT_EQ(Gunzip(Gzip("").value(), 10).value(), "");

  EXPECT_NE(Gunzip("plain text", 100).status().message().find("not gzip"), std::string::npos);
  EXPECT_NE(Gunzip(compressed.substr(0, compressed.size() / 2), 1 << 20).status().message().find("truncated"),
            std::string::npos);
  EXPECT_NE(Gunzip(compressed + "junk", 1 << 20).status().message().find("bytes after the stream"),
            std::string::npos);
  std::string corrupt = compressed;
  corrupt[20] = static_cast<char>(corrupt[20] ^ 0x55);
  corrupt[21] = static_cast<char>(corrupt[21] ^ 0x55);
  EXPECT_FALSE(Gunzip(corrupt, 1 << 20).ok());
  // A bomb: 64 MiB of zeros compresses to ~64 KiB; the limit stops it early.
  std::string bomb = Gzip(std::string(64 << 20, '\0')).value();
  EXPECT_NE(Gunzip(bomb, 1 << 20).status().message().find("beyond the limit"), std::string::npos);
}

}  // namespace
}  // namespace loom::lifecycle
