#include "app/lab/phase_breakdown.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/lab/tx_timeline_joiner.h"
#include "tests/unit/lab_trace/trace_events.h"

namespace loom::lab {
namespace {

using testing::Flow;
using testing::FlowEvents;

constexpr int64_t kMs = 1'000'000;

const PhaseStats& Row(const PhaseBreakdown& breakdown, const std::string& key) {
  for (const PhaseStats& row : breakdown.rows) {
    if (row.key == key) return row;
  }
  static PhaseStats none;
  ADD_FAILURE() << "no row " << key;
  return none;
}

TEST(ExactPercentile, IsNearestRankOnTheSortedSamples) {
  std::vector<int64_t> sorted;
  for (int64_t i = 1; i <= 1000; ++i) sorted.push_back(i);
  EXPECT_EQ(ExactPercentile(sorted, 50), 500);
  EXPECT_EQ(ExactPercentile(sorted, 99), 990);
  EXPECT_EQ(ExactPercentile(sorted, 99.9), 999);
  EXPECT_EQ(ExactPercentile(sorted, 100), 1000);
  EXPECT_EQ(ExactPercentile({7}, 99.9), 7);
  EXPECT_EQ(ExactPercentile({}, 99), 0);
  // 10 samples: p99 and p99.9 are the largest, never an interpolation.
  EXPECT_EQ(ExactPercentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 100}, 99), 100);
  EXPECT_EQ(ExactPercentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 100}, 50), 5);
}

TEST(PhaseBreakdown, RowsFollowTheirDefinitionsWithExactStatistics) {
  TimelineJoiner joiner;
  for (int i = 1; i <= 1000; ++i) {
    Flow flow;
    flow.t += i * 1000 * kMs;
    flow.endorse = i * kMs;  // 1..1000 ms
    flow.order = 100 * kMs;
    for (const auto& event : FlowEvents("tx" + std::to_string(i), static_cast<uint64_t>(i), flow))
      joiner.Add(event);
  }
  PhaseBreakdown breakdown = ComputeBreakdown(joiner.Timelines());
  EXPECT_EQ(breakdown.transactions, 1000u);
  EXPECT_EQ(breakdown.incomplete, 0u);
  ASSERT_EQ(breakdown.rows.size(), 7u);
  EXPECT_EQ(breakdown.rows[0].key, "endorsement");
  EXPECT_EQ(breakdown.rows[6].key, "end_to_end");

  const PhaseStats& endorsement = Row(breakdown, "endorsement");
  EXPECT_EQ(endorsement.count, 1000u);
  EXPECT_DOUBLE_EQ(endorsement.avg_ms, 500.5);
  EXPECT_NEAR(endorsement.stdev_ms, std::sqrt((1000.0 * 1000.0 - 1) / 12.0), 1e-9);
  EXPECT_DOUBLE_EQ(endorsement.p50_ms, 500);
  EXPECT_DOUBLE_EQ(endorsement.p99_ms, 990);
  EXPECT_DOUBLE_EQ(endorsement.p999_ms, 999);
  EXPECT_DOUBLE_EQ(endorsement.min_ms, 1);
  EXPECT_DOUBLE_EQ(endorsement.max_ms, 1000);

  const Flow defaults;
  EXPECT_DOUBLE_EQ(Row(breakdown, "ordering").avg_ms, 100);
  EXPECT_DOUBLE_EQ(Row(breakdown, "ordering").stdev_ms, 0);
  EXPECT_DOUBLE_EQ(Row(breakdown, "vscc").p999_ms, static_cast<double>(defaults.vscc) / kMs);
  EXPECT_DOUBLE_EQ(Row(breakdown, "rw_check").avg_ms, static_cast<double>(defaults.mvcc) / kMs);
  EXPECT_DOUBLE_EQ(Row(breakdown, "ledger").avg_ms, static_cast<double>(defaults.ledger) / kMs);
  const double validation =
      static_cast<double>(defaults.vscc + defaults.mvcc + defaults.ledger + 2 * defaults.gap) / kMs;
  EXPECT_DOUBLE_EQ(Row(breakdown, "validation").avg_ms, validation);
  EXPECT_DOUBLE_EQ(Row(breakdown, "end_to_end").max_ms, 1000 + 100 + validation);
}

TEST(PhaseBreakdown, PhasesSumToEndToEnd) {
  TimelineJoiner joiner;
  for (int i = 0; i < 50; ++i) {
    Flow flow;
    flow.t += i * 1000 * kMs;
    flow.endorse = (3 + i % 7) * kMs;
    flow.order = (50 + (i * 37) % 90) * kMs;
    flow.vscc = (1 + i % 3) * kMs;
    flow.mvcc = (i % 5) * kMs / 2;
    flow.ledger = (2 + i % 4) * kMs;
    for (const auto& event : FlowEvents("tx" + std::to_string(i), static_cast<uint64_t>(i + 1), flow))
      joiner.Add(event);
  }
  PhaseBreakdown breakdown = ComputeBreakdown(joiner.Timelines());
  ASSERT_EQ(breakdown.per_tx.size(), 50u);
  for (const TxPhases& tx : breakdown.per_tx) {
    EXPECT_EQ(tx.endorsement + tx.ordering + tx.validation, tx.end_to_end) << tx.tx_id;
    EXPECT_GE(tx.validation, tx.vscc + *tx.rw_check + tx.ledger) << tx.tx_id;
    EXPECT_EQ(tx.peer, "peer0.org1");
  }
  EXPECT_NEAR(Row(breakdown, "endorsement").avg_ms + Row(breakdown, "ordering").avg_ms +
                  Row(breakdown, "validation").avg_ms,
              Row(breakdown, "end_to_end").avg_ms, 1e-9);
}

TEST(PhaseBreakdown, ClientSpansBoundEndorsementWhenPresent) {
  TimelineJoiner joiner;
  Flow flow;
  for (const auto& event : FlowEvents("tx", 1, flow)) joiner.Add(event);
  // The client started 2 ms before the first peer saw the proposal and had
  // every response 1 ms after the last peer finished.
  joiner.Add(MakeClientSpanEvent("tx", kClientEndorse, flow.t - 2 * kMs, flow.t + flow.endorse + kMs));
  std::optional<TxPhases> phases = MeasureTx(*joiner.Find("tx"));
  ASSERT_TRUE(phases.has_value());
  EXPECT_EQ(phases->endorsement, flow.endorse + 3 * kMs);
  EXPECT_EQ(phases->ordering, flow.order - kMs);
}

TEST(PhaseBreakdown, IncompleteAndFilteredTransactionsAreCountedApart) {
  TimelineJoiner joiner;
  for (const auto& event : FlowEvents("valid", 1, Flow{})) joiner.Add(event);
  for (const auto& event : FlowEvents("conflict", 2, Flow{}, protos::MVCC_READ_CONFLICT)) joiner.Add(event);
  joiner.Add(testing::Endorsed("peer0.org1", "never-ordered", 1, 2));

  PhaseBreakdown all = ComputeBreakdown(joiner.Timelines());
  EXPECT_EQ(all.transactions, 2u);
  EXPECT_EQ(all.incomplete, 1u);

  BreakdownOptions valid_only;
  valid_only.valid_only = true;
  EXPECT_EQ(ComputeBreakdown(joiner.Timelines(), valid_only).transactions, 1u);

  BreakdownOptions other_peer;
  other_peer.peer = "peer0.org2";
  PhaseBreakdown at_org2 = ComputeBreakdown(joiner.Timelines(), other_peer);
  EXPECT_EQ(at_org2.transactions, 2u);
  EXPECT_EQ(at_org2.per_tx[0].peer, "peer0.org2");
  other_peer.peer = "peer9";
  EXPECT_EQ(ComputeBreakdown(joiner.Timelines(), other_peer).transactions, 0u);

  BreakdownOptions other_channel;
  other_channel.channel = "other";
  EXPECT_EQ(ComputeBreakdown(joiner.Timelines(), other_channel).incomplete, 3u);
}

TEST(PhaseBreakdown, JsonAndTextCarryEveryRow) {
  TimelineJoiner joiner;
  for (const auto& event : FlowEvents("tx", 1, Flow{})) joiner.Add(event);
  PhaseBreakdown breakdown = ComputeBreakdown(joiner.Timelines());
  nlohmann::json json = BreakdownToJson(breakdown);
  EXPECT_EQ(json["transactions"], 1);
  ASSERT_EQ(json["rows"].size(), 7u);
  EXPECT_EQ(json["rows"][1]["key"], "ordering");
  EXPECT_DOUBLE_EQ(json["rows"][1]["avg_ms"].get<double>(), 100.0);
  EXPECT_NE(std::string(json["clock"]).find("NTP"), std::string::npos);
  std::string text = BreakdownToText(breakdown);
  EXPECT_NE(text.find("(4) R/W check"), std::string::npos);
  EXPECT_NE(text.find("(7) end-to-end"), std::string::npos);
}

}  // namespace
}  // namespace loom::lab
