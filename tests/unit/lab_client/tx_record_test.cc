// Transaction records and block summaries of hand-built blocks.
#include "app/lab/tx_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/lab/ledger_reader.h"
#include "app/lab/tx_record_json.h"
#include "tests/unit/lab_client/lab_blocks.h"

namespace loom::lab {
namespace {

using ::testing::HasSubstr;
using testing::LabChain;
using testing::SignedTransaction;
using testing::TxReadVersion;
using testing::TxRwSet;

TEST(TxRecordTest, DecodesEveryPartOfAnEndorserTransaction) {
  auto chain = LabChain::Create();
  ASSERT_NE(chain, nullptr);
  testing::TxRangeQuery query{"assets", "a", "b", true, {{"", "a1", TxReadVersion{1, 0}}}, false};
  TxRwSet rwset{{{"assets", "a0", TxReadVersion{1, 2}}},
                {query},
                {{"assets", "a3", "blue"}, {"assets", "a4", "", true}}};
  SignedTransaction tx =
      chain->Tx("assets", rwset, chain->org2_peer(), {"Transfer", "a3", std::string("\x01\xff", 2)});
  const common::Block& block = chain->Append({tx}, {protos::MVCC_READ_CONFLICT});

  Result<TxRecord> record = DecodeTxRecord(block, 0);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->decode_error, "");
  EXPECT_EQ(record->channel, "mychannel");
  EXPECT_EQ(record->tx_id, tx.tx_id);
  EXPECT_EQ(record->block_number, 1u);
  EXPECT_EQ(record->validation_code_name, "MVCC_READ_CONFLICT");
  EXPECT_EQ(record->type, "ENDORSER_TRANSACTION");
  EXPECT_EQ(record->creator_mspid, "Org1MSP");
  EXPECT_THAT(record->creator_subject, HasSubstr("User1@org1.example.com"));
  EXPECT_EQ(record->chaincode, "assets");
  EXPECT_EQ(record->function, "Transfer");
  ASSERT_EQ(record->args.size(), 2u);
  EXPECT_EQ(DisplayBytes(record->args[1]), "0x01ff");
  ASSERT_EQ(record->endorsements.size(), 1u);
  EXPECT_EQ(record->endorsements[0].mspid, "Org2MSP");
  EXPECT_TRUE(record->endorsements[0].signature_valid) << record->endorsements[0].problem;
  ASSERT_EQ(record->namespaces.size(), 1u);
  const validator::NsReadWriteSet& ns = record->namespaces[0];
  EXPECT_EQ(ns.ns, "assets");
  ASSERT_EQ(ns.reads.size(), 1u);
  EXPECT_EQ(ns.reads[0].version->tx_num, 2u);
  ASSERT_EQ(ns.range_queries.size(), 1u);
  EXPECT_EQ(ns.range_queries[0].raw_reads[0].key, "a1");
  ASSERT_EQ(ns.writes.size(), 2u);
  EXPECT_TRUE(ns.writes[1].is_delete);
  EXPECT_EQ(record->response_status, 200);

  nlohmann::ordered_json json = ToJson(*record);
  EXPECT_EQ(json["validation_code_name"], "MVCC_READ_CONFLICT");
  EXPECT_EQ(json["args"][1], "0x01ff");
  EXPECT_EQ(json["rwset"][0]["deletes"][0], "a4");
  EXPECT_EQ(json["rwset"][0]["reads"][0]["version"]["tx"], 2);
}

TEST(TxRecordTest, ConfigTransactionAndSummary) {
  auto chain = LabChain::Create();
  ASSERT_NE(chain, nullptr);
  Result<TxRecord> genesis = DecodeTxRecord(chain->blocks()[0], 0);
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(genesis->type, "CONFIG");
  EXPECT_TRUE(DecodeTxRecord(chain->blocks()[0], 1).status().IsInvalidArgument());

  SignedTransaction a =
      chain->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "1"}}}, chain->org1_peer(), {"Inc"});
  SignedTransaction b =
      chain->Tx("counter", TxRwSet{{}, {}, {{"counter", "c", "1"}}}, chain->org1_peer(), {"Inc"});
  const common::Block& block = chain->Append({a, b}, {protos::VALID, protos::MVCC_READ_CONFLICT});
  BlockSummary summary = SummarizeBlock(block);
  EXPECT_EQ(summary.number, 1u);
  EXPECT_EQ(summary.tx_count, 2u);
  EXPECT_EQ(summary.valid_count, 1u);
  EXPECT_EQ(summary.invalid_count, 1u);
  EXPECT_EQ(summary.previous_hash, SummarizeBlock(chain->blocks()[0]).hash);
  ASSERT_EQ(summary.txs.size(), 2u);
  EXPECT_EQ(summary.txs[1].tx_id, b.tx_id);
  EXPECT_EQ(summary.txs[1].chaincode, "counter");
  EXPECT_EQ(summary.txs[1].function, "Inc");
  EXPECT_EQ(summary.txs[1].validation_code_name, "MVCC_READ_CONFLICT");
  Result<uint32_t> found = FindTxInBlock(block, b.tx_id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, 1u);
  EXPECT_EQ(ToJson(summary)["txs"][1]["creator_mspid"], "Org1MSP");
}

}  // namespace
}  // namespace loom::lab
