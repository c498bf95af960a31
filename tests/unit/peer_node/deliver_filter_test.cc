// FilterBlock: what DeliverFiltered sends for a committed block — tx ids,
// header types and validation codes, chaincode events with their payload
// stripped, and garbage transactions kept with what could be read.
#include "core/peer/deliver_service_filter.h"

#include <gtest/gtest.h>

#include "core/protocol/block.h"
#include "peer/chaincode_event.pb.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::peer {
namespace {

using loom::testing::OrdererNetwork;

// `envelope` with a chaincode event in its (only) action's ChaincodeAction.
std::string WithEvent(const std::string& envelope_bytes, const std::string& chaincode,
                      const std::string& name, const std::string& payload) {
  common::Envelope envelope;
  common::Payload tx_payload;
  protos::Transaction tx;
  protos::ChaincodeActionPayload action_payload;
  protos::ProposalResponsePayload response;
  protos::ChaincodeAction action;
  EXPECT_TRUE(envelope.ParseFromString(envelope_bytes) && tx_payload.ParseFromString(envelope.payload()) &&
              tx.ParseFromString(tx_payload.data()) &&
              action_payload.ParseFromString(tx.actions(0).payload()) &&
              response.ParseFromString(action_payload.action().proposal_response_payload()) &&
              action.ParseFromString(response.extension()));
  protos::ChaincodeEvent event;
  event.set_chaincode_id(chaincode);
  event.set_tx_id("tx-of-event");
  event.set_event_name(name);
  event.set_payload(payload);
  action.set_events(event.SerializeAsString());
  response.set_extension(action.SerializeAsString());
  action_payload.mutable_action()->set_proposal_response_payload(response.SerializeAsString());
  tx.mutable_actions(0)->set_payload(action_payload.SerializeAsString());
  tx_payload.set_data(tx.SerializeAsString());
  envelope.set_payload(tx_payload.SerializeAsString());
  return envelope.SerializeAsString();
}

TEST(DeliverFilterTest, CarriesTxIdsTypesCodesAndStrippedEvents) {
  loom::testing::TempDir scratch;
  auto network = OrdererNetwork::Create(scratch.File("net"));
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  auto client = (*network)->UserSigner("Org1", "User1").value();
  auto endorser = (*network)->PeerSigner("Org1").value();
  auto plain = loom::testing::MakeEndorserTransaction(*client, *endorser, "mychannel", "k1");
  auto evented = loom::testing::MakeEndorserTransaction(*client, *endorser, "mychannel", "k2");
  ASSERT_TRUE(plain.ok() && evented.ok());

  common::Block block;
  block.mutable_header()->set_number(7);
  block.mutable_data()->add_data(plain->envelope);
  block.mutable_data()->add_data(WithEvent(evented->envelope, "assets", "AssetCreated", "secret payload"));
  block.mutable_data()->add_data("not an envelope at all");
  block.mutable_data()->add_data((*network)->genesis().data().data(0));  // a CONFIG envelope
  protocol::EnsureMetadataSlots(&block);
  std::string codes = {static_cast<char>(protos::VALID), static_cast<char>(protos::MVCC_READ_CONFLICT),
                       static_cast<char>(protos::BAD_PAYLOAD), static_cast<char>(protos::VALID)};
  block.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER, codes);

  protos::FilteredBlock filtered = FilterBlock(block, "mychannel");
  EXPECT_EQ(filtered.channel_id(), "mychannel");
  EXPECT_EQ(filtered.number(), 7u);
  ASSERT_EQ(filtered.filtered_transactions_size(), 4);

  const protos::FilteredTransaction& first = filtered.filtered_transactions(0);
  EXPECT_EQ(first.txid(), plain->tx_id);
  EXPECT_EQ(first.type(), common::ENDORSER_TRANSACTION);
  EXPECT_EQ(first.tx_validation_code(), protos::VALID);
  ASSERT_TRUE(first.has_transaction_actions());
  EXPECT_EQ(first.transaction_actions().chaincode_actions_size(), 0);  // no event

  const protos::FilteredTransaction& second = filtered.filtered_transactions(1);
  EXPECT_EQ(second.txid(), evented->tx_id);
  EXPECT_EQ(second.tx_validation_code(), protos::MVCC_READ_CONFLICT);
  ASSERT_EQ(second.transaction_actions().chaincode_actions_size(), 1);
  const protos::ChaincodeEvent& event = second.transaction_actions().chaincode_actions(0).chaincode_event();
  EXPECT_EQ(event.chaincode_id(), "assets");
  EXPECT_EQ(event.event_name(), "AssetCreated");
  EXPECT_EQ(event.tx_id(), "tx-of-event");
  EXPECT_TRUE(event.payload().empty());  // stripped, as Fabric does

  const protos::FilteredTransaction& garbage = filtered.filtered_transactions(2);
  EXPECT_TRUE(garbage.txid().empty());
  EXPECT_EQ(garbage.tx_validation_code(), protos::BAD_PAYLOAD);
  EXPECT_FALSE(garbage.has_transaction_actions());

  const protos::FilteredTransaction& config = filtered.filtered_transactions(3);
  EXPECT_EQ(config.type(), common::CONFIG);
  EXPECT_FALSE(config.has_transaction_actions());
}

TEST(DeliverFilterTest, MissingCodesReadAsNotValidated) {
  common::Block block;
  block.mutable_header()->set_number(1);
  block.mutable_data()->add_data("x");
  protos::FilteredBlock filtered = FilterBlock(block, "c");
  ASSERT_EQ(filtered.filtered_transactions_size(), 1);
  EXPECT_EQ(filtered.filtered_transactions(0).tx_validation_code(), protos::NOT_VALIDATED);
}

}  // namespace
}  // namespace loom::peer
