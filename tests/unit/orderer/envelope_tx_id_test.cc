// EnvelopeTxId against protobuf's own parse of the same bytes: real-shaped
// envelopes, repeated fields, every truncation and random corruption.
#include "core/orderer/envelope_tx_id.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>

#include "common/common.pb.h"

namespace loom::orderer {
namespace {

std::string MakeEnvelope(const std::string& tx_id, const std::string& channel = "mychannel") {
  common::ChannelHeader channel_header;
  channel_header.set_type(common::ENDORSER_TRANSACTION);
  channel_header.set_channel_id(channel);
  channel_header.set_tx_id(tx_id);
  channel_header.mutable_timestamp()->set_seconds(1700000000);
  channel_header.set_extension(std::string(40, 'x'));
  common::Payload payload;
  payload.mutable_header()->set_channel_header(channel_header.SerializeAsString());
  payload.mutable_header()->set_signature_header(std::string(700, 's'));
  payload.set_data(std::string(2000, 'd'));
  common::Envelope envelope;
  envelope.set_payload(payload.SerializeAsString());
  envelope.set_signature(std::string(71, 'g'));
  return envelope.SerializeAsString();
}

// What protobuf makes of the bytes: the tx id ("" when absent), or nullopt
// when any layer on the path does not parse.
std::optional<std::string> ProtobufTxId(const std::string& bytes) {
  common::Envelope envelope;
  common::Payload payload;
  common::ChannelHeader channel_header;
  if (!envelope.ParseFromString(bytes) || !payload.ParseFromString(envelope.payload()) ||
      !channel_header.ParseFromString(payload.header().channel_header())) {
    return std::nullopt;
  }
  return channel_header.tx_id();
}

// Where protobuf parses, EnvelopeTxId must give the same id.
void ExpectAgreesWithProtobuf(const std::string& bytes) {
  std::optional<std::string> expected = ProtobufTxId(bytes);
  if (!expected) return;
  std::optional<std::string_view> got = EnvelopeTxId(bytes);
  EXPECT_EQ(std::string(got.value_or("")), *expected);
}

TEST(EnvelopeTxIdTest, ReadsTheIdOfAnEnvelope) {
  std::string envelope = MakeEnvelope("3f1c0ffee");
  ASSERT_TRUE(EnvelopeTxId(envelope).has_value());
  EXPECT_EQ(*EnvelopeTxId(envelope), "3f1c0ffee");
}

TEST(EnvelopeTxIdTest, AbsentLayersAndEmptyInputGiveNothing) {
  EXPECT_FALSE(EnvelopeTxId("").has_value());
  common::Envelope no_payload;
  no_payload.set_signature("sig");
  EXPECT_FALSE(EnvelopeTxId(no_payload.SerializeAsString()).has_value());
  common::Payload no_header;
  no_header.set_data("data");
  common::Envelope envelope;
  envelope.set_payload(no_header.SerializeAsString());
  EXPECT_FALSE(EnvelopeTxId(envelope.SerializeAsString()).has_value());
}

TEST(EnvelopeTxIdTest, RepeatedFieldsFollowProtobuf) {
  // Envelope.payload twice: the last one counts.
  std::string first = MakeEnvelope("first");
  std::string second = MakeEnvelope("second");
  std::string both = first + second;  // concatenated messages merge
  ExpectAgreesWithProtobuf(both);
  EXPECT_EQ(*EnvelopeTxId(both), "second");

  // Payload.header twice, the second without a channel header: the merged
  // header keeps the first one's channel header.
  common::ChannelHeader channel_header;
  channel_header.set_tx_id("kept");
  common::Header with_channel_header;
  with_channel_header.set_channel_header(channel_header.SerializeAsString());
  common::Header only_signature_header;
  only_signature_header.set_signature_header("sh");
  common::Payload first_part, second_part;
  *first_part.mutable_header() = with_channel_header;
  *second_part.mutable_header() = only_signature_header;
  common::Envelope envelope;
  envelope.set_payload(first_part.SerializeAsString() + second_part.SerializeAsString());
  ExpectAgreesWithProtobuf(envelope.SerializeAsString());
  EXPECT_EQ(*EnvelopeTxId(envelope.SerializeAsString()), "kept");
}

TEST(EnvelopeTxIdTest, InvalidUtf8IdIsRefusedAsProtobufDoes) {
  std::string envelope = MakeEnvelope(std::string("bad\xff\xfe", 5));
  EXPECT_FALSE(ProtobufTxId(envelope).has_value());
  EXPECT_FALSE(EnvelopeTxId(envelope).has_value());
}

TEST(EnvelopeTxIdTest, EveryTruncationAgreesWithProtobuf) {
  std::string envelope = MakeEnvelope("truncated-id");
  for (size_t length = 0; length <= envelope.size(); ++length) {
    SCOPED_TRACE(length);
    ExpectAgreesWithProtobuf(envelope.substr(0, length));
  }
}

TEST(EnvelopeTxIdTest, RandomCorruptionsAgreeWithProtobuf) {
  std::string envelope = MakeEnvelope("corrupted-id");
  std::mt19937 random(42);
  std::uniform_int_distribution<size_t> position(0, envelope.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int trial = 0; trial < 5000; ++trial) {
    std::string bytes = envelope;
    for (int flips = 0; flips < 1 + trial % 3; ++flips)
      bytes[position(random)] = static_cast<char>(byte(random));
    SCOPED_TRACE(trial);
    ExpectAgreesWithProtobuf(bytes);
  }
}

}  // namespace
}  // namespace loom::orderer
