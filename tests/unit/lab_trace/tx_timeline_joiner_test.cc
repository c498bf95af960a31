#include "app/lab/tx_timeline_joiner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tests/unit/lab_trace/trace_events.h"

namespace loom::lab {
namespace {

using testing::BlockLevel;
using testing::Endorsed;
using testing::Flow;
using testing::FlowEvents;
using testing::PerTx;

std::vector<std::string> Phases(const TxTimeline& timeline) {
  std::vector<std::string> out;
  for (const TxSpan& span : timeline.spans) out.push_back(span.phase + "@" + span.node);
  return out;
}

std::string FactValue(const TxSpan& span, const std::string& key) {
  for (const auto& [k, v] : span.facts()) {
    if (k == key) return v;
  }
  return "<absent>";
}

TEST(TimelineJoiner, JoinsAFullFlowWithBlockLevelEventsAndTwoPeers) {
  TimelineJoiner joiner;
  for (const auto& event : FlowEvents("tx1", 5, Flow{})) joiner.Add(event);
  ASSERT_EQ(joiner.size(), 1u);
  const TxTimeline* timeline = joiner.Find("tx1");
  ASSERT_NE(timeline, nullptr);
  EXPECT_EQ(timeline->channel, "mychannel");
  EXPECT_EQ(timeline->block_number, 5u);
  EXPECT_EQ(timeline->tx_index, 0u);
  // 2 ENDORSED + broadcast + cut + written + 2 x (received, vscc, mvcc, tx commit, block commit)
  EXPECT_EQ(timeline->spans.size(), 15u);
  EXPECT_TRUE(std::is_sorted(
      timeline->spans.begin(), timeline->spans.end(),
      [](const TxSpan& a, const TxSpan& b) { return a.start_unix_nanos < b.start_unix_nanos; }));
  const TxSpan* cut = timeline->Find("BLOCK_CUT");
  ASSERT_NE(cut, nullptr);
  EXPECT_TRUE(cut->block_level);
  EXPECT_EQ(cut->group, PhaseGroup::kOrder);
  EXPECT_EQ(FactValue(*cut, "reason"), "COUNT");
  EXPECT_EQ(FactValue(*cut, "tx_ids"), "<absent>");  // the list is not repeated in every tx
  EXPECT_EQ(timeline->FindAll("VSCC_DONE").size(), 2u);
  EXPECT_EQ(timeline->Find("VSCC_DONE", "peer0.org2")->group, PhaseGroup::kValidate);
  EXPECT_EQ(FactValue(*timeline->Find("VSCC_DONE"), "satisfied_by"), "Org1MSP,Org2MSP");
  EXPECT_EQ(timeline->Find("ENDORSED")->group, PhaseGroup::kEndorse);
  size_t block_commits = 0;
  for (const TxSpan& span : timeline->spans) {
    if (span.phase == "COMMITTED" && span.block_level) {
      ++block_commits;
      EXPECT_EQ(FactValue(span, "state_hash"), "01ab");
    }
  }
  EXPECT_EQ(block_commits, 2u);
  // An enum at its zero value is still a fact worth showing.
  EXPECT_EQ(FactValue(*timeline->Find("MVCC_DONE"), "validation_code"), "VALID");
  EXPECT_EQ(FactValue(*timeline->Find("MVCC_DONE"), "key"), "<absent>");
  EXPECT_EQ(timeline->validation_code(), protos::VALID);
  EXPECT_EQ(timeline->validation_codes.size(), 2u);
  EXPECT_FALSE(timeline->codes_disagree());
}

TEST(TimelineJoiner, OrderOfArrivalAcrossNodesDoesNotMatter) {
  std::vector<loom::TraceEvent> events = FlowEvents("tx1", 5, Flow{});
  TimelineJoiner in_order;
  for (const auto& event : events) in_order.Add(event);
  const std::vector<std::string> expected = Phases(*in_order.Find("tx1"));

  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(events.begin(), events.end(), random);
    TimelineJoiner joiner;
    for (const auto& event : events) joiner.Add(event);
    ASSERT_NE(joiner.Find("tx1"), nullptr);
    EXPECT_EQ(Phases(*joiner.Find("tx1")), expected) << "round " << round;
    EXPECT_EQ(joiner.Find("tx1")->block_number, 5u);
  }
}

TEST(TimelineJoiner, BlockCommitWaitsForTheBlocksTransactions) {
  TimelineJoiner joiner;
  // The block-level COMMITTED lists no tx ids: nothing to attach it to yet.
  EXPECT_TRUE(
      joiner.Add(BlockLevel("peer0.org1", loom::TraceEvent::COMMITTED, 3, {"a", "b"}, 10, 20)).empty());
  EXPECT_EQ(joiner.size(), 0u);
  std::vector<std::string> changed =
      joiner.Add(BlockLevel("peer0.org1", loom::TraceEvent::BLOCK_RECEIVED, 3, {"a", "b"}, 5, 5));
  EXPECT_EQ(changed, (std::vector<std::string>{"a", "b"}));
  for (const char* tx : {"a", "b"}) {
    const TxTimeline* timeline = joiner.Find(tx);
    ASSERT_NE(timeline, nullptr);
    EXPECT_EQ(Phases(*timeline),
              (std::vector<std::string>{"BLOCK_RECEIVED@peer0.org1", "COMMITTED@peer0.org1"}));
  }
  EXPECT_EQ(joiner.Find("b")->tx_index, 1u);
}

TEST(TimelineJoiner, RecordsDisagreeingPeers) {
  TimelineJoiner joiner;
  joiner.Add(PerTx("peer0.org1", loom::TraceEvent::COMMITTED, 1, 0, "tx", protos::VALID, 1, 2));
  joiner.Add(PerTx("peer0.org2", loom::TraceEvent::COMMITTED, 1, 0, "tx", protos::MVCC_READ_CONFLICT, 1, 2));
  const TxTimeline* timeline = joiner.Find("tx");
  ASSERT_NE(timeline, nullptr);
  EXPECT_TRUE(timeline->codes_disagree());
  EXPECT_EQ(timeline->validation_code(), std::nullopt);
  EXPECT_EQ(timeline->validation_code_name(), "DISAGREE");
  EXPECT_EQ(timeline->validation_codes.at("peer0.org2"), protos::MVCC_READ_CONFLICT);
}

TEST(TimelineJoiner, DropsReplayedEventsOfANodeIncarnation) {
  TimelineJoiner joiner;
  loom::TraceEvent first = Endorsed("peer0.org1", "tx", 1, 2);
  first.set_sequence(1);
  loom::TraceEvent second = Endorsed("peer0.org1", "tx2", 3, 4);
  second.set_sequence(2);
  joiner.Add(first);
  joiner.Add(second);
  EXPECT_TRUE(joiner.Add(first).empty());  // a replay
  EXPECT_EQ(joiner.duplicates_dropped(), 1u);
  loom::TraceEvent restarted = first;  // same sequence, new incarnation: a new event
  restarted.set_incarnation(2);
  EXPECT_EQ(joiner.Add(restarted), std::vector<std::string>{"tx"});
  EXPECT_EQ(joiner.Find("tx")->spans.size(), 2u);
}

TEST(TimelineJoiner, KeepsTheNewestTransactions) {
  TimelineJoiner joiner(JoinerOptions{3, 10});
  for (int i = 0; i < 5; ++i) joiner.Add(Endorsed("peer0.org1", "tx" + std::to_string(i), i, i + 1));
  EXPECT_EQ(joiner.size(), 3u);
  EXPECT_EQ(joiner.Find("tx1"), nullptr);
  EXPECT_NE(joiner.Find("tx2"), nullptr);
  EXPECT_EQ(joiner.transactions_evicted(), 2u);
  std::vector<TxTimeline> all = joiner.Timelines();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.front().tx_id, "tx2");
  EXPECT_EQ(all.back().tx_id, "tx4");
}

TEST(TimelineJoiner, ClientSpansJoinTheirTransaction) {
  TimelineJoiner joiner;
  joiner.Add(MakeClientSpanEvent("tx", kClientEndorse, 100, 200, {{"peers", "2"}}, "bench-3"));
  joiner.Add(Endorsed("peer0.org1", "tx", 120, 180));
  const TxTimeline* timeline = joiner.Find("tx");
  ASSERT_NE(timeline, nullptr);
  const TxSpan* client = timeline->Find("endorse");
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->group, PhaseGroup::kClient);
  EXPECT_EQ(client->node, "bench-3");
  EXPECT_EQ(client->facts(), (Facts{{"peers", "2"}}));
  EXPECT_EQ(timeline->spans.front().phase, "endorse");
}

TEST(TimelineJoiner, KeepsChannelEventsApart) {
  TimelineJoiner joiner;
  loom::TraceEvent leader = testing::Event("orderer1", loom::TraceEvent::LEADER_CHANGED, "", 5, 5);
  leader.mutable_consensus()->set_term(4);
  EXPECT_TRUE(joiner.Add(leader).empty());
  EXPECT_EQ(joiner.size(), 0u);
  ASSERT_EQ(joiner.channel_events().size(), 1u);
  EXPECT_EQ(joiner.channel_events().front()->consensus().term(), 4u);
}

}  // namespace
}  // namespace loom::lab
