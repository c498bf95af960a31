// BroadcastHandler: every rule with envelopes signed by identities of a
// generated crypto folder, against a channel whose log the test controls.
#include "core/orderer/broadcast_handler.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/ledger/block_store.h"
#include "core/orderer/tx_id_guard.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"
#include "tests/support/orderer_network.h"
#include "tests/support/orderer_network_suite.h"
#include "tests/unit/orderer_node/test_channel.h"

namespace loom::orderer {
namespace {

using testing::TestChannel;

using loom::testing::OrdererNetwork;
using loom::testing::ScratchDir;

class BroadcastHandlerTest : public loom::testing::OrdererNetworkSuite<BroadcastHandlerTest> {
 public:
  static loom::testing::ChannelBatchSettings SuiteBatchSettings() {
    loom::testing::ChannelBatchSettings batch;
    batch.absolute_max_bytes = "16KB";
    batch.preferred_max_bytes = "8KB";
    return batch;
  }

 protected:
  void SetUp() override {
    store_dir_ = std::make_unique<ScratchDir>("loom_broadcast_store");
    channel_ = TestChannel::Create(*network_, store_dir_->Path("store"));
    ASSERT_TRUE(registry_.Add(channel_).ok());
    user1_ = Signer(network_->UserSigner("Org1", "User1"));
  }

  static std::shared_ptr<protocol::Signer> Signer(Result<std::shared_ptr<protocol::Signer>> signer) {
    EXPECT_TRUE(signer.ok()) << signer.status().ToString();
    return signer.ok() ? *signer : nullptr;
  }

  std::string Envelope(const protocol::Signer& signer, const std::string& channel = "mychannel",
                       common::HeaderType type = common::ENDORSER_TRANSACTION, std::string data = "tx data") {
    auto envelope = protocol::CreateSignedEnvelope(type, channel, signer, std::move(data));
    EXPECT_TRUE(envelope.ok()) << envelope.status().ToString();
    return envelope->SerializeAsString();
  }

  // Handles one envelope and returns the reply (which must have been given).
  BroadcastReply Broadcast(std::string_view bytes) {
    std::optional<BroadcastReply> reply;
    handler_.Handle(bytes, [&](BroadcastReply r) { reply = std::move(r); });
    EXPECT_TRUE(reply.has_value()) << "no reply given";
    return reply.value_or(BroadcastReply{common::UNKNOWN, "no reply"});
  }

  void ExpectReply(std::string_view bytes, common::Status status, const std::string& info_part) {
    BroadcastReply reply = Broadcast(bytes);
    EXPECT_EQ(reply.status, status) << common::Status_Name(reply.status) << ": " << reply.info;
    EXPECT_NE(reply.info.find(info_part), std::string::npos) << reply.info;
  }

  std::unique_ptr<ScratchDir> store_dir_;
  ChannelRegistry registry_;
  std::shared_ptr<TestChannel> channel_;
  std::vector<BroadcastEvent> events_;
  BroadcastHandler handler_{&registry_, [this](const BroadcastEvent& event) { events_.push_back(event); }};
  std::shared_ptr<protocol::Signer> user1_;
};

TEST_F(BroadcastHandlerTest, AcceptsAWriterAndOrdersTheCanonicalEnvelope) {
  std::string bytes = Envelope(*user1_);
  BroadcastReply reply = Broadcast(bytes);
  EXPECT_EQ(reply.status, common::SUCCESS) << reply.info;
  EXPECT_TRUE(reply.info.empty());
  ASSERT_EQ(channel_->ordered.size(), 1u);
  EXPECT_EQ(channel_->ordered[0], bytes);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].channel, "mychannel");
  EXPECT_EQ(events_[0].creator_mspid, "Org1MSP");
  EXPECT_EQ(events_[0].header_type, common::ENDORSER_TRANSACTION);
  EXPECT_EQ(events_[0].size_bytes, bytes.size());
  EXPECT_EQ(events_[0].tx_id.size(), 64u);
  EXPECT_EQ(events_[0].reply.status, common::SUCCESS);
}

TEST_F(BroadcastHandlerTest, OrdererAndAdminIdentitiesAreWriters) {
  EXPECT_EQ(Broadcast(Envelope(*Signer(network_->OrdererSigner()))).status, common::SUCCESS);
  EXPECT_EQ(Broadcast(Envelope(*Signer(network_->UserSigner("Org2", "Admin")))).status, common::SUCCESS);
}

TEST_F(BroadcastHandlerTest, SuccessWaitsForTheDurableAppend) {
  channel_->complete_at_once = false;
  std::optional<BroadcastReply> reply;
  handler_.Handle(Envelope(*user1_), [&](BroadcastReply r) { reply = std::move(r); });
  EXPECT_FALSE(reply.has_value()) << "replied before the log append completed";
  ASSERT_EQ(channel_->pending.size(), 1u);
  // Taken out first: the callback holds the channel, which holds `pending`.
  OrderingChannel::OrderDone complete = std::move(channel_->pending[0]);
  channel_->pending.clear();
  complete(Status::Ok());
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, common::SUCCESS);
}

TEST_F(BroadcastHandlerTest, FailedAppendIsServiceUnavailableAndFreesTheTxId) {
  channel_->order_result = Status::IoError("disk full");
  std::string bytes = Envelope(*user1_);
  ExpectReply(bytes, common::SERVICE_UNAVAILABLE, "disk full");
  // The id was released: the same envelope may be sent again.
  channel_->order_result = Status::Ok();
  EXPECT_EQ(Broadcast(bytes).status, common::SUCCESS);
}

TEST_F(BroadcastHandlerTest, GarbageAndBrokenLayersAreBadRequests) {
  ExpectReply("\xff\xff\xff garbage", common::BAD_REQUEST, "not a common.Envelope");
  ExpectReply("", common::BAD_REQUEST, "no payload");
  common::Envelope envelope;
  envelope.set_payload("\x0a\x05trunc");
  ExpectReply(envelope.SerializeAsString(), common::BAD_REQUEST, "payload is malformed");
  common::Payload payload;
  payload.set_data("x");
  envelope.set_payload(payload.SerializeAsString());
  ExpectReply(envelope.SerializeAsString(), common::BAD_REQUEST, "no header");
  // A truncated real envelope.
  std::string good = Envelope(*user1_);
  ExpectReply(good.substr(0, good.size() / 2), common::BAD_REQUEST, "");
  EXPECT_TRUE(channel_->ordered.empty());
}

TEST_F(BroadcastHandlerTest, UnknownChannelIsNotFound) {
  ExpectReply(Envelope(*user1_, "otherchannel"), common::NOT_FOUND, "otherchannel");
}

TEST_F(BroadcastHandlerTest, OversizedEnvelopeIsTooLarge) {
  std::string bytes = Envelope(*user1_, "mychannel", common::ENDORSER_TRANSACTION, std::string(20000, 'x'));
  ExpectReply(bytes, common::REQUEST_ENTITY_TOO_LARGE, "AbsoluteMaxBytes of 16384");
  EXPECT_TRUE(channel_->ordered.empty());
}

TEST_F(BroadcastHandlerTest, OnlyEndorserTransactionsAreAccepted) {
  ExpectReply(Envelope(*user1_, "mychannel", common::CONFIG_UPDATE), common::BAD_REQUEST,
              "config updates are not supported yet");
  ExpectReply(Envelope(*user1_, "mychannel", common::DELIVER_SEEK_INFO), common::BAD_REQUEST,
              "DELIVER_SEEK_INFO is not accepted");
  ExpectReply(Envelope(*user1_, "mychannel", common::MESSAGE), common::BAD_REQUEST, "MESSAGE");
}

TEST_F(BroadcastHandlerTest, HeadersMustNameCreatorNonceAndTheirTxId) {
  auto make = [&](std::string creator, std::string nonce, std::string tx_id) {
    common::Payload payload =
        protocol::MakePayload(protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, "mychannel", tx_id),
                              protocol::MakeSignatureHeader(creator, nonce), "data");
    auto envelope = protocol::SignPayload(payload, *user1_);
    return envelope->SerializeAsString();
  };
  const std::string& creator = user1_->serialized_identity();
  std::string nonce = protocol::NewNonce();
  ExpectReply(make("", nonce, "x"), common::BAD_REQUEST, "no creator");
  ExpectReply(make(creator, "", "x"), common::BAD_REQUEST, "no nonce");
  ExpectReply(make("not an identity", nonce, "x"), common::BAD_REQUEST,
              "creator is not a msp.SerializedIdentity");
  // Well-formed around a certificate that is not one: the MSP refuses it.
  std::string bad_certificate = protocol::SerializeIdentity("Org1MSP", "-----BEGIN CERTIFICATE-----\nAAAA\n");
  ExpectReply(make(bad_certificate, nonce, protocol::ComputeTxId(nonce, bad_certificate)), common::FORBIDDEN,
              "malformed identity");
  ExpectReply(make(creator, nonce, "0123"), common::BAD_REQUEST, "is not SHA-256(nonce || creator)");
  EXPECT_EQ(Broadcast(make(creator, nonce, protocol::ComputeTxId(nonce, creator))).status, common::SUCCESS);
}

TEST_F(BroadcastHandlerTest, IdentitiesThatMayNotWriteAreForbidden) {
  // Org3 is not in the channel.
  ExpectReply(Envelope(*Signer(network_->UserSigner("Org3", "User1"))), common::FORBIDDEN,
              "unknown MSP: identity names MSP 'Org3MSP'");
  // A peer is neither an application writer (admin/client) nor an orderer.
  ExpectReply(Envelope(*Signer(network_->PeerSigner("Org1"))), common::FORBIDDEN, "/Channel/Writers");
  EXPECT_TRUE(channel_->ordered.empty());
}

TEST_F(BroadcastHandlerTest, BadSignaturesAreForbidden) {
  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(Envelope(*user1_)));
  common::Envelope high_s = envelope;
  high_s.set_signature(loom::testing::ToHighS(envelope.signature()));
  ASSERT_FALSE(high_s.signature().empty());
  ExpectReply(high_s.SerializeAsString(), common::FORBIDDEN, "bad signature");
  ExpectReply(high_s.SerializeAsString(), common::FORBIDDEN, "high-S");

  common::Envelope unsigned_envelope = envelope;
  unsigned_envelope.clear_signature();
  ExpectReply(unsigned_envelope.SerializeAsString(), common::FORBIDDEN, "not signed");

  // Signed by User1 of Org2 while claiming User1 of Org1.
  common::Envelope forged = envelope;
  auto other = Signer(network_->UserSigner("Org2", "User1"))->Sign(envelope.payload());
  ASSERT_TRUE(other.ok());
  forged.set_signature(*other);
  ExpectReply(forged.SerializeAsString(), common::FORBIDDEN, "bad signature");

  // The payload changed after signing.
  common::Payload payload;
  ASSERT_TRUE(payload.ParseFromString(envelope.payload()));
  payload.set_data("changed");
  common::Envelope tampered = envelope;
  tampered.set_payload(payload.SerializeAsString());
  ExpectReply(tampered.SerializeAsString(), common::FORBIDDEN, "bad signature");
  EXPECT_TRUE(channel_->ordered.empty());
}

TEST_F(BroadcastHandlerTest, ReplayedEnvelopeIsADuplicate) {
  std::string bytes = Envelope(*user1_);
  EXPECT_EQ(Broadcast(bytes).status, common::SUCCESS);
  ExpectReply(bytes, common::BAD_REQUEST, "duplicate tx id");
  EXPECT_EQ(channel_->ordered.size(), 1u);
}

TEST_F(BroadcastHandlerTest, TxIdAlreadyInAStoredBlockIsADuplicate) {
  std::string bytes = Envelope(*user1_);
  ledger::BlockStore& store = channel_->mutable_store();
  common::Block block = protocol::NewBlock(1, store.LastHeaderHash(), {bytes});
  ASSERT_TRUE(store.Append(block).ok());
  ExpectReply(bytes, common::BAD_REQUEST, "duplicate tx id");
}

TEST_F(BroadcastHandlerTest, NonCanonicalEncodingIsOrderedCanonically) {
  std::string canonical = Envelope(*user1_);
  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(canonical));
  // signature (field 2) before payload (field 1): the same message, other bytes.
  common::Envelope only_signature;
  only_signature.set_signature(envelope.signature());
  common::Envelope only_payload;
  only_payload.set_payload(envelope.payload());
  std::string reordered = only_signature.SerializeAsString() + only_payload.SerializeAsString();
  ASSERT_NE(reordered, canonical);
  EXPECT_EQ(Broadcast(reordered).status, common::SUCCESS);
  ASSERT_EQ(channel_->ordered.size(), 1u);
  EXPECT_EQ(channel_->ordered[0], canonical);
}

TEST(TxIdGuardTest, ClaimsOnceRemembersAndEvictsOldestFirst) {
  std::set<std::string> stored = {"in-store"};
  TxIdGuard guard([&](std::string_view id) { return stored.count(std::string(id)) != 0; }, 3);
  EXPECT_FALSE(guard.Claim("in-store"));
  EXPECT_TRUE(guard.Claim("a"));
  EXPECT_FALSE(guard.Claim("a"));
  guard.Release("a");
  EXPECT_TRUE(guard.Claim("a"));
  guard.Remember("b");
  EXPECT_FALSE(guard.Claim("b"));
  EXPECT_TRUE(guard.Claim("c"));
  EXPECT_TRUE(guard.Claim("d"));  // evicts "a", the oldest
  EXPECT_EQ(guard.recent_count(), 3u);
  EXPECT_TRUE(guard.Claim("a"));  // forgotten and not stored; evicts "b"
  EXPECT_EQ(guard.recent_count(), 3u);
  EXPECT_TRUE(guard.Claim("b"));  // forgotten too; evicts "c"
  stored.insert("c");
  EXPECT_FALSE(guard.Claim("c"));  // the store still knows it
}

}  // namespace
}  // namespace loom::orderer
