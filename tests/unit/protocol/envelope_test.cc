#include "core/protocol/envelope.h"

#include <gtest/gtest.h>

#include "core/protocol/txid.h"
#include "test_support.h"

namespace loom::protocol {
namespace {

class EnvelopeTest : public ::testing::Test {
 protected:
  testing::TestIdentity client_ = testing::MakeTestIdentity("Org1MSP", "user1.org1.example.com");
};

TEST_F(EnvelopeTest, SignedEnvelopeCarriesHeadersAndATxIdFromNonceAndCreator) {
  auto envelope =
      CreateSignedEnvelope(common::ENDORSER_TRANSACTION, "mychannel", *client_.signer, "tx-bytes");
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  auto parsed = ParseEnvelope(*envelope);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->channel_header.type(), common::ENDORSER_TRANSACTION);
  EXPECT_EQ(parsed->channel_header.channel_id(), "mychannel");
  EXPECT_EQ(parsed->signature_header.creator(), client_.serialized);
  EXPECT_EQ(parsed->signature_header.nonce().size(), kNonceSize);
  EXPECT_EQ(parsed->channel_header.tx_id(),
            ComputeTxId(parsed->signature_header.nonce(), parsed->signature_header.creator()));
  EXPECT_EQ(parsed->payload.data(), "tx-bytes");
  EXPECT_GT(parsed->channel_header.timestamp().seconds(), 1600000000);
}

TEST_F(EnvelopeTest, SignatureVerifiesWithTheSignersKeyOnly) {
  auto envelope = CreateSignedEnvelope(common::MESSAGE, "ch", *client_.signer, "data");
  ASSERT_TRUE(envelope.ok());
  EXPECT_TRUE(VerifyEnvelopeSignature(*envelope, client_.key.public_key()).ok());
  EXPECT_TRUE(VerifyEnvelopeCreatorSignature(*envelope).ok());

  testing::TestIdentity other = testing::MakeTestIdentity("Org2MSP", "user1.org2.example.com");
  EXPECT_TRUE(VerifyEnvelopeSignature(*envelope, other.key.public_key()).IsPermissionDenied());
}

TEST_F(EnvelopeTest, TamperedPayloadOrMissingSignatureFailsVerification) {
  auto envelope = CreateSignedEnvelope(common::MESSAGE, "ch", *client_.signer, "data");
  ASSERT_TRUE(envelope.ok());
  common::Envelope tampered = *envelope;
  tampered.mutable_payload()->back() ^= 1;
  EXPECT_FALSE(VerifyEnvelopeSignature(tampered, client_.key.public_key()).ok());

  common::Envelope unsigned_envelope = *envelope;
  unsigned_envelope.clear_signature();
  Status status = VerifyEnvelopeSignature(unsigned_envelope, client_.key.public_key());
  EXPECT_TRUE(status.IsPermissionDenied());
  EXPECT_NE(status.message().find("no signature"), std::string::npos);
}

TEST_F(EnvelopeTest, SignPayloadKeepsExplicitHeaders) {
  auto timestamp = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  common::Payload payload = MakePayload(MakeChannelHeader(common::CONFIG_UPDATE, "ch", "my-tx", timestamp),
                                        MakeSignatureHeader(client_.serialized, "nonce"), "update");
  auto envelope = SignPayload(payload, *client_.signer);
  ASSERT_TRUE(envelope.ok());
  auto parsed = ParseEnvelope(*envelope);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->channel_header.tx_id(), "my-tx");
  EXPECT_EQ(parsed->channel_header.timestamp().seconds(), 1700000000);
  EXPECT_EQ(parsed->signature_header.nonce(), "nonce");
  EXPECT_EQ(HeaderTypeName(parsed->channel_header.type()), "CONFIG_UPDATE");
  EXPECT_EQ(HeaderTypeName(4242), "UNKNOWN(4242)");
}

// Each broken layer gets an error that says which layer.
TEST_F(EnvelopeTest, ParseNamesTheBrokenLayer) {
  EXPECT_NE(ParseEnvelopeBytes("\xff\xff\xff").status().message().find("not a common.Envelope"),
            std::string::npos);

  common::Envelope empty;
  EXPECT_NE(ParseEnvelope(empty).status().message().find("no payload"), std::string::npos);

  common::Envelope garbage_payload;
  garbage_payload.set_payload("\x0a\xff\x01");
  EXPECT_NE(ParseEnvelope(garbage_payload).status().message().find("payload is malformed"),
            std::string::npos);

  common::Payload headerless;
  headerless.set_data("x");
  common::Envelope no_header;
  no_header.set_payload(headerless.SerializeAsString());
  EXPECT_NE(ParseEnvelope(no_header).status().message().find("no header"), std::string::npos);

  common::Payload bad_channel_header;
  bad_channel_header.mutable_header()->set_channel_header("\x22\x09short");
  common::Envelope bad;
  bad.set_payload(bad_channel_header.SerializeAsString());
  auto status = ParseEnvelope(bad).status();
  EXPECT_TRUE(status.IsInvalidArgument());
  EXPECT_NE(status.message().find("channel header is malformed"), std::string::npos) << status.message();

  common::Payload bad_signature_header = MakePayload(MakeChannelHeader(common::MESSAGE, "ch", ""), {}, "");
  bad_signature_header.mutable_header()->set_signature_header(
      "\x0a\x05"
      "ab");
  common::Envelope bad_signature;
  bad_signature.set_payload(bad_signature_header.SerializeAsString());
  EXPECT_NE(ParseEnvelope(bad_signature).status().message().find("signature header is malformed"),
            std::string::npos);
}

TEST_F(EnvelopeTest, CreatorSignatureCheckRejectsAnUnparseableCreator) {
  common::Payload payload = MakePayload(MakeChannelHeader(common::MESSAGE, "ch", ""),
                                        MakeSignatureHeader("not an identity", "n"), "");
  auto envelope = SignPayload(payload, *client_.signer);
  ASSERT_TRUE(envelope.ok());
  Status status = VerifyEnvelopeCreatorSignature(*envelope);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("creator signature"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace loom::protocol
