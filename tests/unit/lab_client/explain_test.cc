// Explain over hand-built chains: the replayed state names the key, the
// versions and the writer of an MVCC conflict, the key of a phantom, the
// missing org and the bad endorsements of a policy failure, and the earlier
// tx of a duplicate.
#include "app/lab/explain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "peer/transaction.pb.h"
#include "tests/unit/lab_client/lab_blocks.h"

namespace loom::lab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::LabChain;
using testing::SignedTransaction;
using testing::TxRead;
using testing::TxReadVersion;
using testing::TxRwSet;
using testing::TxWrite;

constexpr uint8_t kValid = protos::VALID;

class ExplainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_ = LabChain::Create();
    ASSERT_NE(chain_, nullptr);
  }
  std::unique_ptr<LabChain> chain_;
};

TEST_F(ExplainTest, MvccConflictNamesKeyVersionsAndWriter) {
  // Block 1: tx0 creates counter/c (version 1:0). Block 2: tx0 updates it
  // (2:0) having read 1:0; tx1 read 1:0 too and conflicts with tx0 of block 2.
  SignedTransaction create = chain_->Tx(
      "counter", TxRwSet{{{"counter", "c", std::nullopt}}, {}, {{"counter", "c", "1"}}}, chain_->org1_peer());
  chain_->Append({create}, {kValid});
  TxRwSet increment{{{"counter", "c", TxReadVersion{1, 0}}}, {}, {{"counter", "c", "2"}}};
  SignedTransaction first = chain_->Tx("counter", increment, chain_->org1_peer());
  SignedTransaction second = chain_->Tx("counter", increment, chain_->org1_peer());
  chain_->Append({first, second}, {kValid, protos::MVCC_READ_CONFLICT});

  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(2), second.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  EXPECT_FALSE(explained->valid);
  EXPECT_EQ(explained->validation_code_name, "MVCC_READ_CONFLICT");
  EXPECT_EQ(explained->channel, "mychannel");
  EXPECT_EQ(explained->block_number, 2u);
  EXPECT_EQ(explained->tx_index, 1u);
  ASSERT_TRUE(explained->read_conflict.has_value());
  const ReadConflictExplanation& conflict = *explained->read_conflict;
  EXPECT_EQ(conflict.ns, "counter");
  EXPECT_EQ(conflict.key, "c");
  EXPECT_EQ(VersionText(conflict.version_read), "1:0");
  EXPECT_EQ(VersionText(conflict.version_found), "2:0");
  ASSERT_TRUE(conflict.writer.has_value());
  EXPECT_EQ(conflict.writer->tx_id, first.tx_id);
  EXPECT_EQ(conflict.writer->block_number, 2u);
  EXPECT_THAT(explained->summary, HasSubstr(first.tx_id));
  EXPECT_THAT(explained->summary, HasSubstr("counter/c"));
}

TEST_F(ExplainTest, InvalidWritesAreNotReplayed) {
  // An invalid tx's write must not count: the conflict is against block 1's write.
  SignedTransaction create =
      chain_->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "1"}}}, chain_->org1_peer());
  chain_->Append({create}, {kValid});
  SignedTransaction invalid =
      chain_->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "9"}}}, chain_->org1_peer());
  SignedTransaction stale =
      chain_->Tx("counter", TxRwSet{{{"counter", "c", std::nullopt}}, {}, {}}, chain_->org1_peer());
  chain_->Append({invalid, stale}, {protos::ENDORSEMENT_POLICY_FAILURE, protos::MVCC_READ_CONFLICT});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(2), stale.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  ASSERT_TRUE(explained->read_conflict.has_value());
  EXPECT_EQ(VersionText(explained->read_conflict->version_read), "absent");
  EXPECT_EQ(VersionText(explained->read_conflict->version_found), "1:0");
  EXPECT_EQ(explained->read_conflict->writer->tx_id, create.tx_id);
}

TEST_F(ExplainTest, PhantomNamesTheKeyThatAppeared) {
  SignedTransaction a = chain_->Tx("assets", TxRwSet{{}, {}, {{"assets", "a1", "x"}}}, chain_->org1_peer());
  chain_->Append({a}, {kValid});
  testing::TxRangeQuery query{"assets", "a", "b", true, {{"", "a1", TxReadVersion{1, 0}}}, false};
  SignedTransaction b = chain_->Tx("assets", TxRwSet{{}, {}, {{"assets", "a2", "y"}}}, chain_->org1_peer());
  SignedTransaction scan = chain_->Tx("assets", TxRwSet{{}, {query}, {}}, chain_->org1_peer());
  chain_->Append({b, scan}, {kValid, protos::PHANTOM_READ_CONFLICT});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(2), scan.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  ASSERT_TRUE(explained->phantom.has_value());
  EXPECT_EQ(explained->phantom->start_key, "a");
  EXPECT_EQ(explained->phantom->end_key, "b");
  EXPECT_EQ(explained->phantom->key, "a2");
  EXPECT_EQ(explained->phantom->change, "appeared");
  EXPECT_EQ(explained->phantom->writer->tx_id, b.tx_id);
}

TEST_F(ExplainTest, PhantomNamesTheKeyThatWent) {
  SignedTransaction a = chain_->Tx("assets", TxRwSet{{}, {}, {{"assets", "a1", "x"}}}, chain_->org1_peer());
  chain_->Append({a}, {kValid});
  testing::TxRangeQuery query{"assets", "a", "", true, {{"", "a1", TxReadVersion{1, 0}}}, false};
  SignedTransaction remove =
      chain_->Tx("assets", TxRwSet{{}, {}, {{"assets", "a1", "", true}}}, chain_->org1_peer());
  SignedTransaction scan = chain_->Tx("assets", TxRwSet{{}, {query}, {}}, chain_->org1_peer());
  chain_->Append({remove}, {kValid});
  chain_->Append({scan}, {protos::PHANTOM_READ_CONFLICT});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(3), scan.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  ASSERT_TRUE(explained->phantom.has_value());
  EXPECT_EQ(explained->phantom->key, "a1");
  EXPECT_EQ(explained->phantom->change, "went");
  EXPECT_EQ(explained->phantom->writer->tx_id, remove.tx_id);
}

TEST_F(ExplainTest, PolicyFailureNamesTheMissingOrg) {
  SignedTransaction define =
      chain_->Tx("_lifecycle",
                 TxRwSet{{}, {}, {LabChain::DefinitionWrite("assets", "/Channel/Application/Endorsement")}},
                 chain_->org1_peer());
  chain_->Append({define}, {kValid});
  SignedTransaction org1_only = chain_->Tx("assets", TxRwSet{{}, {}, {{"assets", "a1", "x"}}},
                                           chain_->org1_peer(), {"CreateAsset", "a1"});
  chain_->Append({org1_only}, {protos::ENDORSEMENT_POLICY_FAILURE});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(2), org1_only.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  ASSERT_TRUE(explained->policy.has_value()) << explained->summary;
  const PolicyExplanation& policy = *explained->policy;
  EXPECT_EQ(policy.chaincode, "assets");
  EXPECT_EQ(policy.policy_reference, "/Channel/Application/Endorsement");
  EXPECT_EQ(policy.reference_rule, "MAJORITY Endorsement");
  EXPECT_THAT(policy.policy, HasSubstr("Org2MSP"));
  ASSERT_EQ(policy.endorsements.size(), 1u);
  EXPECT_EQ(policy.endorsements[0].mspid, "Org1MSP");
  EXPECT_EQ(policy.endorsements[0].role, "peer");
  EXPECT_TRUE(policy.endorsements[0].counted);
  EXPECT_TRUE(policy.endorsements[0].satisfied_principal);
  EXPECT_THAT(policy.orgs_needed, ElementsAre("Org2MSP"));
  EXPECT_THAT(explained->summary, HasSubstr("Still needed: endorsements from Org2MSP"));
}

TEST_F(ExplainTest, PolicyFailureSaysAClientIsNotAPeer) {
  SignedTransaction define =
      chain_->Tx("_lifecycle",
                 TxRwSet{{}, {}, {LabChain::DefinitionWrite("assets", "/Channel/Application/Endorsement")}},
                 chain_->org1_peer());
  chain_->Append({define}, {kValid});
  // Endorsed by Org1's User1 (a client), not a peer.
  SignedTransaction by_client =
      chain_->Tx("assets", TxRwSet{{}, {}, {{"assets", "a1", "x"}}}, chain_->client());
  chain_->Append({by_client}, {protos::ENDORSEMENT_POLICY_FAILURE});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(2), by_client.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  ASSERT_TRUE(explained->policy.has_value()) << explained->summary;
  ASSERT_EQ(explained->policy->endorsements.size(), 1u);
  EXPECT_EQ(explained->policy->endorsements[0].role, "client");
  EXPECT_FALSE(explained->policy->endorsements[0].satisfied_principal);
  EXPECT_EQ(explained->policy->endorsements[0].problem, "does not satisfy 'Org1MSP.peer' (Org1MSP client)");
  EXPECT_THAT(explained->policy->orgs_needed, ElementsAre("Org1MSP", "Org2MSP"));
}

TEST_F(ExplainTest, PolicyFailureNamesABadSignature) {
  SignedTransaction define =
      chain_->Tx("_lifecycle",
                 TxRwSet{{}, {}, {LabChain::DefinitionWrite("assets", "/Channel/Application/Endorsement")}},
                 chain_->org1_peer());
  chain_->Append({define}, {kValid});
  SignedTransaction tx = chain_->Tx("assets", TxRwSet{{}, {}, {{"assets", "a1", "x"}}}, chain_->org2_peer());
  // Corrupt the endorsement's signature.
  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(tx.envelope));
  common::Payload payload;
  ASSERT_TRUE(payload.ParseFromString(envelope.payload()));
  protos::Transaction transaction;
  ASSERT_TRUE(transaction.ParseFromString(payload.data()));
  protos::ChaincodeActionPayload action;
  ASSERT_TRUE(action.ParseFromString(transaction.actions(0).payload()));
  std::string* signature = action.mutable_action()->mutable_endorsements(0)->mutable_signature();
  (*signature)[signature->size() - 3] ^= 0x01;
  transaction.mutable_actions(0)->set_payload(action.SerializeAsString());
  payload.set_data(transaction.SerializeAsString());
  envelope.set_payload(payload.SerializeAsString());
  tx.envelope = envelope.SerializeAsString();
  chain_->Append({tx}, {protos::ENDORSEMENT_POLICY_FAILURE});

  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(2), tx.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  ASSERT_TRUE(explained->policy.has_value()) << explained->summary;
  ASSERT_EQ(explained->policy->endorsements.size(), 1u);
  EXPECT_EQ(explained->policy->endorsements[0].mspid, "Org2MSP");
  EXPECT_FALSE(explained->policy->endorsements[0].counted);
  EXPECT_THAT(explained->policy->endorsements[0].problem, HasSubstr("bad signature"));
}

TEST_F(ExplainTest, DuplicateNamesTheEarlierTx) {
  SignedTransaction tx = chain_->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "1"}}}, chain_->org1_peer());
  chain_->Append({tx}, {kValid});
  chain_->Append({tx}, {protos::DUPLICATE_TXID});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(2), tx.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  ASSERT_TRUE(explained->duplicate_of.has_value());
  EXPECT_EQ(explained->duplicate_of->block_number, 1u);
  EXPECT_EQ(explained->validation_code_name, "DUPLICATE_TXID");
}

TEST_F(ExplainTest, ValidTxHasNothingToExplain) {
  SignedTransaction tx = chain_->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "1"}}}, chain_->org1_peer());
  chain_->Append({tx}, {kValid});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(1), tx.tx_id);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  EXPECT_TRUE(explained->valid);
  EXPECT_THAT(explained->summary, HasSubstr("nothing to explain"));
  EXPECT_FALSE(explained->read_conflict || explained->phantom || explained->policy);
}

TEST_F(ExplainTest, OtherCodesSayWhatTheyMean) {
  SignedTransaction tx = chain_->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "1"}}}, chain_->org1_peer());
  chain_->Append({tx}, {protos::ILLEGAL_WRITESET});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(1), tx.tx_id);
  ASSERT_TRUE(explained.ok());
  EXPECT_THAT(explained->summary, HasSubstr("writes a namespace other than"));
}

TEST_F(ExplainTest, IllegalWritesetNamesTheNamespacesWritten) {
  SignedTransaction tx = chain_->Tx("counter", TxRwSet{{}, {}, {{"assets", "a", "1"}}}, chain_->org1_peer());
  chain_->Append({tx}, {protos::ILLEGAL_WRITESET});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(1), tx.tx_id);
  ASSERT_TRUE(explained.ok());
  EXPECT_THAT(explained->facts, ElementsAre("the transaction invokes counter and writes namespaces: assets"));
}

TEST_F(ExplainTest, InvalidChaincodeSaysWhetherADefinitionWasInForce) {
  SignedTransaction early =
      chain_->Tx("assets", TxRwSet{{}, {}, {{"assets", "a", "1"}}}, chain_->org1_peer());
  chain_->Append({early}, {protos::INVALID_CHAINCODE});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(1), early.tx_id);
  ASSERT_TRUE(explained.ok());
  ASSERT_EQ(explained->facts.size(), 1u);
  EXPECT_THAT(explained->facts[0], HasSubstr("no definition of chaincode assets was in force"));
  EXPECT_THAT(explained->summary, HasSubstr("No definition of chaincode assets"));
}

TEST_F(ExplainTest, BadCreatorSignatureChecksTheSignatureAndTheMsp) {
  SignedTransaction tx = chain_->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "1"}}}, chain_->org1_peer());
  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(tx.envelope));
  std::string* signature = envelope.mutable_signature();
  (*signature)[signature->size() - 2] ^= 0x01;
  tx.envelope = envelope.SerializeAsString();
  chain_->Append({tx}, {protos::BAD_CREATOR_SIGNATURE});
  Result<Explanation> explained = ExplainInBlocks(chain_->Upto(1), tx.tx_id);
  ASSERT_TRUE(explained.ok());
  ASSERT_EQ(explained->facts.size(), 2u);
  EXPECT_THAT(explained->facts[0], HasSubstr("the creator's signature does not verify"));
  EXPECT_THAT(explained->facts[1], HasSubstr("is a valid member of its MSP"));
}

TEST_F(ExplainTest, UnknownTxIsNotFound) {
  SignedTransaction tx = chain_->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "1"}}}, chain_->org1_peer());
  chain_->Append({tx}, {kValid});
  EXPECT_TRUE(ExplainInBlocks(chain_->Upto(1), "no-such-tx").status().IsNotFound());
}

TEST(LedgerReplayTest, RefusesBlocksOutOfOrder) {
  LedgerReplay replay;
  common::Block block = protocol::NewBlock(3, "", {});
  EXPECT_TRUE(replay.ApplyBlock(block).IsInvalidArgument());
}

}  // namespace
}  // namespace loom::lab
