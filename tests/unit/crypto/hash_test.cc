#include "core/crypto/hash.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace loom::crypto {
namespace {

// FIPS 180-2 / NIST CSRC example vectors.
TEST(Sha256Test, NistVectors) {
  EXPECT_EQ(HexEncode(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(HexEncode(Sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, DigestIsThirtyTwoRawBytes) {
  EXPECT_EQ(Sha256("x").size(), kSha256Size);
  EXPECT_NE(Sha256("x"), Sha256("y"));
}

TEST(Sha256Test, BinaryInputWithZeros) {
  std::string with_nul("a\0b", 3);
  EXPECT_NE(Sha256(with_nul), Sha256("a"));
  EXPECT_EQ(Sha256(with_nul).size(), kSha256Size);
}

TEST(Sha256HasherTest, IncrementalMatchesOneShot) {
  Sha256Hasher hasher;
  hasher.Update("a");
  hasher.Update("");
  hasher.Update("bc");
  EXPECT_EQ(HexEncode(hasher.Finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256HasherTest, EverySplitPointGivesTheSameDigest) {
  std::string data = RandomBytes(300);
  std::string expected = Sha256(data);
  for (size_t split = 0; split <= data.size(); split += 7) {
    Sha256Hasher hasher;
    hasher.Update(std::string_view(data).substr(0, split));
    hasher.Update(std::string_view(data).substr(split));
    EXPECT_EQ(hasher.Finish(), expected) << "split at " << split;
  }
}

TEST(Sha256HasherTest, NothingFedIsTheEmptyDigest) {
  Sha256Hasher hasher;
  EXPECT_EQ(hasher.Finish(), Sha256(""));
}

TEST(Sha256Test, ThreadsAgree) {
  const std::string data(4096, 'q');
  const std::string expected = Sha256(data);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        Sha256Hasher hasher;
        hasher.Update(data);
        if (Sha256(data) != expected || hasher.Finish() != expected) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : mismatches) EXPECT_EQ(count, 0);
}

TEST(HexTest, EncodesLowercase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
}

TEST(HexTest, DecodesEitherCase) {
  Result<std::string> lower = HexDecode("0001abff");
  ASSERT_TRUE(lower.ok()) << lower.status().ToString();
  EXPECT_EQ(*lower, std::string("\x00\x01\xab\xff", 4));
  Result<std::string> upper = HexDecode("0001ABFF");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, *lower);
  Result<std::string> empty = HexDecode("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(HexTest, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  Result<std::string> decoded = HexDecode(HexEncode(all));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, all);
}

TEST(HexTest, RejectsOddLength) {
  Result<std::string> decoded = HexDecode("abc");
  ASSERT_FALSE(decoded.ok());
  EXPECT_TRUE(decoded.status().IsInvalidArgument());
  EXPECT_NE(decoded.status().message().find("odd length"), std::string::npos) << decoded.status().message();
}

TEST(HexTest, RejectsNonHexAndSaysWhere) {
  Result<std::string> decoded = HexDecode("00g1");
  ASSERT_FALSE(decoded.ok());
  EXPECT_TRUE(decoded.status().IsInvalidArgument());
  EXPECT_NE(decoded.status().message().find("'g'"), std::string::npos) << decoded.status().message();
  EXPECT_NE(decoded.status().message().find("position 2"), std::string::npos) << decoded.status().message();

  Result<std::string> control = HexDecode(std::string("0\n", 2));
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.status().message().find("0x0a"), std::string::npos) << control.status().message();
  EXPECT_FALSE(HexDecode("0x12").ok());
  EXPECT_FALSE(HexDecode(" 12 ").ok());
}

TEST(RandomBytesTest, SizeAndUniqueness) {
  EXPECT_EQ(RandomBytes(0), "");
  std::string a = RandomBytes(32);
  std::string b = RandomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);  // equal with probability 2^-256
}

}  // namespace
}  // namespace loom::crypto
