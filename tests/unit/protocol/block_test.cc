#include "core/protocol/block.h"

#include <gtest/gtest.h>

#include "core/crypto/hash.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/envelope.h"
#include "test_support.h"

namespace loom::protocol {
namespace {

class BlockTest : public ::testing::Test {
 protected:
  std::string SignedEnvelope(const std::string& data) {
    auto envelope = CreateSignedEnvelope(common::ENDORSER_TRANSACTION, "mychannel", *client_.signer, data);
    EXPECT_TRUE(envelope.ok());
    return envelope->SerializeAsString();
  }

  testing::TestIdentity client_ = testing::MakeTestIdentity("Org1MSP", "user1.org1.example.com");
  testing::TestIdentity orderer_ = testing::MakeTestIdentity("OrdererMSP", "orderer.example.com");
};

TEST_F(BlockTest, DataHashIsSha256OfTheConcatenatedData) {
  common::BlockData data;
  data.add_data("abc");
  data.add_data("def");
  EXPECT_EQ(ComputeDataHash(data), crypto::Sha256("abcdef"));
  EXPECT_EQ(ComputeDataHash(common::BlockData()), crypto::Sha256(""));
}

TEST_F(BlockTest, NewBlockFillsHeaderDataAndFiveMetadataSlots) {
  std::string first = SignedEnvelope("one");
  std::string second = SignedEnvelope("two");
  common::Block block = NewBlock(7, "prev-hash", {first, second});
  EXPECT_EQ(block.header().number(), 7u);
  EXPECT_EQ(block.header().previous_hash(), "prev-hash");
  ASSERT_EQ(block.data().data_size(), 2);
  EXPECT_EQ(block.data().data(1), second);
  EXPECT_EQ(block.header().data_hash(), crypto::Sha256(first + second));
  EXPECT_EQ(block.metadata().metadata_size(), kBlockMetadataSlotCount);
}

TEST_F(BlockTest, EnsureMetadataSlotsKeepsExistingSlots) {
  common::Block block;
  block.mutable_metadata()->add_metadata("first");
  EnsureMetadataSlots(&block);
  ASSERT_EQ(block.metadata().metadata_size(), 5);
  EXPECT_EQ(block.metadata().metadata(0), "first");
  EnsureMetadataSlots(&block);
  EXPECT_EQ(block.metadata().metadata_size(), 5);
}

TEST_F(BlockTest, OrdererSignatureVerifiesAndRecordsLastConfig) {
  common::Block block = NewBlock(3, "prev", {SignedEnvelope("x")});
  ASSERT_TRUE(SignBlock(&block, *orderer_.signer, 2).ok());
  EXPECT_TRUE(CheckOrdererSignatures(block).empty());
  auto last_config = LastConfigIndex(block);
  ASSERT_TRUE(last_config.ok());
  EXPECT_EQ(*last_config, 2u);

  auto set = BlockSignatureSet(block);
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->size(), 1u);
  EXPECT_EQ((*set)[0].identity, orderer_.serialized);
  auto metadata = BlockSignaturesMetadata(block);
  ASSERT_TRUE(metadata.ok());
  // The signature covers value || signature_header || header bytes.
  EXPECT_EQ((*set)[0].data, metadata->value() + metadata->signatures(0).signature_header() +
                                BlockHeaderBytes(block.header()));
  EXPECT_TRUE(orderer_.key.public_key().Verify((*set)[0].data, (*set)[0].signature).ok());
}

TEST_F(BlockTest, SecondSignerAppendsWhileAChangedValueReplaces) {
  testing::TestIdentity second = testing::MakeTestIdentity("OrdererMSP", "orderer2.example.com");
  common::Block block = NewBlock(1, "prev", {SignedEnvelope("x")});
  ASSERT_TRUE(SignBlock(&block, *orderer_.signer, 0).ok());
  ASSERT_TRUE(SignBlock(&block, *second.signer, 0).ok());
  EXPECT_EQ(BlockSignatureSet(block)->size(), 2u);
  EXPECT_TRUE(CheckOrdererSignatures(block).empty());

  ASSERT_TRUE(SignBlock(&block, *orderer_.signer, 1).ok());
  EXPECT_EQ(BlockSignatureSet(block)->size(), 1u);
  EXPECT_EQ(*LastConfigIndex(block), 1u);
}

TEST_F(BlockTest, ChangedHeaderBreaksTheOrdererSignature) {
  common::Block block = NewBlock(1, "prev", {SignedEnvelope("x")});
  ASSERT_TRUE(SignBlock(&block, *orderer_.signer, 0).ok());
  block.mutable_header()->set_number(2);
  std::vector<std::string> problems = CheckOrdererSignatures(block);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("orderer signature 0"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("OrdererMSP"), std::string::npos) << problems[0];
}

TEST_F(BlockTest, MalformedSignaturesSlotIsReported) {
  common::Block block = NewBlock(1, "prev", {});
  block.mutable_metadata()->set_metadata(common::SIGNATURES, "\x12\x10truncated");
  EXPECT_FALSE(BlockSignaturesMetadata(block).ok());
  EXPECT_FALSE(LastConfigIndex(block).ok());
  std::vector<std::string> problems = CheckOrdererSignatures(block);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("SIGNATURES metadata"), std::string::npos);
}

TEST_F(BlockTest, UnsignedBlockHasNoSignaturesToCheck) {
  common::Block block = NewBlock(0, "", {SignedEnvelope("x")});
  EXPECT_TRUE(CheckOrdererSignatures(block).empty());
  EXPECT_TRUE(BlockSignatureSet(block)->empty());
}

TEST_F(BlockTest, ParseBlockRejectsGarbageAndHeaderlessBlocks) {
  EXPECT_TRUE(ParseBlock("\xff\xff").status().IsInvalidArgument());
  EXPECT_NE(ParseBlock("").status().message().find("no header"), std::string::npos);
  common::Block block = NewBlock(4, "p", {});
  auto parsed = ParseBlock(block.SerializeAsString());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header().number(), 4u);
}

TEST_F(BlockTest, TransactionsFilterAndCodeNames) {
  common::Block block = NewBlock(1, "p", {});
  EXPECT_EQ(TransactionsFilter(block), "");
  block.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER, std::string("\x00\x0b", 2));
  EXPECT_EQ(TransactionsFilter(block).size(), 2u);
  EXPECT_EQ(ValidationCodeName(0), "VALID");
  EXPECT_EQ(ValidationCodeName(11), "MVCC_READ_CONFLICT");
  EXPECT_EQ(ValidationCodeName(254), "NOT_VALIDATED");
  EXPECT_EQ(ValidationCodeName(77), "UNKNOWN(77)");
}

}  // namespace
}  // namespace loom::protocol
