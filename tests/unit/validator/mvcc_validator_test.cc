// MvccValidator beyond the table: unsupported merkle summaries, decoding of a
// block's transactions, explanations without a writer index and as text,
// determinism, the update batch's last-write-wins, and the re-executed range
// at its bounds.
#include "core/validator/mvcc_validator.h"

#include <gtest/gtest.h>

#include "core/protocol/block.h"
#include "core/validator/block_transactions.h"
#include "core/validator/combined_range.h"
#include "core/validator/writer_index.h"
#include "mvcc_test_support.h"

namespace loom::validator {
namespace {

using namespace loom::validator::testing;  // NOLINT(google-build-using-namespace)
using ledger::Version;

class MvccValidatorTest : public ::testing::Test {
 protected:
  // Block 0: cc/a, cc/b, cc/d; block 1: deletes cc/d, rewrites cc/b.
  MvccValidatorTest() {
    ledger_.CommitBlock(
        {TxRwSet{{}, {}, {Put("cc", "a", "a0"), Put("cc", "b", "b0"), Put("cc", "d", "d0")}}});
    ledger_.CommitBlock({TxRwSet{{}, {}, {Del("cc", "d")}}, TxRwSet{{}, {}, {Put("cc", "b", "b1")}}});
  }

  // Validates `txs` as the next block, all VALID from the parallel phase.
  MvccBlockResult Validate(const std::vector<TxRwSet>& txs, const WriterIndex* writers) {
    common::Block block = ledger_.NextBlock(txs);
    auto decoded = DecodeBlockTransactions(block, std::vector<uint8_t>(txs.size(), protos::VALID));
    EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
    ledger::StateSnapshot snapshot = ledger_.ledger().state().NewSnapshot();
    auto result = MvccValidator(snapshot, writers).ValidateBlock(ledger_.height(), decoded->txs);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? std::move(result).value() : MvccBlockResult();
  }

  MvccLedger ledger_;
};

TEST_F(MvccValidatorTest, MerkleSummaryIsNotSupportedAndItsWritesDoNotCount) {
  TxRangeQuery merkle = Range("cc", "a", "c", true, {});
  merkle.merkle_summary = true;
  LedgerWriterIndex writers(ledger_.ledger());
  MvccBlockResult result = Validate(
      {TxRwSet{{}, {merkle}, {Put("cc", "a", "refused")}}, TxRwSet{{ReadAt("cc", "a", 0, 0)}, {}, {}}},
      &writers);
  ASSERT_EQ(result.codes, (std::vector<uint8_t>{protos::INVALID_OTHER_REASON, protos::VALID}));
  EXPECT_NE(result.txs[0].other_reason.find("merkle summary"), std::string::npos);
  EXPECT_NE(result.txs[0].other_reason.find("[a, c)"), std::string::npos);
  EXPECT_EQ(result.txs[0].Explain(), "INVALID_OTHER_REASON: " + result.txs[0].other_reason);
  EXPECT_TRUE(result.updates.empty());
}

TEST_F(MvccValidatorTest, PrivateDataIsNotSupportedAfterReadsAndRanges) {
  BlockTransaction stale_read;
  stale_read.rwset.namespaces.push_back(
      NsReadWriteSet{"cc", {KeyRead{"a", Version{9, 9}}}, {}, {}, {"secrets"}});
  BlockTransaction fresh_read = stale_read;
  fresh_read.rwset.namespaces[0].reads[0].version = Version{0, 0};
  fresh_read.rwset.namespaces[0].writes.push_back(KeyWrite{"a", "refused", false});
  ledger::StateSnapshot snapshot = ledger_.ledger().state().NewSnapshot();
  auto result = MvccValidator(snapshot).ValidateBlock(2, {stale_read, fresh_read});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->codes, (std::vector<uint8_t>{protos::MVCC_READ_CONFLICT, protos::INVALID_OTHER_REASON}));
  EXPECT_EQ(result->txs[1].other_reason,
            "namespace cc carries private data (collection secrets); not supported");
  EXPECT_TRUE(result->updates.empty());
}

TEST_F(MvccValidatorTest, WithoutWriterIndexTheVersionStillNamesTheWriter) {
  MvccBlockResult result = Validate(
      {TxRwSet{{ReadAt("cc", "b", 0, 0)}, {}, {}}, TxRwSet{{ReadAt("cc", "d", 0, 0)}, {}, {}}}, nullptr);
  ASSERT_EQ(result.codes, (std::vector<uint8_t>{protos::MVCC_READ_CONFLICT, protos::MVCC_READ_CONFLICT}));
  ASSERT_TRUE(result.txs[0].read_conflict && result.txs[0].read_conflict->writer);
  EXPECT_EQ(*result.txs[0].read_conflict->writer, (TxRef{1, 1, "", false, false}));
  // A deleted key's deleter is only known from the history index.
  ASSERT_TRUE(result.txs[1].read_conflict);
  EXPECT_EQ(result.txs[1].read_conflict->version_found, std::nullopt);
  EXPECT_FALSE(result.txs[1].read_conflict->writer.has_value());
}

TEST_F(MvccValidatorTest, ExplainNamesKeyVersionsAndWriter) {
  LedgerWriterIndex writers(ledger_.ledger());
  MvccBlockResult result =
      Validate({TxRwSet{{ReadAt("cc", "b", 0, 0)}, {}, {}}, TxRwSet{{}, {}, {Put("cc", "c", "c2")}},
                TxRwSet{{}, {Range("cc", "a", "z", true, {Saw("a", 0, 0), Saw("b", 1, 1)})}, {}}},
               &writers);
  EXPECT_EQ(result.txs[0].Explain(),
            "MVCC_READ_CONFLICT: cc/b read at version 0:0, found 1:1, written by tx " + ledger_.TxId(1, 1) +
                " (block 1, tx 1)");
  EXPECT_EQ(result.txs[1].Explain(), "");
  EXPECT_EQ(result.txs[2].Explain(),
            "PHANTOM_READ_CONFLICT: range [a, z) of cc: key c appeared (read absent, found "
            "2:1), written by earlier tx " +
                ledger_.TxId(2, 1) + " (block 2, tx 1)");
}

TEST_F(MvccValidatorTest, SameBlockGivesSameCodesAndUpdates) {
  std::vector<TxRwSet> txs = {
      TxRwSet{{ReadAt("cc", "a", 0, 0)}, {}, {Put("cc", "a", "x"), Del("cc", "b")}},
      TxRwSet{{ReadAt("cc", "a", 0, 0)}, {}, {Put("cc", "e", "y")}},
      TxRwSet{{}, {Range("cc", "a", "z", true, {Saw("a", 0, 0)})}, {Put("cc", "f", "z")}},
      TxRwSet{{ReadAbsent("cc", "d")}, {}, {Put("cc", "d", "again")}},
  };
  common::Block block = ledger_.NextBlock(txs);
  const std::vector<uint8_t> input(txs.size(), protos::VALID);
  LedgerWriterIndex writers(ledger_.ledger());
  std::vector<std::vector<uint8_t>> runs;
  std::vector<UpdateBatch> batches;
  for (const WriterIndex* index :
       {static_cast<const WriterIndex*>(&writers), static_cast<const WriterIndex*>(nullptr),
        static_cast<const WriterIndex*>(&writers)}) {
    auto decoded = DecodeBlockTransactions(block, input);
    ASSERT_TRUE(decoded.ok());
    ledger::StateSnapshot snapshot = ledger_.ledger().state().NewSnapshot();
    auto result = MvccValidator(snapshot, index).ValidateBlock(2, decoded->txs);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    runs.push_back(result->codes);
    batches.push_back(result->updates);
  }
  EXPECT_EQ(runs[0], (std::vector<uint8_t>{protos::VALID, protos::MVCC_READ_CONFLICT,
                                           protos::PHANTOM_READ_CONFLICT, protos::VALID}));
  EXPECT_EQ(runs[1], runs[0]);
  EXPECT_EQ(runs[2], runs[0]);
  EXPECT_EQ(batches[1].namespaces(), batches[0].namespaces());
  EXPECT_EQ(batches[2].namespaces(), batches[0].namespaces());
}

TEST_F(MvccValidatorTest, UpdateBatchKeepsTheLastWriteOfEachKey) {
  MvccBlockResult result = Validate(
      {TxRwSet{{}, {}, {Put("cc", "a", "1"), Put("cc", "a", "2"), Put("x", "k", "v")}},
       TxRwSet{{}, {}, {Del("cc", "a"), Put("cc", "n", "3")}}, TxRwSet{{}, {}, {Put("cc", "n", "4")}}},
      nullptr);
  ASSERT_EQ(result.codes, std::vector<uint8_t>(3, protos::VALID));
  ASSERT_NE(result.updates.Find("cc", "a"), nullptr);
  EXPECT_EQ(*result.updates.Find("cc", "a"), (StateUpdate{"", true, Version{2, 1}}));
  EXPECT_EQ(*result.updates.Find("cc", "n"), (StateUpdate{"4", false, Version{2, 2}}));
  EXPECT_EQ(*result.updates.Find("x", "k"), (StateUpdate{"v", false, Version{2, 0}}));
  EXPECT_EQ(result.updates.Find("cc", "b"), nullptr);
  EXPECT_EQ(result.updates.Find("nowhere", "a"), nullptr);
}

TEST_F(MvccValidatorTest, DecodeTurnsUndecodableValidTxIntoInvalidOtherReason) {
  common::Block block = ledger_.NextBlock({TxRwSet{{ReadAt("cc", "a", 0, 0)}, {}, {}}});
  block.mutable_data()->add_data("\xff\xff not an envelope");
  block.mutable_data()->add_data("\xff\xff not an envelope either");
  auto decoded = DecodeBlockTransactions(block, {protos::VALID, protos::VALID, protos::BAD_PAYLOAD});
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->txs.size(), 3u);
  EXPECT_EQ(decoded->txs[0].code, protos::VALID);
  EXPECT_EQ(decoded->txs[0].rwset.namespaces.size(), 1u);
  EXPECT_EQ(decoded->txs[1].code, protos::INVALID_OTHER_REASON);
  EXPECT_EQ(decoded->txs[2].code, protos::BAD_PAYLOAD);  // not decoded: already invalid
  ASSERT_EQ(decoded->decode_errors.size(), 1u);
  EXPECT_EQ(decoded->decode_errors.begin()->first, 1u);

  ledger::StateSnapshot snapshot = ledger_.ledger().state().NewSnapshot();
  auto result = MvccValidator(snapshot).ValidateBlock(2, decoded->txs);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->codes,
            (std::vector<uint8_t>{protos::VALID, protos::INVALID_OTHER_REASON, protos::BAD_PAYLOAD}));
}

TEST_F(MvccValidatorTest, DecodeRefusesWrongCodeCount) {
  common::Block block = ledger_.NextBlock({TxRwSet{}, TxRwSet{}});
  auto decoded = DecodeBlockTransactions(block, {protos::VALID});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("2 transactions but 1 validation codes"), std::string::npos);
}

// Keys of a CombinedRange, as "key@block:tx".
std::vector<std::string> Walk(CombinedRange range) {
  std::vector<std::string> keys;
  while (true) {
    auto entry = range.Next();
    EXPECT_TRUE(entry.ok()) << entry.status().ToString();
    if (!entry.ok() || !entry->has_value()) return keys;
    keys.push_back((*entry)->key + "@" + std::to_string((*entry)->version.block_num) + ":" +
                   std::to_string((*entry)->version.tx_num));
  }
}

TEST_F(MvccValidatorTest, CombinedRangeBounds) {
  ledger::StateSnapshot snapshot = ledger_.ledger().state().NewSnapshot();
  UpdateBatch updates;
  updates.Put("cc", std::string("b\0", 2), "just after b", Version{2, 0});
  updates.Put("cc", "c", "new", Version{2, 1});
  updates.Delete("cc", "a", Version{2, 2});
  updates.Put("other", "b", "elsewhere", Version{2, 3});
  using Keys = std::vector<std::string>;
  const std::string b0("b\0", 2);
  EXPECT_EQ(Walk(CombinedRange(snapshot, updates, "cc", "a", "c", false)), (Keys{"b@1:1", b0 + "@2:0"}));
  EXPECT_EQ(Walk(CombinedRange(snapshot, updates, "cc", "a", "c", true)),
            (Keys{"b@1:1", b0 + "@2:0", "c@2:1"}));
  EXPECT_EQ(Walk(CombinedRange(snapshot, updates, "cc", "a", "b", true)), (Keys{"b@1:1"}));
  EXPECT_EQ(Walk(CombinedRange(snapshot, updates, "cc", "", "", true)),
            (Keys{"b@1:1", b0 + "@2:0", "c@2:1"}));
  EXPECT_EQ(Walk(CombinedRange(snapshot, updates, "other", "", "", false)), (Keys{"b@2:3"}));
  EXPECT_EQ(Walk(CombinedRange(snapshot, updates, "none", "", "", false)), (Keys{}));
}

}  // namespace
}  // namespace loom::validator
