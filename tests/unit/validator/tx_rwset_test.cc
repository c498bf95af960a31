// ExtractTxReadWriteSet: every part of a KVRWSet per namespace, nothing for
// non-endorser transactions, one clear error for a malformed namespace.
#include "core/validator/tx_rwset.h"

#include <gtest/gtest.h>

#include "common/common.pb.h"
#include "core/crypto/ecdsa.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"
#include "mvcc_test_support.h"

namespace loom::validator {
namespace {

using namespace loom::validator::testing;  // NOLINT(google-build-using-namespace)

class TxRwSetTest : public ::testing::Test {
 protected:
  TxRwSetTest() {
    auto key = crypto::PrivateKey::Generate();
    EXPECT_TRUE(key.ok());
    signer_ = std::make_unique<protocol::KeySigner>(*key, protocol::SerializeIdentity("Org1MSP", "client"));
  }
  loom::testing::SignedTransaction Make(const TxRwSet& rwset) {
    auto tx = loom::testing::MakeEndorserTransactionWithRwSet(*signer_, *signer_, "ch", "cc", rwset);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    return *tx;
  }
  std::unique_ptr<protocol::Signer> signer_;
};

TEST_F(TxRwSetTest, ExtractsReadsRangesWritesAndDeletesPerNamespace) {
  TxRangeQuery merkle = Range("cc", "m", "n", true, {});
  merkle.merkle_summary = true;
  auto tx = Make(TxRwSet{{ReadAt("cc", "a", 3, 1), ReadAbsent("cc", "b"), ReadAt("lib", "x", 0, 0)},
                         {Range("cc", "a", "k", false, {Saw("a", 3, 1), Saw("k", 2, 0)}), merkle,
                          Range("lib", "", "", true, {})},
                         {Put("cc", "a", "1"), Del("cc", "b"), Put("other", "z", std::string("\0\xff", 2))}});
  auto rwset = ExtractTxReadWriteSet(tx.envelope);
  ASSERT_TRUE(rwset.ok()) << rwset.status().ToString();
  EXPECT_EQ(rwset->header_type, common::ENDORSER_TRANSACTION);
  EXPECT_EQ(rwset->tx_id, tx.tx_id);
  ASSERT_EQ(rwset->namespaces.size(), 3u);

  const NsReadWriteSet& cc = rwset->namespaces[0];
  EXPECT_EQ(cc.ns, "cc");
  ASSERT_EQ(cc.reads.size(), 2u);
  EXPECT_EQ(cc.reads[0], (KeyRead{"a", ledger::Version{3, 1}}));
  EXPECT_EQ(cc.reads[1], (KeyRead{"b", std::nullopt}));
  ASSERT_EQ(cc.range_queries.size(), 2u);
  EXPECT_EQ(cc.range_queries[0].start_key, "a");
  EXPECT_EQ(cc.range_queries[0].end_key, "k");
  EXPECT_FALSE(cc.range_queries[0].itr_exhausted);
  EXPECT_FALSE(cc.range_queries[0].merkle_summary);
  EXPECT_EQ(cc.range_queries[0].raw_reads,
            (std::vector<KeyRead>{{"a", ledger::Version{3, 1}}, {"k", ledger::Version{2, 0}}}));
  EXPECT_TRUE(cc.range_queries[1].merkle_summary);
  EXPECT_TRUE(cc.range_queries[1].itr_exhausted);
  EXPECT_TRUE(cc.range_queries[1].raw_reads.empty());
  ASSERT_EQ(cc.writes.size(), 2u);
  EXPECT_EQ(cc.writes[0].key, "a");
  EXPECT_EQ(cc.writes[0].value, "1");
  EXPECT_FALSE(cc.writes[0].is_delete);
  EXPECT_EQ(cc.writes[1].key, "b");
  EXPECT_TRUE(cc.writes[1].is_delete);

  const NsReadWriteSet& lib = rwset->namespaces[1];
  EXPECT_EQ(lib.ns, "lib");
  EXPECT_EQ(lib.reads, (std::vector<KeyRead>{{"x", ledger::Version{0, 0}}}));
  ASSERT_EQ(lib.range_queries.size(), 1u);
  EXPECT_EQ(lib.range_queries[0].start_key, "");
  EXPECT_EQ(lib.range_queries[0].end_key, "");
  EXPECT_TRUE(lib.writes.empty());

  const NsReadWriteSet& other = rwset->namespaces[2];
  EXPECT_EQ(other.ns, "other");
  EXPECT_TRUE(other.reads.empty());
  ASSERT_EQ(other.writes.size(), 1u);
  EXPECT_EQ(other.writes[0].value, std::string("\0\xff", 2));
}

TEST_F(TxRwSetTest, ConfigTransactionHasNoNamespaces) {
  common::Payload payload = protocol::MakePayload(
      protocol::MakeChannelHeader(common::CONFIG, "ch", ""),
      protocol::MakeSignatureHeader(signer_->serialized_identity(), protocol::NewNonce()), "config bytes");
  auto envelope = protocol::SignPayload(payload, *signer_);
  ASSERT_TRUE(envelope.ok());
  auto rwset = ExtractTxReadWriteSet(envelope->SerializeAsString());
  ASSERT_TRUE(rwset.ok()) << rwset.status().ToString();
  EXPECT_EQ(rwset->header_type, common::CONFIG);
  EXPECT_TRUE(rwset->namespaces.empty());
}

TEST_F(TxRwSetTest, MalformedNamespaceRwSetIsNamed) {
  auto tx = Make(TxRwSet{{ReadAt("cc", "a", 0, 0)}, {}, {}});
  std::string envelope = EditResults(tx.envelope, [](rwset::TxReadWriteSet* results) {
    results->mutable_ns_rwset(0)->set_rwset("\xff\xff\xff\xff");
  });
  auto rwset = ExtractTxReadWriteSet(envelope);
  ASSERT_FALSE(rwset.ok());
  EXPECT_EQ(rwset.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(rwset.status().message().find("ns_rwset[0] ('cc')"), std::string::npos)
      << rwset.status().ToString();
}

TEST_F(TxRwSetTest, RecordsPrivateDataCollections) {
  auto tx = Make(TxRwSet{{ReadAt("cc", "a", 0, 0)}, {}, {Put("lib", "b", "1")}});
  std::string envelope = EditResults(tx.envelope, [](rwset::TxReadWriteSet* results) {
    results->mutable_ns_rwset(1)->add_collection_hashed_rwset()->set_collection_name("secrets");
    results->mutable_ns_rwset(1)->add_collection_hashed_rwset()->set_collection_name("more");
  });
  auto rwset = ExtractTxReadWriteSet(envelope);
  ASSERT_TRUE(rwset.ok()) << rwset.status().ToString();
  ASSERT_EQ(rwset->namespaces.size(), 2u);
  EXPECT_TRUE(rwset->namespaces[0].collection_names.empty());
  EXPECT_EQ(rwset->namespaces[1].collection_names, (std::vector<std::string>{"secrets", "more"}));
}

TEST_F(TxRwSetTest, NotAnEnvelopeIsAnError) {
  auto rwset = ExtractTxReadWriteSet("\xff\xff\xff\xff");
  ASSERT_FALSE(rwset.ok());
  EXPECT_EQ(rwset.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace loom::validator
