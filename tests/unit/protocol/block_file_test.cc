#include "core/protocol/block_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/protocol/block.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/block_verify.h"
#include "test_support.h"
#include "test_transactions.h"

namespace loom::protocol {
namespace {

void WriteRaw(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

class BlockFileTest : public ::testing::Test {
 protected:
  common::Block SignedBlock() {
    common::Block block = NewBlock(0, "", {testing::BuildEndorserTransaction(client_, {&client_})});
    EXPECT_TRUE(SignBlock(&block, *orderer_.signer, 0).ok());
    return block;
  }

  testing::TempDir dir_;
  testing::TestIdentity client_ = testing::MakeTestIdentity("Org1MSP", "peer0.org1.example.com");
  testing::TestIdentity orderer_ = testing::MakeTestIdentity("OrdererMSP", "orderer.example.com");
};

TEST_F(BlockFileTest, SignedBlockRoundTripsThroughAFileAndStillVerifies) {
  common::Block block = SignedBlock();
  std::string path = dir_.File("sub/dir/block0.block");
  ASSERT_TRUE(WriteBlockFile(path, block).ok());
  auto read = ReadBlockFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->SerializeAsString(), block.SerializeAsString());
  EXPECT_TRUE(VerifyBlock(*read, std::string()).empty());
  // Nothing but the block is left in the folder (the temp file was renamed).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.File("sub/dir")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(BlockFileTest, ErrorsNameTheFile) {
  auto missing = ReadBlockFile(dir_.File("missing.block"));
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("missing.block"), std::string::npos);

  WriteRaw(dir_.File("garbage.block"), "\xff\xff\xff\xff garbage");
  auto garbage = ReadBlockFile(dir_.File("garbage.block"));
  EXPECT_TRUE(garbage.status().IsInvalidArgument());
  EXPECT_NE(garbage.status().message().find("garbage.block: not a common.Block"), std::string::npos)
      << garbage.status().message();

  WriteRaw(dir_.File("empty.block"), "");
  auto empty = ReadBlockFile(dir_.File("empty.block"));
  EXPECT_NE(empty.status().message().find("empty.block: empty file"), std::string::npos);

  auto folder = ReadBlockFile(dir_.path().string());
  EXPECT_FALSE(folder.ok());
}

// The acceptance check from the issue: Fabric's protoc definitions decode a
// block Loom wrote.
TEST_F(BlockFileTest, ProtocDecodesABlockWrittenByLoom) {
  if (std::system("protoc --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "protoc not found";
  std::string protos = LOOM_FABRIC_PROTOS_DIR;
  if (!std::filesystem::exists(protos + "/common/common.proto"))
    GTEST_SKIP() << "no Fabric protos at " << protos;
  std::string path = dir_.File("loom.block");
  ASSERT_TRUE(WriteBlockFile(path, SignedBlock()).ok());
  std::string out = dir_.File("decoded.txt");
  std::string command = "protoc --decode=common.Block -I '" + protos + "' common/common.proto < '" + path +
                        "' > '" + out + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(out);
  std::string decoded((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(decoded.find("header {"), std::string::npos) << decoded;
  EXPECT_NE(decoded.find("data_hash:"), std::string::npos) << decoded;
  EXPECT_NE(decoded.find("metadata {"), std::string::npos) << decoded;
}

TEST(FrameTest, FramesRoundTripAcrossVarintLengthBoundaries) {
  std::vector<std::string> records = {
      "", "a", std::string(127, 'b'), std::string(128, 'c'), std::string(300, 'd'), std::string(70000, 'e')};
  std::string buffer;
  for (const std::string& record : records) buffer += EncodeFrame(record);
  DecodedFrames frames = DecodeFrames(buffer);
  EXPECT_TRUE(frames.tail.ok());
  EXPECT_EQ(frames.valid_bytes, buffer.size());
  ASSERT_EQ(frames.records.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(frames.records[i], records[i]) << i;
}

TEST(FrameTest, LengthIsAProtobufVarint) {
  EXPECT_EQ(EncodeFrame("xy"), std::string("\x02xy"));
  EXPECT_EQ(EncodeFrame(std::string(300, 'z')).substr(0, 2), std::string("\xac\x02"));
}

TEST(FrameTest, TruncatedTailIsReportedAfterTheWholeFrames) {
  std::string buffer = EncodeFrame("first") + EncodeFrame("second");
  std::string truncated = buffer.substr(0, buffer.size() - 3);
  DecodedFrames frames = DecodeFrames(truncated);
  ASSERT_EQ(frames.records.size(), 1u);
  EXPECT_EQ(frames.records[0], "first");
  EXPECT_EQ(frames.valid_bytes, EncodeFrame("first").size());
  EXPECT_TRUE(frames.tail.IsCorruption());
  EXPECT_NE(frames.tail.message().find("offset 6: truncated, needs 6 bytes, has 3"), std::string::npos)
      << frames.tail.message();
}

TEST(FrameTest, CorruptOrUnfinishedLengthIsReported) {
  DecodedFrames endless = DecodeFrames(EncodeFrame("ok") + std::string(12, '\xff'));
  EXPECT_EQ(endless.records.size(), 1u);
  EXPECT_NE(endless.tail.message().find("corrupt length"), std::string::npos) << endless.tail.message();

  DecodedFrames unfinished = DecodeFrames(std::string("\x80\x80", 2));
  EXPECT_TRUE(unfinished.records.empty());
  EXPECT_NE(unfinished.tail.message().find("truncated length"), std::string::npos);

  DecodedFrames huge = DecodeFrames(std::string("\xff\xff\xff\xff\xff\xff\x01", 7));
  EXPECT_NE(huge.tail.message().find("corrupt length"), std::string::npos) << huge.tail.message();

  DecodedFrames empty = DecodeFrames("");
  EXPECT_TRUE(empty.tail.ok());
  EXPECT_EQ(empty.valid_bytes, 0u);
}

}  // namespace
}  // namespace loom::protocol
