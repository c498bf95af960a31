// ExtractTxWriteSet: the writes of an endorser transaction, nothing for other
// header types, and one clear error for each malformed layer.
#include "core/ledger/tx_write_set.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/common.pb.h"
#include "endorser_tx_maker.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::ledger {
namespace {

using testing::Del;
using testing::EndorserTxMaker;
using testing::Put;

const std::string kJunk = "\xff\xff\xff\xff";  // not a protobuf message

// Re-encodes `envelope` after `edit` changed its protos.Transaction.
std::string EditTransaction(const std::string& envelope_bytes,
                            const std::function<void(protos::Transaction*)>& edit) {
  common::Envelope envelope;
  common::Payload payload;
  protos::Transaction transaction;
  EXPECT_TRUE(envelope.ParseFromString(envelope_bytes));
  EXPECT_TRUE(payload.ParseFromString(envelope.payload()));
  EXPECT_TRUE(transaction.ParseFromString(payload.data()));
  edit(&transaction);
  payload.set_data(transaction.SerializeAsString());
  envelope.set_payload(payload.SerializeAsString());
  return envelope.SerializeAsString();
}

// Re-encodes `envelope` after `edit` changed its ChaincodeAction.
std::string EditChaincodeAction(const std::string& envelope_bytes,
                                const std::function<void(protos::ChaincodeAction*)>& edit) {
  return EditTransaction(envelope_bytes, [&](protos::Transaction* transaction) {
    protos::ChaincodeActionPayload action_payload;
    protos::ProposalResponsePayload response;
    protos::ChaincodeAction action;
    EXPECT_TRUE(action_payload.ParseFromString(transaction->actions(0).payload()));
    EXPECT_TRUE(response.ParseFromString(action_payload.action().proposal_response_payload()));
    EXPECT_TRUE(action.ParseFromString(response.extension()));
    edit(&action);
    response.set_extension(action.SerializeAsString());
    action_payload.mutable_action()->set_proposal_response_payload(response.SerializeAsString());
    transaction->mutable_actions(0)->set_payload(action_payload.SerializeAsString());
  });
}

TEST(TxWriteSet, ExtractsWritesAndDeletesOfEveryNamespace) {
  EndorserTxMaker maker;
  auto tx = maker.Make({Put("cc", "a", "1"), Del("cc", "b"), Put("lib", "x", std::string("\0\xff", 2))});
  auto writes = ExtractTxWriteSet(tx.envelope);
  ASSERT_TRUE(writes.ok()) << writes.status().ToString();
  EXPECT_EQ(writes->header_type, common::ENDORSER_TRANSACTION);
  EXPECT_EQ(writes->tx_id, tx.tx_id);
  EXPECT_GT(writes->timestamp_seconds, 0);
  ASSERT_EQ(writes->writes.size(), 3u);
  EXPECT_EQ(writes->writes[0].ns, "cc");
  EXPECT_EQ(writes->writes[0].key, "a");
  EXPECT_EQ(writes->writes[0].value, "1");
  EXPECT_FALSE(writes->writes[0].is_delete);
  EXPECT_EQ(writes->writes[1].key, "b");
  EXPECT_TRUE(writes->writes[1].is_delete);
  EXPECT_EQ(writes->writes[2].ns, "lib");
  EXPECT_EQ(writes->writes[2].value, std::string("\0\xff", 2));
}

TEST(TxWriteSet, ConfigTransactionWritesNothing) {
  EndorserTxMaker maker;
  auto writes = ExtractTxWriteSet(maker.Config());
  ASSERT_TRUE(writes.ok()) << writes.status().ToString();
  EXPECT_EQ(writes->header_type, common::CONFIG);
  EXPECT_TRUE(writes->writes.empty());
}

void ExpectRefused(const std::string& envelope, const std::string& expected_words) {
  auto writes = ExtractTxWriteSet(envelope);
  ASSERT_FALSE(writes.ok());
  EXPECT_TRUE(writes.status().IsInvalidArgument());
  EXPECT_NE(writes.status().message().find(expected_words), std::string::npos) << writes.status().message();
}

TEST(TxWriteSet, EachMalformedLayerIsNamed) {
  EndorserTxMaker maker;
  const std::string good = maker.Make({Put("cc", "a", "1")}).envelope;
  ExpectRefused(kJunk, "transaction write set");
  ExpectRefused(
      EditTransaction(good, [](protos::Transaction* t) { t->add_actions()->CopyFrom(t->actions(0)); }),
      "2 actions");
  ExpectRefused(EditTransaction(good, [](protos::Transaction* t) { t->clear_actions(); }), "0 actions");
  ExpectRefused(
      EditTransaction(good, [](protos::Transaction* t) { t->mutable_actions(0)->set_payload(kJunk); }),
      "ChaincodeActionPayload");
  ExpectRefused(EditChaincodeAction(good, [](protos::ChaincodeAction* a) { a->set_results(kJunk); }),
                "TxReadWriteSet");
  ExpectRefused(EditChaincodeAction(good,
                                    [](protos::ChaincodeAction* a) {
                                      rwset::TxReadWriteSet results;
                                      results.ParseFromString(a->results());
                                      results.mutable_ns_rwset(0)->set_rwset(kJunk);
                                      a->set_results(results.SerializeAsString());
                                    }),
                "ns_rwset[0] ('cc')");
}

}  // namespace
}  // namespace loom::ledger
