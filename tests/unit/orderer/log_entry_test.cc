// LogEntry encoding (pinned bytes, round trips, clear decode errors) and the
// log index a block records in its consenter metadata.
#include "core/orderer/log_entry.h"

#include <gtest/gtest.h>

#include "core/crypto/hash.h"
#include "core/protocol/block.h"
#include "core/protocol/block_signature.h"
#include "orderer/etcdraft/metadata.pb.h"
#include "orderer_test_support.h"

namespace loom::orderer {
namespace {

TEST(LogEntry, RoundTripsBothKinds) {
  LogEntry envelope = LogEntry::Envelope("mychannel", std::string("\x0a\x03"
                                                                  "abc",
                                                                  5));
  envelope.index = 42;
  LogEntry timer = LogEntry::TimeToCut("mychannel", 17);
  timer.index = 43;
  for (const LogEntry& entry : {envelope, timer}) {
    auto decoded = DecodeLogEntry(EncodeLogEntry(entry));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, entry);
  }
}

// The encoding is stored on disk: these bytes must never change.
TEST(LogEntry, EncodingIsPinned) {
  LogEntry timer = LogEntry::TimeToCut("ch", 3);
  timer.index = 7;
  EXPECT_EQ(crypto::HexEncode(EncodeLogEntry(timer)), "080710011a0263682803");
  LogEntry envelope = LogEntry::Envelope("c", "E");
  envelope.index = 1;
  EXPECT_EQ(crypto::HexEncode(EncodeLogEntry(envelope)),
            "08011a01632201"
            "45");
}

TEST(LogEntry, DecodeErrorsSayWhatIsWrong) {
  struct Case {
    std::string bytes;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"\xff\xff\xff", "log entry: not a loom.OrdererLogEntry (3 bytes)"},
      {std::string("\x08\x05\x10\x09\x1a\x01"
                   "c",
                   7),
       "log entry 5: unknown kind 9"},
      {std::string("\x08\x05\x22\x01"
                   "E",
                   5),
       "log entry 5: no channel"},
      {std::string("\x08\x05\x1a\x01"
                   "c",
                   5),
       "log entry 5: envelope entry has no envelope"},
      {std::string("\x08\x05\x10\x01\x1a\x01"
                   "c\x22\x01"
                   "E",
                   10),
       "log entry 5: time-to-cut entry carries an envelope"},
  };
  for (const Case& c : cases) {
    auto decoded = DecodeLogEntry(c.bytes);
    ASSERT_FALSE(decoded.ok()) << crypto::HexEncode(c.bytes);
    EXPECT_TRUE(decoded.status().IsInvalidArgument());
    EXPECT_EQ(decoded.status().message(), c.message);
  }
}

TEST(LogEntry, ValidateRefusesWhatCouldNotBeReadBack) {
  EXPECT_TRUE(ValidateLogEntry(LogEntry::Envelope("ch", "x")).ok());
  EXPECT_TRUE(ValidateLogEntry(LogEntry::TimeToCut("ch", 1)).ok());
  EXPECT_FALSE(ValidateLogEntry(LogEntry::Envelope("", "x")).ok());
  EXPECT_FALSE(ValidateLogEntry(LogEntry::Envelope("ch", "")).ok());
  LogEntry timer = LogEntry::TimeToCut("ch", 1);
  timer.envelope = "x";
  EXPECT_FALSE(ValidateLogEntry(timer).ok());
}

TEST(LogEntry, KindNames) {
  EXPECT_STREQ(LogEntryKindName(LogEntry::kEnvelope), "envelope");
  EXPECT_STREQ(LogEntryKindName(LogEntry::kTimeToCut), "time-to-cut");
}

TEST(ConsenterMetadata, HasFabricsShape) {
  common::Metadata metadata;
  ASSERT_TRUE(metadata.ParseFromString(EncodeConsenterMetadata(1234)));
  etcdraft::BlockMetadata raft;
  ASSERT_TRUE(raft.ParseFromString(metadata.value()));
  EXPECT_EQ(raft.raft_index(), 1234u);
  EXPECT_EQ(raft.consenter_ids_size(), 0);
}

TEST(ConsenterMetadata, LastLogIndexOfASignedBlock) {
  auto signer = testing::MakeSigner("OrdererMSP", "orderer0");
  common::Block block = protocol::NewBlock(5, std::string(32, 'h'), {"x"});
  ASSERT_TRUE(protocol::SignBlock(&block, *signer, 0, EncodeConsenterMetadata(99)).ok());
  auto index = LastLogIndexOfBlock(block);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(*index, 99u);
}

TEST(ConsenterMetadata, GenesisAndEmptyMetadataRecordNothing) {
  auto signer = testing::MakeSigner("OrdererMSP", "orderer0");
  common::Block genesis = protocol::NewBlock(0, "", {"x"});
  ASSERT_TRUE(protocol::SignBlock(&genesis, *signer, 0, EncodeConsenterMetadata(7)).ok());
  EXPECT_EQ(*LastLogIndexOfBlock(genesis), 0u);  // a genesis block holds no log entries
  common::Block solo = protocol::NewBlock(3, std::string(32, 'h'), {"x"});
  ASSERT_TRUE(protocol::SignBlock(&solo, *signer, 0).ok());
  EXPECT_EQ(*LastLogIndexOfBlock(solo), 0u);
}

TEST(ConsenterMetadata, MalformedMetadataIsAnError) {
  common::Block block = protocol::NewBlock(4, std::string(32, 'h'), {"x"});
  common::OrdererBlockMetadata orderer_metadata;
  orderer_metadata.set_consenter_metadata("\xff\xff");
  common::Metadata metadata;
  metadata.set_value(orderer_metadata.SerializeAsString());
  block.mutable_metadata()->set_metadata(common::SIGNATURES, metadata.SerializeAsString());
  auto index = LastLogIndexOfBlock(block);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().message(), "block 4: consenter metadata is not a common.Metadata");

  block.mutable_metadata()->set_metadata(common::SIGNATURES, "\xff\xff");
  index = LastLogIndexOfBlock(block);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().message(), "block 4: SIGNATURES metadata is not a common.Metadata");
}

}  // namespace
}  // namespace loom::orderer
