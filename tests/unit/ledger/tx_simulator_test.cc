// TxSimulator: the read-write set an endorser records while chaincode runs,
// with Fabric's semantics — read versions, no read-your-writes, last write
// wins, range queries over committed state with raw reads and itr_exhausted,
// pagination only in read-only transactions, Fabric's output ordering,
// snapshot isolation and key validation. Base state is committed through
// KvLedger with real endorser transactions.
#include "core/ledger/tx_simulator.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/crypto/ecdsa.h"
#include "core/ledger/kv_ledger.h"
#include "core/ledger/tx_write_set.h"
#include "core/protocol/envelope.h"
#include "core/protocol/proposal_hash.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"
#include "endorser_tx_maker.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "ledger_test_support.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"
#include "tests/support/temp_dir.h"

namespace loom::ledger {
namespace {

using ::loom::ledger::testing::ChainMaker;
using ::loom::ledger::testing::Del;
using ::loom::ledger::testing::EndorserTxMaker;
using ::loom::ledger::testing::Put;
using ::loom::ledger::testing::TestTx;
using ::loom::ledger::testing::TestWrite;
using ::loom::testing::TempDir;
using Lines = std::vector<std::string>;

constexpr uint8_t kValid = protos::VALID;

std::string VersionText(const kvrwset::KVRead& read) {
  if (!read.has_version()) return "-";
  return std::to_string(read.version().block_num()) + ":" + std::to_string(read.version().tx_num());
}

// The produced rwset as text, one line per element in output order:
//   ns <name> | read <key>@<b:t or -> | range [<start>,<end>) exhausted|open
//   reads <k>@<v> ... | write <key>=<value> | delete <key>
Lines Dump(const std::string& results_bytes) {
  rwset::TxReadWriteSet results;
  EXPECT_TRUE(results.ParseFromString(results_bytes));
  EXPECT_EQ(results.data_model(), rwset::TxReadWriteSet::KV);
  Lines lines;
  for (const rwset::NsReadWriteSet& ns_rwset : results.ns_rwset()) {
    lines.push_back("ns " + ns_rwset.namespace_());
    EXPECT_EQ(ns_rwset.collection_hashed_rwset_size(), 0);
    kvrwset::KVRWSet kv;
    EXPECT_TRUE(kv.ParseFromString(ns_rwset.rwset()));
    for (const kvrwset::KVRead& read : kv.reads())
      lines.push_back("read " + read.key() + "@" + VersionText(read));
    for (const kvrwset::RangeQueryInfo& info : kv.range_queries_info()) {
      std::string line = "range [" + info.start_key() + "," + info.end_key() + ") " +
                         (info.itr_exhausted() ? "exhausted" : "open");
      EXPECT_FALSE(info.has_reads_merkle_hashes());
      if (info.has_raw_reads()) {
        line += " reads";
        for (const kvrwset::KVRead& read : info.raw_reads().kv_reads())
          line += " " + read.key() + "@" + VersionText(read);
      }
      lines.push_back(line);
    }
    for (const kvrwset::KVWrite& write : kv.writes()) {
      if (write.is_delete()) {
        EXPECT_TRUE(write.value().empty());
        lines.push_back("delete " + write.key());
      } else {
        lines.push_back("write " + write.key() + "=" + write.value());
      }
    }
  }
  return lines;
}

bool IsFailedPrecondition(const Status& status) {
  return status.code() == Status::Code::kFailedPrecondition;
}

template <typename T>
T OrDie(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().ToString());
  return std::move(result).value();
}

// Every key of a range, consumed to the end.
Lines Drain(RangeQueryIterator* iterator) {
  Lines keys;
  while (true) {
    auto next = iterator->Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !next->has_value()) break;
    keys.push_back((*next)->key + "=" + (*next)->value);
  }
  return keys;
}

std::unique_ptr<protocol::Signer> NewSigner(const std::string& name) {
  return std::make_unique<protocol::KeySigner>(OrDie(crypto::PrivateKey::Generate()),
                                               protocol::SerializeIdentity("Org1MSP", name));
}

// An ENDORSER_TRANSACTION on "ch" whose ChaincodeAction.results are exactly
// `results` (the simulator's output), as the endorser will assemble it.
std::string EnvelopeWithResults(const protocol::Signer& client, const std::string& chaincode,
                                const std::string& results) {
  std::string nonce = protocol::NewNonce();
  std::string tx_id = protocol::ComputeTxId(nonce, client.serialized_identity());
  protos::ChaincodeHeaderExtension extension;
  extension.mutable_chaincode_id()->set_name(chaincode);
  std::string channel_header =
      protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, "ch", tx_id, std::chrono::system_clock::now(),
                                  extension.SerializeAsString())
          .SerializeAsString();
  std::string signature_header =
      protocol::MakeSignatureHeader(client.serialized_identity(), nonce).SerializeAsString();
  protos::ChaincodeProposalPayload proposal_payload;
  protos::ChaincodeAction action;
  action.set_results(results);
  action.mutable_response()->set_status(200);
  action.mutable_chaincode_id()->set_name(chaincode);
  protos::ProposalResponsePayload response_payload;
  response_payload.set_proposal_hash(
      protocol::ComputeProposalHash(channel_header, signature_header, proposal_payload));
  response_payload.set_extension(action.SerializeAsString());
  protos::ChaincodeActionPayload action_payload;
  action_payload.set_chaincode_proposal_payload(proposal_payload.SerializeAsString());
  action_payload.mutable_action()->set_proposal_response_payload(response_payload.SerializeAsString());
  protos::Transaction transaction;
  protos::TransactionAction* transaction_action = transaction.add_actions();
  transaction_action->set_header(signature_header);
  transaction_action->set_payload(action_payload.SerializeAsString());
  common::Payload payload;
  payload.mutable_header()->set_channel_header(channel_header);
  payload.mutable_header()->set_signature_header(signature_header);
  payload.set_data(transaction.SerializeAsString());
  return OrDie(protocol::SignPayload(payload, client)).SerializeAsString();
}

// The ChaincodeAction.results bytes inside an envelope made above.
std::string ResultsInEnvelope(const std::string& envelope_bytes) {
  common::Envelope envelope;
  common::Payload payload;
  protos::Transaction transaction;
  protos::ChaincodeActionPayload action_payload;
  protos::ProposalResponsePayload response_payload;
  protos::ChaincodeAction action;
  EXPECT_TRUE(envelope.ParseFromString(envelope_bytes) && payload.ParseFromString(envelope.payload()) &&
              transaction.ParseFromString(payload.data()) &&
              action_payload.ParseFromString(transaction.actions(0).payload()) &&
              response_payload.ParseFromString(action_payload.action().proposal_response_payload()) &&
              action.ParseFromString(response_payload.extension()));
  return action.results();
}

class TxSimulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = OrDie(KvLedger::Open(dir_.File("ledger")));
    ASSERT_TRUE(ledger_->Commit(chain_.Next({txs_.Config()}), {kValid}).ok());
    // Block 1: tx 0 writes cc/{a,b,c,d}, tx 1 writes cc/e and other/x.
    CommitBlock(
        {txs_.Make({Put("cc", "a", "a1"), Put("cc", "b", "b1"), Put("cc", "c", "c1"), Put("cc", "d", "d1")}),
         txs_.Make({Put("cc", "e", "e1"), Put("other", "x", "x1")})});
  }

  void CommitBlock(const std::vector<TestTx>& txs) {
    std::vector<std::string> envelopes;
    for (const TestTx& tx : txs) envelopes.push_back(tx.envelope);
    Status committed =
        ledger_->Commit(chain_.Next(std::move(envelopes)), std::vector<uint8_t>(txs.size(), kValid));
    ASSERT_TRUE(committed.ok()) << committed.ToString();
  }

  std::unique_ptr<TxSimulator> NewSimulator() { return TxSimulator::Start("tx-under-test", *ledger_); }

  TempDir dir_{"tx-simulator"};
  EndorserTxMaker txs_;
  ChainMaker chain_;
  std::unique_ptr<KvLedger> ledger_;
};

TEST_F(TxSimulatorTest, ReadsRecordCommittedVersionsOrAbsence) {
  auto sim = NewSimulator();
  auto a = sim->GetState("cc", "a");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, std::optional<std::string>("a1"));
  auto e = sim->GetState("cc", "e");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, std::optional<std::string>("e1"));
  auto missing = sim->GetState("cc", "zz");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(sim->GetState("cc", "a").ok());  // a second read of a key is one read
  EXPECT_EQ(Dump(OrDie(sim->Finish())), (Lines{"ns cc", "read a@1:0", "read e@1:1", "read zz@-"}));
}

// Fabric's "Read-Write set semantics": read-your-writes is not supported; a
// read after the tx's own write returns the committed value and is recorded.
TEST_F(TxSimulatorTest, ReadAfterOwnWriteSeesCommittedStateAsFabricDoes) {
  auto sim = NewSimulator();
  ASSERT_TRUE(sim->PutState("cc", "a", "mine").ok());
  ASSERT_TRUE(sim->PutState("cc", "new", "fresh").ok());
  ASSERT_TRUE(sim->DelState("cc", "b").ok());
  EXPECT_EQ(OrDie(sim->GetState("cc", "a")), std::optional<std::string>("a1"));
  EXPECT_FALSE(OrDie(sim->GetState("cc", "new")).has_value());
  EXPECT_EQ(OrDie(sim->GetState("cc", "b")), std::optional<std::string>("b1"));
  EXPECT_EQ(Dump(OrDie(sim->Finish())), (Lines{"ns cc", "read a@1:0", "read b@1:0", "read new@-",
                                               "write a=mine", "delete b", "write new=fresh"}));
}

TEST_F(TxSimulatorTest, BlindWritesLastOneWinsAndDeletes) {
  auto sim = NewSimulator();
  ASSERT_TRUE(sim->PutState("cc", "k", "v1").ok());
  ASSERT_TRUE(sim->PutState("cc", "k", "v2").ok());
  ASSERT_TRUE(sim->PutState("cc", "gone", "v").ok());
  ASSERT_TRUE(sim->DelState("cc", "gone").ok());
  ASSERT_TRUE(sim->DelState("cc", "back").ok());
  ASSERT_TRUE(sim->PutState("cc", "back", "again").ok());
  ASSERT_TRUE(sim->DelState("cc", "never-existed").ok());
  // Fabric: an empty value is recorded as a delete (IsDelete = value == nil).
  ASSERT_TRUE(sim->PutState("cc", "empty", "").ok());
  EXPECT_EQ(Dump(OrDie(sim->Finish())), (Lines{"ns cc", "write back=again", "delete empty", "delete gone",
                                               "write k=v2", "delete never-existed"}));
}

TEST_F(TxSimulatorTest, RangeConsumedToTheEndIsExhaustedWithRawReads) {
  auto sim = NewSimulator();
  // Uncommitted writes are not merged into range results (Fabric).
  ASSERT_TRUE(sim->PutState("cc", "bb", "uncommitted").ok());
  ASSERT_TRUE(sim->DelState("cc", "c").ok());
  RangeQueryIterator* range = OrDie(sim->GetStateByRange("cc", "b", "e"));
  EXPECT_EQ(Drain(range), (Lines{"b=b1", "c=c1", "d=d1"}));
  EXPECT_EQ(range->fetched_count(), 3);
  // Whole namespace, open-ended.
  RangeQueryIterator* all = OrDie(sim->GetStateByRange("other", "", ""));
  EXPECT_EQ(Drain(all), (Lines{"x=x1"}));
  // An empty range: exhausted, no reads_info at all.
  RangeQueryIterator* empty = OrDie(sim->GetStateByRange("cc", "p", "q"));
  EXPECT_TRUE(Drain(empty).empty());
  EXPECT_EQ(Dump(OrDie(sim->Finish())),
            (Lines{"ns cc", "range [b,e) exhausted reads b@1:0 c@1:0 d@1:0", "range [p,q) exhausted",
                   "write bb=uncommitted", "delete c", "ns other", "range [,) exhausted reads x@1:1"}));
}

TEST_F(TxSimulatorTest, RangeStoppedEarlyIsNotExhaustedAndEndsAtTheLastKeyConsumed) {
  auto sim = NewSimulator();
  RangeQueryIterator* range = OrDie(sim->GetStateByRange("cc", "a", ""));
  ASSERT_EQ(OrDie(range->Next())->key, "a");
  ASSERT_EQ(OrDie(range->Next())->key, "b");
  range->Close();
  EXPECT_TRUE(IsFailedPrecondition(range->Next().status()));
  // Opened, never read: only the start key.
  ASSERT_TRUE(sim->GetStateByRange("cc", "c", "z").ok());
  // The same range consumed the same way twice is recorded once (Fabric's
  // builder keeps the first of equal start, end, exhausted).
  for (int i = 0; i < 2; ++i) {
    RangeQueryIterator* again = OrDie(sim->GetStateByRange("cc", "a", ""));
    ASSERT_EQ(OrDie(again->Next())->key, "a");
    ASSERT_EQ(OrDie(again->Next())->key, "b");
  }
  EXPECT_EQ(Dump(OrDie(sim->Finish())),
            (Lines{"ns cc", "range [a,b) open reads a@1:0 b@1:0", "range [c,) open"}));
}

TEST_F(TxSimulatorTest, PaginationRecordsEachPageAndGivesABookmark) {
  auto sim = NewSimulator();
  RangeQueryIterator* page1 = OrDie(sim->GetStateByRangeWithPagination("cc", "a", "z", 2, ""));
  EXPECT_EQ(Drain(page1), (Lines{"a=a1", "b=b1"}));
  EXPECT_EQ(page1->fetched_count(), 2);
  std::string bookmark = OrDie(page1->Bookmark());
  EXPECT_EQ(bookmark, "c");
  EXPECT_TRUE(IsFailedPrecondition(page1->Next().status())) << "Bookmark closes the iterator";

  RangeQueryIterator* page2 = OrDie(sim->GetStateByRangeWithPagination("cc", "a", "z", 2, bookmark));
  EXPECT_EQ(Drain(page2), (Lines{"c=c1", "d=d1"}));
  EXPECT_EQ(OrDie(page2->Bookmark()), "e");
  RangeQueryIterator* page3 = OrDie(sim->GetStateByRangeWithPagination("cc", "a", "z", 2, "e"));
  EXPECT_EQ(Drain(page3), (Lines{"e=e1"}));
  EXPECT_EQ(OrDie(page3->Bookmark()), "") << "no more keys";

  // A page stopped before its end: open, bookmark is the next key.
  RangeQueryIterator* partial = OrDie(sim->GetStateByRangeWithPagination("cc", "", "", 3, ""));
  ASSERT_EQ(OrDie(partial->Next())->key, "a");
  EXPECT_EQ(OrDie(partial->Bookmark()), "b");

  // Fabric: paginated queries only in read-only transactions.
  Status write = sim->PutState("cc", "k", "v");
  EXPECT_TRUE(IsFailedPrecondition(write)) << write.ToString();
  EXPECT_TRUE(IsFailedPrecondition(sim->DelState("cc", "k")));
  EXPECT_TRUE(sim->GetStateByRangeWithPagination("cc", "", "", 0, "").status().IsInvalidArgument());

  EXPECT_EQ(
      Dump(OrDie(sim->Finish())),
      (Lines{"ns cc", "range [a,z) exhausted reads a@1:0 b@1:0", "range [c,z) exhausted reads c@1:0 d@1:0",
             "range [e,z) exhausted reads e@1:1", "range [,a) open reads a@1:0"}));
}

TEST_F(TxSimulatorTest, PaginatedQueryAfterAWriteIsRefused) {
  auto sim = NewSimulator();
  ASSERT_TRUE(sim->PutState("cc", "k", "v").ok());
  auto paginated = sim->GetStateByRangeWithPagination("cc", "", "", 10, "");
  EXPECT_TRUE(IsFailedPrecondition(paginated.status())) << paginated.status().ToString();
  EXPECT_NE(paginated.status().message().find("read-only"), std::string::npos);
  EXPECT_TRUE(sim->GetStateByRange("cc", "", "").ok()) << "plain range queries are fine";
}

TEST_F(TxSimulatorTest, OutputIsSortedAsFabricsBuilderSortsIt) {
  auto sim = NewSimulator();
  ASSERT_TRUE(sim->PutState("zeta", "k", "v").ok());
  ASSERT_TRUE(sim->PutState("cc", "z", "1").ok());
  ASSERT_TRUE(sim->PutState("cc", "a", "2").ok());
  ASSERT_TRUE(sim->PutState("cc", "m", "3").ok());
  ASSERT_TRUE(sim->GetState("other", "x").ok());
  ASSERT_TRUE(sim->GetState("cc", "e").ok());
  ASSERT_TRUE(sim->GetState("cc", "b").ok());
  // Range infos keep opening order, not key order.
  Drain(OrDie(sim->GetStateByRange("cc", "d", "")));
  Drain(OrDie(sim->GetStateByRange("cc", "a", "b")));
  ASSERT_TRUE(sim->GetStateByRange("beta", "", "").ok());  // a namespace with only a range query
  EXPECT_EQ(Dump(OrDie(sim->Finish())),
            (Lines{"ns beta", "range [,) open", "ns cc", "read b@1:0", "read e@1:1",
                   "range [d,) exhausted reads d@1:0 e@1:1", "range [a,b) exhausted reads a@1:0", "write a=2",
                   "write m=3", "write z=1", "ns other", "read x@1:1", "ns zeta", "write k=v"}));
}

TEST_F(TxSimulatorTest, EmptySimulationGivesAnEmptyKvReadWriteSet) {
  auto sim = NewSimulator();
  std::string bytes = OrDie(sim->Finish());
  rwset::TxReadWriteSet empty;
  empty.set_data_model(rwset::TxReadWriteSet::KV);
  EXPECT_EQ(bytes, empty.SerializeAsString());
  EXPECT_TRUE(Dump(bytes).empty());
}

// The produced bytes go into ChaincodeAction.results unchanged, and the
// ledger reads the same writes back and commits them.
TEST_F(TxSimulatorTest, ResultsRoundTripThroughTheLedgersWriteSetExtraction) {
  auto sim = NewSimulator();
  ASSERT_TRUE(sim->GetState("cc", "a").ok());
  Drain(OrDie(sim->GetStateByRange("cc", "b", "d")));
  ASSERT_TRUE(sim->PutState("other", "y", "y2").ok());
  ASSERT_TRUE(sim->PutState("cc", "a", "a2").ok());
  ASSERT_TRUE(sim->DelState("cc", "b").ok());
  ASSERT_TRUE(sim->PutState("cc", "\xE2\x82\xAC", "euro").ok());
  std::string results = OrDie(sim->Finish());

  auto client = NewSigner("client");
  std::string envelope = EnvelopeWithResults(*client, "cc", results);
  EXPECT_EQ(ResultsInEnvelope(envelope), results);
  rwset::TxReadWriteSet parsed;
  ASSERT_TRUE(parsed.ParseFromString(results));
  EXPECT_EQ(parsed.SerializeAsString(), results) << "re-marshalling changed the bytes";

  auto write_set = ExtractTxWriteSet(envelope);
  ASSERT_TRUE(write_set.ok()) << write_set.status().ToString();
  Lines writes;
  for (const KeyWrite& write : write_set->writes)
    writes.push_back(write.ns + "/" + write.key + (write.is_delete ? " deleted" : "=" + write.value));
  EXPECT_EQ(writes, (Lines{"cc/a=a2", "cc/b deleted", "cc/\xE2\x82\xAC=euro", "other/y=y2"}));

  ASSERT_TRUE(ledger_->Commit(chain_.Next({envelope}), {kValid}).ok());
  EXPECT_EQ(ledger_->state().Get("cc", "a")->value().value, "a2");
  EXPECT_EQ(ledger_->state().Get("cc", "a")->value().version, (Version{2, 0}));
  EXPECT_FALSE(ledger_->state().Get("cc", "b")->has_value());
  EXPECT_EQ(ledger_->state().Get("other", "y")->value().value, "y2");
}

TEST_F(TxSimulatorTest, CommitsAfterTheStartAreInvisible) {
  auto sim = NewSimulator();
  CommitBlock({txs_.Make({Put("cc", "a", "a-new"), Put("cc", "bb", "inserted"), Del("cc", "c")})});
  EXPECT_EQ(OrDie(sim->GetState("cc", "a")), std::optional<std::string>("a1"));
  EXPECT_EQ(OrDie(sim->GetState("cc", "c")), std::optional<std::string>("c1"));
  EXPECT_FALSE(OrDie(sim->GetState("cc", "bb")).has_value());
  EXPECT_EQ(Drain(OrDie(sim->GetStateByRange("cc", "a", "d"))), (Lines{"a=a1", "b=b1", "c=c1"}));
  EXPECT_EQ(Dump(OrDie(sim->Finish())), (Lines{"ns cc", "read a@1:0", "read bb@-", "read c@1:0",
                                               "range [a,d) exhausted reads a@1:0 b@1:0 c@1:0"}));

  auto later = NewSimulator();
  EXPECT_EQ(OrDie(later->GetState("cc", "a")), std::optional<std::string>("a-new"));
  EXPECT_EQ(Drain(OrDie(later->GetStateByRange("cc", "a", "d"))), (Lines{"a=a-new", "b=b1", "bb=inserted"}));
}

TEST_F(TxSimulatorTest, InvalidKeysAreRefusedByName) {
  auto sim = NewSimulator();
  for (const std::string& bad : {std::string(), std::string("\xFF"), std::string("ok\xC0\x80"),
                                 std::string("\xED\xA0\x80"), std::string("cut\xE2\x82")}) {
    Status put = sim->PutState("cc", bad, "v");
    EXPECT_TRUE(put.IsInvalidArgument()) << PrintableBytes(bad) << ": " << put.ToString();
    EXPECT_NE(put.message().find("'" + PrintableBytes(bad) + "'"), std::string::npos) << put.message();
    EXPECT_NE(put.message().find("tx-under-test"), std::string::npos) << put.message();
    EXPECT_TRUE(sim->DelState("cc", bad).IsInvalidArgument());
    EXPECT_TRUE(sim->GetState("cc", bad).status().IsInvalidArgument());
    EXPECT_TRUE(sim->GetHistoryForKey("cc", bad).status().IsInvalidArgument());
  }
  EXPECT_TRUE(sim->GetStateByRange("cc", "\xFF", "").status().IsInvalidArgument());
  EXPECT_TRUE(sim->GetStateByRange("cc", "", "\xC3").status().IsInvalidArgument());
  // Composite keys (leading U+0000) and multi-byte characters are valid.
  EXPECT_TRUE(sim->PutState("cc", std::string("\0asset\0id\0", 10), "v").ok());
  EXPECT_TRUE(sim->PutState("cc", "\xF0\x9F\x98\x80", "v").ok());
  EXPECT_EQ(Dump(OrDie(sim->Finish())).size(), 3u) << "refused calls recorded nothing";
}

TEST_F(TxSimulatorTest, NothingWorksAfterFinish) {
  auto sim = NewSimulator();
  RangeQueryIterator* range = OrDie(sim->GetStateByRange("cc", "", ""));
  ASSERT_TRUE(sim->Finish().ok());
  EXPECT_TRUE(sim->finished());
  EXPECT_TRUE(IsFailedPrecondition(sim->PutState("cc", "k", "v")));
  EXPECT_TRUE(IsFailedPrecondition(sim->DelState("cc", "k")));
  EXPECT_TRUE(IsFailedPrecondition(sim->GetState("cc", "a").status()));
  EXPECT_TRUE(IsFailedPrecondition(sim->GetStateByRange("cc", "", "").status()));
  EXPECT_TRUE(IsFailedPrecondition(range->Next().status()));
  EXPECT_TRUE(IsFailedPrecondition(sim->Finish().status()));
}

TEST_F(TxSimulatorTest, HistoryQueriesAreNotRecorded) {
  CommitBlock({txs_.Make({Put("cc", "a", "a2")})});
  auto sim = NewSimulator();
  auto history = sim->GetHistoryForKey("cc", "a");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].value, "a2") << "newest first";
  EXPECT_EQ((*history)[1].value, "a1");
  EXPECT_TRUE(Dump(OrDie(sim->Finish())).empty());

  TxSimulator without_ledger("t", ledger_->state().NewSnapshot());
  EXPECT_TRUE(IsFailedPrecondition(without_ledger.GetHistoryForKey("cc", "a").status()));
}

}  // namespace
}  // namespace loom::ledger
