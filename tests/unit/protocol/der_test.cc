#include "core/protocol/der.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/crypto/hash.h"
#include "core/protocol/block_header.h"
#include "test_support.h"

namespace loom::protocol {
namespace {

std::string Hex(const std::string& bytes) {
  return crypto::HexEncode(bytes);
}

TEST(DerTest, IntegerUsesMinimalTwosComplement) {
  EXPECT_EQ(Hex(der::EncodeInteger(0)), "020100");
  EXPECT_EQ(Hex(der::EncodeInteger(1)), "020101");
  EXPECT_EQ(Hex(der::EncodeInteger(127)), "02017f");
  EXPECT_EQ(Hex(der::EncodeInteger(128)), "02020080");
  EXPECT_EQ(Hex(der::EncodeInteger(255)), "020200ff");
  EXPECT_EQ(Hex(der::EncodeInteger(256)), "02020100");
  EXPECT_EQ(Hex(der::EncodeInteger(32767)), "02027fff");
  EXPECT_EQ(Hex(der::EncodeInteger(32768)), "0203008000");
  EXPECT_EQ(Hex(der::EncodeInteger(uint64_t{1} << 32)), "02050100000000");
  EXPECT_EQ(Hex(der::EncodeInteger(INT64_MAX)), "02087fffffffffffffff");
}

TEST(DerTest, IntegerAtOrAboveTwoToThe63KeepsALeadingZero) {
  EXPECT_EQ(Hex(der::EncodeInteger(uint64_t{1} << 63)), "0209008000000000000000");
  EXPECT_EQ(Hex(der::EncodeInteger(UINT64_MAX)), "020900ffffffffffffffff");
}

TEST(DerTest, LengthsSwitchToLongFormAt128) {
  EXPECT_EQ(Hex(der::EncodeHeader(0x04, 0)), "0400");
  EXPECT_EQ(Hex(der::EncodeHeader(0x04, 127)), "047f");
  EXPECT_EQ(Hex(der::EncodeHeader(0x04, 128)), "048180");
  EXPECT_EQ(Hex(der::EncodeHeader(0x04, 255)), "0481ff");
  EXPECT_EQ(Hex(der::EncodeHeader(0x04, 256)), "04820100");
  EXPECT_EQ(Hex(der::EncodeHeader(0x30, 70000)), "3083011170");
}

TEST(DerTest, OctetStringAndSequence) {
  EXPECT_EQ(Hex(der::EncodeOctetString("")), "0400");
  EXPECT_EQ(Hex(der::EncodeOctetString("ab")), "04026162");
  EXPECT_EQ(Hex(der::EncodeSequence(der::EncodeInteger(5))), "3003020105");
}

TEST(BlockHeaderBytesTest, MatchesAHandWrittenEncoding) {
  common::BlockHeader header;
  header.set_number(1);
  header.set_previous_hash(std::string(32, '\x11'));
  header.set_data_hash(std::string(32, '\x22'));
  // 3 + 34 + 34 = 71 = 0x47 content bytes.
  std::string expected =
      "3047"
      "020101"
      "0420" +
      std::string(64, '1') + "0420" + std::string(64, '2');
  EXPECT_EQ(Hex(BlockHeaderBytes(header)), expected);
}

TEST(BlockHeaderBytesTest, GenesisHeaderHasAnEmptyPreviousHash) {
  common::BlockHeader header;
  header.set_data_hash(std::string(32, '\x33'));
  EXPECT_EQ(Hex(BlockHeaderBytes(header)),
            "3027"
            "020100"
            "0400"
            "0420" +
                std::string(64, '3'));
}

// openssl's own DER parser must accept what we write, including long-form
// lengths and the leading zero of large numbers.
TEST(BlockHeaderBytesTest, OpensslParsesTheEncoding) {
  if (std::system("openssl version > /dev/null 2>&1") != 0) GTEST_SKIP() << "openssl command not found";
  testing::TempDir dir;
  common::BlockHeader header;
  header.set_number(UINT64_MAX);
  header.set_previous_hash(std::string(200, '\x01'));
  header.set_data_hash(std::string(32, '\x02'));
  {
    std::ofstream out(dir.File("header.der"), std::ios::binary);
    out << BlockHeaderBytes(header);
  }
  std::string command = "openssl asn1parse -inform DER -in " + dir.File("header.der") + " > " +
                        dir.File("parsed.txt") + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(dir.File("parsed.txt"));
  std::string parsed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(parsed.find("INTEGER           :FFFFFFFFFFFFFFFF"), std::string::npos) << parsed;
  EXPECT_NE(parsed.find("l= 200 prim: OCTET STRING"), std::string::npos) << parsed;
}

}  // namespace
}  // namespace loom::protocol
