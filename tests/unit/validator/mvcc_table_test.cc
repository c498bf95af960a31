// The MVCC table: one case per rule of mvcc_validator.h, each a block of
// transactions validated against the same committed base state, checking
// every code and every explanation field by field, then committing the block
// with the codes and checking that the update batch is what KvLedger stored.
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/validator/block_transactions.h"
#include "core/validator/mvcc_validator.h"
#include "core/validator/writer_index.h"
#include "mvcc_test_support.h"

namespace loom::validator {
namespace {

using namespace loom::validator::testing;  // NOLINT(google-build-using-namespace): the table's vocabulary
using ledger::Version;

// The writer an explanation must name; the tx id is the one the test made.
struct Writer {
  uint64_t block = 0;
  uint64_t tx = 0;
  bool in_this_block = false;
  bool is_delete = false;
};

struct ExpectedRead {
  std::string ns;
  std::string key;
  std::optional<Version> read;
  std::optional<Version> found;
  Writer writer;
};

struct ExpectedPhantom {
  std::string ns;
  std::string start_key;
  std::string end_key;
  bool itr_exhausted = true;
  std::string key;
  RangeChange change = RangeChange::kAppeared;
  std::optional<Version> read;
  std::optional<Version> found;
  Writer writer;
};

struct TxCase {
  TxRwSet rwset;
  protos::TxValidationCode expected = protos::VALID;
  protos::TxValidationCode input = protos::VALID;  // the parallel phase's code
  std::optional<ExpectedRead> read_conflict = {};
  std::optional<ExpectedPhantom> phantom = {};
};

struct MvccCase {
  std::string name;
  std::vector<TxCase> block;  // validated as block 2 over the base state
};

// gtest prints a failing case by its name.
void PrintTo(const MvccCase& test_case, std::ostream* out) {
  *out << test_case.name;
}

constexpr protos::TxValidationCode kValid = protos::VALID;
constexpr protos::TxValidationCode kMvcc = protos::MVCC_READ_CONFLICT;
constexpr protos::TxValidationCode kPhantom = protos::PHANTOM_READ_CONFLICT;
constexpr uint64_t kBlock = 2;  // the block under test

TxRwSet Reads(std::vector<TxRead> reads, std::vector<TxWrite> writes = {}) {
  return TxRwSet{std::move(reads), {}, std::move(writes)};
}
TxRwSet Writes(std::vector<TxWrite> writes) {
  return TxRwSet{{}, {}, std::move(writes)};
}
TxRwSet Ranges(std::vector<TxRangeQuery> ranges) {
  return TxRwSet{{}, std::move(ranges), {}};
}

// Base state (versions are block:tx):
//   block 0: tx0 puts cc/a, cc/b, cc/c, cc/k; tx1 puts other/a
//   block 1: tx0 puts cc/b; tx1 deletes cc/c; tx2 creates cc/x
// so before block 2: cc/a@0:0 cc/b@1:0 cc/k@0:0 cc/x@1:2 other/a@0:1.
void CommitBase(MvccLedger* ledger) {
  ledger->CommitBlock(
      {Writes({Put("cc", "a", "a0"), Put("cc", "b", "b0"), Put("cc", "c", "c0"), Put("cc", "k", "k0")}),
       Writes({Put("other", "a", "oa0")})});
  ledger->CommitBlock(
      {Writes({Put("cc", "b", "b1")}), Writes({Del("cc", "c")}), Writes({Put("cc", "x", "x1")})});
}

// The whole committed cc namespace as a range in [a, z) read it.
std::vector<TxRead> SawAllOfCc() {
  return {Saw("a", 0, 0), Saw("b", 1, 0), Saw("k", 0, 0), Saw("x", 1, 2)};
}

std::vector<MvccCase> Cases() {
  return {
      {"AbsentReadButCreatedInEarlierBlock",
       {{Reads({ReadAbsent("cc", "x")}), kMvcc, kValid, ExpectedRead{"cc", "x", {}, Version{1, 2}, {1, 2}}}}},
      {"AbsentReadButCreatedEarlierInBlock",
       {{Writes({Put("cc", "n", "n2")})},
        {Reads({ReadAbsent("cc", "n")}), kMvcc, kValid,
         ExpectedRead{"cc", "n", {}, Version{kBlock, 0}, {kBlock, 0, true}}}}},
      {"AbsentReadOfStillAbsentKey", {{Reads({ReadAbsent("cc", "zz")}, {Put("cc", "zz", "new")})}}},
      {"SecondOfTwoReadWritesOfOneKeyConflicts",
       {{Reads({ReadAt("cc", "a", 0, 0)}, {Put("cc", "a", "first")})},
        {Reads({ReadAt("cc", "a", 0, 0)}, {Put("cc", "a", "second")}), kMvcc, kValid,
         ExpectedRead{"cc", "a", Version{0, 0}, Version{kBlock, 0}, {kBlock, 0, true}}}}},
      {"BlindWritesNeverConflict",
       {{Writes({Put("cc", "a", "w0")})},
        {Writes({Put("cc", "a", "w1")})},
        {Writes({Del("cc", "a")})},
        {Writes({Put("cc", "a", "w3"), Put("cc", "b", "w3")})}}},
      {"ReadAfterDeleteEarlierInBlock",
       {{Reads({ReadAt("cc", "b", 1, 0)}, {Del("cc", "b")})},
        {Reads({ReadAt("cc", "b", 1, 0)}), kMvcc, kValid,
         ExpectedRead{"cc", "b", Version{1, 0}, {}, {kBlock, 0, true, true}}}}},
      {"ReadOfKeyDeletedInEarlierBlock",
       {{Reads({ReadAt("cc", "c", 0, 0)}), kMvcc, kValid,
         ExpectedRead{"cc", "c", Version{0, 0}, {}, {1, 1, false, true}}},
        {Reads({ReadAbsent("cc", "c")})}}},
      {"VersionsFromEarlierBlocks",
       {{Reads({ReadAt("cc", "a", 0, 0), ReadAt("cc", "b", 1, 0), ReadAt("cc", "k", 0, 0)})},
        {Reads({ReadAt("cc", "a", 0, 0), ReadAt("cc", "b", 0, 0)}), kMvcc, kValid,
         ExpectedRead{"cc", "b", Version{0, 0}, Version{1, 0}, {1, 0}}}}},
      {"RangeWithKeyInsertedInsideEarlierInBlock",
       {{Writes({Put("cc", "d", "d2")})},
        {Ranges({Range("cc", "a", "z", true, SawAllOfCc())}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{
             "cc", "a", "z", true, "d", RangeChange::kAppeared, {}, Version{kBlock, 0}, {kBlock, 0, true}}}}},
      {"RangeWithKeysInsertedOutside",
       {{Writes({Put("cc", "0", "before"), Put("cc", "z", "at the end key"), Put("cc", "zz", "after")})},
        {Ranges({Range("cc", "a", "z", true, SawAllOfCc())})}}},
      {"RangeMissingKeyCreatedInEarlierBlock",
       {{Ranges({Range("cc", "a", "z", true, {Saw("a", 0, 0), Saw("b", 1, 0), Saw("k", 0, 0)})}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{"cc", "a", "z", true, "x", RangeChange::kAppeared, {}, Version{1, 2}, {1, 2}}}}},
      {"RangeWithKeyDeletedEarlierInBlock",
       {{Writes({Del("cc", "k")})},
        {Ranges({Range("cc", "a", "z", true, SawAllOfCc())}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{
             "cc", "a", "z", true, "k", RangeChange::kWent, Version{0, 0}, {}, {kBlock, 0, true, true}}}}},
      {"RangeWithKeyDeletedInEarlierBlock",
       {{Ranges({Range("cc", "a", "z", true,
                       {Saw("a", 0, 0), Saw("b", 1, 0), Saw("c", 0, 0), Saw("k", 0, 0), Saw("x", 1, 2)})}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{
             "cc", "a", "z", true, "c", RangeChange::kWent, Version{0, 0}, {}, {1, 1, false, true}}}}},
      {"RangeWithKeyRewrittenEarlierInBlock",
       {{Writes({Put("cc", "b", "b2")})},
        {Ranges({Range("cc", "a", "z", true, SawAllOfCc())}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{"cc",
                         "a",
                         "z",
                         true,
                         "b",
                         RangeChange::kVersionChanged,
                         Version{1, 0},
                         Version{kBlock, 0},
                         {kBlock, 0, true}}}}},
      {"UnexhaustedRangeIgnoresKeysAfterItsStop",
       {{Writes({Put("cc", "c5", "after the stop"), Put("cc", "m", "after the stop"), Del("cc", "x")})},
        {Ranges({Range("cc", "a", "b", false, {Saw("a", 0, 0), Saw("b", 1, 0)})})}}},
      {"UnexhaustedRangeSeesInsertBeforeItsStop",
       {{Writes({Put("cc", "a5", "inside")})},
        {Ranges({Range("cc", "a", "b", false, {Saw("a", 0, 0), Saw("b", 1, 0)})}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{"cc",
                         "a",
                         "b",
                         false,
                         "a5",
                         RangeChange::kAppeared,
                         {},
                         Version{kBlock, 0},
                         {kBlock, 0, true}}}}},
      {"UnexhaustedRangeIncludesItsLastKey",
       {{Writes({Put("cc", "b", "b2")})},
        {Ranges({Range("cc", "a", "b", false, {Saw("a", 0, 0), Saw("b", 1, 0)})}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{"cc",
                         "a",
                         "b",
                         false,
                         "b",
                         RangeChange::kVersionChanged,
                         Version{1, 0},
                         Version{kBlock, 0},
                         {kBlock, 0, true}}}}},
      {"NamespacesAreIsolated",
       {{Writes({Put("other", "a", "oa2"), Put("other", "d", "od2"), Del("other", "x")})},
        {TxRwSet{{ReadAt("cc", "a", 0, 0), ReadAbsent("cc", "d")},
                 {Range("cc", "a", "z", true, SawAllOfCc())},
                 {}}},
        {Reads({ReadAt("other", "a", 0, 1)}), kMvcc, kValid,
         ExpectedRead{"other", "a", Version{0, 1}, Version{kBlock, 0}, {kBlock, 0, true}}}}},
      {"AlreadyInvalidTxWritesDoNotCount",
       {{Writes({Put("cc", "a", "refused"), Del("cc", "k"), Put("cc", "d", "refused")}),
         protos::ENDORSEMENT_POLICY_FAILURE, protos::ENDORSEMENT_POLICY_FAILURE},
        {TxRwSet{{ReadAt("cc", "a", 0, 0), ReadAbsent("cc", "d")},
                 {Range("cc", "a", "z", true, SawAllOfCc())},
                 {}}}}},
      {"ConflictingTxWritesDoNotCount",
       {{Reads({ReadAt("cc", "a", 9, 9)}, {Put("cc", "b", "refused")}), kMvcc, kValid,
         ExpectedRead{"cc", "a", Version{9, 9}, Version{0, 0}, {0, 0}}},
        {Reads({ReadAt("cc", "b", 1, 0)}, {Put("cc", "b", "b2")})}}},
      {"WholeNamespaceRange",
       {{Ranges({Range("cc", "", "", true, SawAllOfCc())})},
        {Writes({Put("other", "q", "elsewhere")})},
        {Ranges({Range("cc", "", "", true, SawAllOfCc())})},
        {Writes({Put("cc", "zzz", "last")})},
        {Ranges({Range("cc", "", "", true, SawAllOfCc())}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{
             "cc", "", "", true, "zzz", RangeChange::kAppeared, {}, Version{kBlock, 3}, {kBlock, 3, true}}}}},
      {"EmptyRangeGainsAKey",
       {{Ranges({Range("cc", "n", "q", true, {})})},
        {Writes({Put("cc", "p", "p2")})},
        {Ranges({Range("cc", "n", "q", true, {})}),
         kPhantom,
         kValid,
         {},
         ExpectedPhantom{
             "cc", "n", "q", true, "p", RangeChange::kAppeared, {}, Version{kBlock, 1}, {kBlock, 1, true}}}}},
      {"ReadsAreCheckedBeforeRanges",
       {{Writes({Put("cc", "a", "a2")})},
        {TxRwSet{{ReadAt("cc", "a", 0, 0)}, {Range("cc", "a", "z", true, SawAllOfCc())}, {}}, kMvcc, kValid,
         ExpectedRead{"cc", "a", Version{0, 0}, Version{kBlock, 0}, {kBlock, 0, true}}}}},
  };
}

void ExpectWriter(const std::optional<TxRef>& actual, const Writer& expected, const MvccLedger& ledger) {
  ASSERT_TRUE(actual.has_value());
  EXPECT_EQ(actual->block_num, expected.block);
  EXPECT_EQ(actual->tx_num, expected.tx);
  EXPECT_EQ(actual->tx_id, ledger.TxId(expected.block, expected.tx));
  EXPECT_FALSE(actual->tx_id.empty());
  EXPECT_EQ(actual->in_this_block, expected.in_this_block);
  EXPECT_EQ(actual->is_delete, expected.is_delete);
}

class MvccTable : public ::testing::TestWithParam<MvccCase> {};

TEST_P(MvccTable, CodesExplanationsAndUpdates) {
  const MvccCase& test_case = GetParam();
  MvccLedger ledger;
  CommitBase(&ledger);
  ASSERT_EQ(ledger.height(), kBlock);

  std::vector<TxRwSet> rwsets;
  std::vector<uint8_t> input_codes;
  for (const TxCase& tx : test_case.block) {
    rwsets.push_back(tx.rwset);
    input_codes.push_back(static_cast<uint8_t>(tx.input));
  }
  common::Block block = ledger.NextBlock(rwsets);
  auto decoded = DecodeBlockTransactions(block, input_codes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->decode_errors.empty());

  ledger::StateSnapshot snapshot = ledger.ledger().state().NewSnapshot();
  LedgerWriterIndex writers(ledger.ledger());
  auto result = MvccValidator(snapshot, &writers).ValidateBlock(kBlock, decoded->txs);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->txs.size(), test_case.block.size());
  ASSERT_EQ(result->codes.size(), test_case.block.size());

  for (size_t i = 0; i < test_case.block.size(); ++i) {
    SCOPED_TRACE("tx " + std::to_string(i) + ": " + result->txs[i].Explain());
    const TxCase& expected = test_case.block[i];
    const TxMvccResult& actual = result->txs[i];
    EXPECT_EQ(actual.code, expected.expected);
    EXPECT_EQ(result->codes[i], static_cast<uint8_t>(expected.expected));
    EXPECT_EQ(actual.read_conflict.has_value(), expected.read_conflict.has_value());
    EXPECT_EQ(actual.phantom.has_value(), expected.phantom.has_value());
    EXPECT_TRUE(actual.other_reason.empty());
    if (actual.read_conflict && expected.read_conflict) {
      const ReadConflict& got = *actual.read_conflict;
      const ExpectedRead& want = *expected.read_conflict;
      EXPECT_EQ(got.ns, want.ns);
      EXPECT_EQ(got.key, want.key);
      EXPECT_EQ(got.version_read, want.read);
      EXPECT_EQ(got.version_found, want.found);
      ExpectWriter(got.writer, want.writer, ledger);
    }
    if (actual.phantom && expected.phantom) {
      const PhantomConflict& got = *actual.phantom;
      const ExpectedPhantom& want = *expected.phantom;
      EXPECT_EQ(got.ns, want.ns);
      EXPECT_EQ(got.start_key, want.start_key);
      EXPECT_EQ(got.end_key, want.end_key);
      EXPECT_EQ(got.itr_exhausted, want.itr_exhausted);
      EXPECT_EQ(got.key, want.key);
      EXPECT_EQ(got.change, want.change);
      EXPECT_EQ(got.version_read, want.read);
      EXPECT_EQ(got.version_found, want.found);
      ExpectWriter(got.writer, want.writer, ledger);
    }
  }

  // The codes are KvLedger's input, and the batch is what it then stores.
  ASSERT_TRUE(ledger.Commit(block, result->codes).ok());
  for (const auto& [ns, keys] : result->updates.namespaces()) {
    for (const auto& [key, update] : keys) {
      SCOPED_TRACE(ns + "/" + key);
      auto stored = ledger.ledger().state().Get(ns, key);
      ASSERT_TRUE(stored.ok()) << stored.status().ToString();
      ASSERT_EQ(stored->has_value(), !update.is_delete);
      if (!update.is_delete) {
        EXPECT_EQ((*stored)->value, update.value);
        EXPECT_EQ((*stored)->version, update.version);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, MvccTable, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<MvccCase>& info) { return info.param.name; });

}  // namespace
}  // namespace loom::validator
