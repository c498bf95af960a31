// BlockCutter: every rule of Fabric's blockcutter, table-driven, plus the
// invariants over random input.
#include "core/orderer/block_cutter.h"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "orderer_test_support.h"

namespace loom::orderer {
namespace {

using testing::EnvelopeId;
using testing::SizedEnvelope;

// One step of a scenario: Ordered(envelope of `size` bytes) or a timeout Cut.
struct Step {
  enum Kind { kOrder, kTimeout } kind = kOrder;
  size_t size = 0;
};
Step Order(size_t size) {
  return {Step::kOrder, size};
}
Step Timeout() {
  return {Step::kTimeout, 0};
}

// A batch as ids of the envelopes in it (envelope i = the i-th kOrder step).
struct ExpectedBatch {
  std::vector<int> ids;
  CutReason reason;
};

struct CutterCase {
  const char* name;
  uint32_t max_message_count;
  uint32_t preferred_max_bytes;
  std::vector<Step> steps;
  // Batches cut by each step, in order.
  std::vector<std::vector<ExpectedBatch>> cuts;
  size_t pending_count_after;
  uint64_t pending_bytes_after;
};

std::string Describe(const std::vector<Batch>& batches) {
  std::string text;
  for (const Batch& batch : batches) {
    text += std::string(CutReasonName(batch.reason)) + "{ ";
    for (const std::string& envelope : batch.envelopes) text += std::to_string(EnvelopeId(envelope)) + " ";
    text += "} ";
  }
  return text.empty() ? "nothing " : text;
}

std::string Describe(const std::vector<ExpectedBatch>& batches) {
  std::string text;
  for (const ExpectedBatch& batch : batches) {
    text += std::string(CutReasonName(batch.reason)) + "{ ";
    for (int id : batch.ids) text += std::to_string(id) + " ";
    text += "} ";
  }
  return text.empty() ? "nothing " : text;
}

const std::vector<CutterCase>& Cases() {
  using R = CutReason;
  static const std::vector<CutterCase> cases = {
      {"pending below both limits", 3, 100, {Order(10), Order(10)}, {{}, {}}, 2, 20},
      {"MaxMessageCount reached cuts",
       3,
       100,
       {Order(10), Order(10), Order(10)},
       {{}, {}, {{{0, 1, 2}, R::kCount}}},
       0,
       0},
      {"count cut repeats",
       2,
       100,
       {Order(10), Order(10), Order(10), Order(10)},
       {{}, {{{0, 1}, R::kCount}}, {}, {{{2, 3}, R::kCount}}},
       0,
       0},
      {"MaxMessageCount 1 puts each envelope alone",
       1,
       100,
       {Order(10), Order(90)},
       {{{{0}, R::kCount}}, {{{1}, R::kCount}}},
       0,
       0},
      {"reaching PreferredMaxBytes exactly does not cut", 3, 100, {Order(50), Order(50)}, {{}, {}}, 2, 100},
      {"overflowing PreferredMaxBytes cuts the pending batch first",
       3,
       100,
       {Order(60), Order(50)},
       {{}, {{{0}, R::kBytes}}},
       1,
       50},
      {"one byte over PreferredMaxBytes cuts",
       5,
       100,
       {Order(50), Order(46), Order(5)},
       {{}, {}, {{{0, 1}, R::kBytes}}},
       1,
       5},
      {"count cut before bytes would overflow",
       2,
       100,
       {Order(60), Order(30), Order(20), Order(20)},
       {{}, {{{0, 1}, R::kCount}}, {}, {{{2, 3}, R::kCount}}},
       0,
       0},
      {"the envelope that overflowed starts the next batch",
       2,
       100,
       {Order(70), Order(40), Order(10)},
       {{}, {{{0}, R::kBytes}}, {{{1, 2}, R::kCount}}},
       0,
       0},
      {"envelope of exactly PreferredMaxBytes is not oversized",
       3,
       100,
       {Order(100), Order(4)},
       {{}, {{{0}, R::kBytes}}},
       1,
       4},
      {"oversized envelope alone when nothing is pending",
       3,
       100,
       {Order(101)},
       {{{{0}, R::kOversized}}},
       0,
       0},
      {"oversized envelope cuts the pending batch then goes alone",
       3,
       100,
       {Order(10), Order(20), Order(101)},
       {{}, {}, {{{0, 1}, R::kBytes}, {{2}, R::kOversized}}},
       0,
       0},
      {"oversized envelope is alone even with MaxMessageCount 1",
       1,
       100,
       {Order(500)},
       {{{{0}, R::kOversized}}},
       0,
       0},
      {"after an oversized envelope a new batch starts",
       3,
       100,
       {Order(101), Order(10)},
       {{{{0}, R::kOversized}}, {}},
       1,
       10},
      {"two oversized envelopes in a row",
       3,
       100,
       {Order(200), Order(300)},
       {{{{0}, R::kOversized}}, {{{1}, R::kOversized}}},
       0,
       0},
      {"timeout cuts what is pending",
       3,
       100,
       {Order(10), Order(10), Timeout()},
       {{}, {}, {{{0, 1}, R::kTimeout}}},
       0,
       0},
      {"timeout with nothing pending cuts nothing", 3, 100, {Timeout()}, {{}}, 0, 0},
      {"timeout right after a count cut cuts nothing",
       2,
       100,
       {Order(10), Order(10), Timeout()},
       {{}, {{{0, 1}, R::kCount}}, {}},
       0,
       0},
      {"a batch restarts after a timeout",
       2,
       100,
       {Order(10), Timeout(), Order(10), Order(10)},
       {{}, {{{0}, R::kTimeout}}, {}, {{{1, 2}, R::kCount}}},
       0,
       0},
  };
  return cases;
}

// gtest prints the case by name instead of as raw bytes.
void PrintTo(const CutterCase& c, std::ostream* os) {
  *os << c.name;
}

class BlockCutterRules : public ::testing::TestWithParam<CutterCase> {};

TEST_P(BlockCutterRules, CutsAsFabricDoes) {
  const CutterCase& c = GetParam();
  ASSERT_EQ(c.steps.size(), c.cuts.size()) << "bad test case";
  BatchConfig config;
  config.max_message_count = c.max_message_count;
  config.preferred_max_bytes = c.preferred_max_bytes;
  BlockCutter cutter(config);
  int next_id = 0;
  for (size_t i = 0; i < c.steps.size(); ++i) {
    std::vector<Batch> got;
    if (c.steps[i].kind == Step::kOrder) {
      got = cutter.Ordered(SizedEnvelope(next_id++, c.steps[i].size));
    } else if (auto batch = cutter.Cut(CutReason::kTimeout)) {
      got.push_back(std::move(*batch));
    }
    const std::vector<ExpectedBatch>& want = c.cuts[i];
    bool same = got.size() == want.size();
    for (size_t b = 0; same && b < got.size(); ++b) {
      same = got[b].reason == want[b].reason && got[b].envelopes.size() == want[b].ids.size();
      for (size_t e = 0; same && e < got[b].envelopes.size(); ++e) {
        same = EnvelopeId(got[b].envelopes[e]) == want[b].ids[e];
      }
    }
    EXPECT_TRUE(same) << "step " << i << ": got " << Describe(got) << "want " << Describe(want);
  }
  EXPECT_EQ(cutter.pending_count(), c.pending_count_after);
  EXPECT_EQ(cutter.pending_bytes(), c.pending_bytes_after);
  EXPECT_EQ(cutter.has_pending(), c.pending_count_after > 0);
}

INSTANTIATE_TEST_SUITE_P(Table, BlockCutterRules, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<CutterCase>& info) {
                           std::string name;
                           for (char ch : std::string(info.param.name)) {
                             name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return name;
                         });

TEST(EnvelopeSizeBytes, CountsPayloadAndSignatureOnly) {
  common::Envelope envelope;
  envelope.set_payload(std::string(50, 'p'));
  envelope.set_signature(std::string(30, 's'));
  std::string bytes = envelope.SerializeAsString();
  EXPECT_EQ(EnvelopeSizeBytes(bytes), 80u);
  EXPECT_GT(bytes.size(), 80u);  // tags and lengths do not count
}

TEST(EnvelopeSizeBytes, UsesTheLastOccurrenceOfARepeatedField) {
  common::Envelope first;
  first.set_payload(std::string(10, 'a'));
  common::Envelope second;
  second.set_payload(std::string(3, 'b'));
  EXPECT_EQ(EnvelopeSizeBytes(first.SerializeAsString() + second.SerializeAsString()), 3u);
}

TEST(EnvelopeSizeBytes, UnknownFieldsDoNotCount) {
  common::Envelope envelope;
  envelope.set_payload("abc");
  std::string bytes = envelope.SerializeAsString() + std::string("\x18\x05", 2);  // field 3 = 5
  EXPECT_EQ(EnvelopeSizeBytes(bytes), 3u);
}

TEST(EnvelopeSizeBytes, BytesThatAreNotAnEnvelopeCountWhole) {
  EXPECT_EQ(EnvelopeSizeBytes(std::string("\x0a\x10short", 7)), 7u);  // length runs past the end
  EXPECT_EQ(EnvelopeSizeBytes(std::string("\xff\xff", 2)), 2u);
  EXPECT_EQ(EnvelopeSizeBytes(""), 0u);
}

TEST(BlockCutter, SignatureBytesCountTowardsPreferredMaxBytes) {
  BatchConfig config;
  config.max_message_count = 10;
  config.preferred_max_bytes = 100;
  BlockCutter cutter(config);
  common::Envelope envelope;
  envelope.set_payload(std::string(60, 'p'));
  envelope.set_signature(std::string(41, 's'));  // 101 in all: oversized
  auto batches = cutter.Ordered(envelope.SerializeAsString());
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].reason, CutReason::kOversized);
}

TEST(BlockCutter, CutReasonNames) {
  EXPECT_STREQ(CutReasonName(CutReason::kCount), "count");
  EXPECT_STREQ(CutReasonName(CutReason::kBytes), "bytes");
  EXPECT_STREQ(CutReasonName(CutReason::kOversized), "oversized");
  EXPECT_STREQ(CutReasonName(CutReason::kTimeout), "timeout");
}

// Over random input: nothing is lost, doubled or reordered; batches respect
// both limits unless a single envelope is oversized; every kBytes batch was
// cut because the next envelope would not fit; every kCount batch is full.
TEST(BlockCutter, RandomInputKeepsEveryInvariant) {
  std::mt19937 random(20241125);
  for (int round = 0; round < 20; ++round) {
    BatchConfig config;
    config.max_message_count = 1 + random() % 12;
    config.preferred_max_bytes = 50 + random() % 400;
    BlockCutter cutter(config);
    std::vector<size_t> sizes;
    std::vector<Batch> batches;
    for (int i = 0; i < 500; ++i) {
      if (random() % 10 == 0) {
        if (auto batch = cutter.Cut(CutReason::kTimeout)) batches.push_back(std::move(*batch));
        continue;
      }
      size_t size = 8 + random() % (config.preferred_max_bytes * 5 / 4);
      int id = static_cast<int>(sizes.size());
      sizes.push_back(size);
      for (Batch& batch : cutter.Ordered(SizedEnvelope(id, size))) batches.push_back(std::move(batch));
    }
    if (auto batch = cutter.Cut(CutReason::kTimeout)) batches.push_back(std::move(*batch));

    size_t next_id = 0;
    for (size_t b = 0; b < batches.size(); ++b) {
      const Batch& batch = batches[b];
      ASSERT_FALSE(batch.envelopes.empty());
      uint64_t bytes = 0;
      for (const std::string& envelope : batch.envelopes) {
        ASSERT_EQ(EnvelopeId(envelope), static_cast<int>(next_id)) << "round " << round << " batch " << b;
        bytes += sizes[next_id++];
      }
      if (batch.reason == CutReason::kOversized) {
        EXPECT_EQ(batch.envelopes.size(), 1u);
        EXPECT_GT(bytes, config.preferred_max_bytes);
        continue;
      }
      EXPECT_LE(bytes, config.preferred_max_bytes);
      EXPECT_LE(batch.envelopes.size(), config.max_message_count);
      if (batch.reason == CutReason::kCount) {
        EXPECT_EQ(batch.envelopes.size(), config.max_message_count);
      }
      if (batch.reason == CutReason::kBytes) {
        ASSERT_LT(next_id, sizes.size());
        EXPECT_GT(bytes + sizes[next_id], config.preferred_max_bytes);
      }
    }
    EXPECT_EQ(next_id, sizes.size());
  }
}

}  // namespace
}  // namespace loom::orderer
