// The trace collector against real processes: a solo loom-orderer and two
// loom-peers (PeerTestNetwork), 20 `assets` transactions; every one gets its
// endorse (both peers), order (orderer), validate and commit (both peers)
// spans, the Table 1 breakdown measures all of them, and the store written
// while collecting reloads to the same timelines.
#include <gtest/gtest.h>

#include <set>

#include "app/lab/phase_breakdown.h"
#include "app/lab/trace_collector.h"
#include "core/trace/trace_hub.h"
#include "tests/integration/peer_e2e/peer_test_network.h"
#include "tests/support/temp_dir.h"

namespace loom::lab {
namespace {

using SteadyClock = std::chrono::steady_clock;
using loom::testing::PeerTestNetwork;
constexpr auto kWait = std::chrono::seconds(30);
constexpr int kTransactions = 20;
const char* const kPeers[] = {"peer0.Org1", "peer0.Org2"};
constexpr char kOrderer[] = "orderer.example.com";

bool HasSpan(const TxTimeline& timeline, const std::string& phase, const std::string& node,
             bool block_level) {
  for (const TxSpan& span : timeline.spans) {
    if (span.phase == phase && span.node == node && span.block_level == block_level) return true;
  }
  return false;
}

// Every span the nodes report for a committed transaction.
bool Complete(const TxTimeline& timeline) {
  if (!HasSpan(timeline, "BROADCAST_ACCEPTED", kOrderer, false) ||
      !HasSpan(timeline, "BLOCK_CUT", kOrderer, true) ||
      !HasSpan(timeline, "BLOCK_WRITTEN", kOrderer, true)) {
    return false;
  }
  for (const char* peer : kPeers) {
    for (const char* phase : {"ENDORSED", "VSCC_DONE", "MVCC_DONE", "COMMITTED"}) {
      if (!HasSpan(timeline, phase, peer, false)) return false;
    }
    if (!HasSpan(timeline, "BLOCK_RECEIVED", peer, true) || !HasSpan(timeline, "COMMITTED", peer, true))
      return false;
  }
  return true;
}

TEST(LabTraceEndToEnd, EveryTransactionGetsItsSpansFromEveryNodeAndTheStoreReloads) {
  auto net = PeerTestNetwork::Start("lab-trace", {{"assets", ASSETS_CHAINCODE_BIN}});
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  NetworkEndpoints endpoints;
  endpoints.orderers.push_back(
      {kOrderer, "Orderer", "OrdererMSP", {(*net)->orderer_address(), "", ""}, "", {}});
  for (size_t i = 0; i < 2; ++i) {
    endpoints.peers.push_back({kPeers[i], "", "", {(*net)->peer_address(i), "", ""}, "", {}});
  }
  loom::testing::TempDir dir("lab-trace-e2e");
  TraceCollectorOptions options;
  options.store_dir = dir.File("traces");
  auto collector = TraceCollector::Start(endpoints, options);
  ASSERT_TRUE(collector.ok()) << collector.status().ToString();
  ASSERT_TRUE((*collector)->WaitUntilConnected(SteadyClock::now() + kWait));

  auto watchers = (*net)->WatchAll();
  ASSERT_TRUE(watchers.ok()) << watchers.status().ToString();
  std::vector<std::string> tx_ids;
  for (int i = 0; i < kTransactions; ++i) {
    const int64_t start = trace::UnixNanosNow();
    loom::testing::Endorsed endorsed = (*net)->Endorse(
        "assets", {"CreateAsset", "trace-asset-" + std::to_string(i), "blue", "5", "Tomoko", "300"});
    ASSERT_EQ(endorsed.responses.size(), 2u);
    const int64_t endorsed_at = trace::UnixNanosNow();
    (*collector)
        ->AddClientSpan(endorsed.proposal.tx_id, kClientEndorse, start, endorsed_at, {{"peers", "2"}});
    ASSERT_TRUE((*net)->Broadcast(endorsed).ok());
    (*collector)
        ->AddClientSpan(endorsed.proposal.tx_id, kClientBroadcast, endorsed_at, trace::UnixNanosNow());
    tx_ids.push_back(endorsed.proposal.tx_id);
  }
  for (const std::string& tx_id : tx_ids) {
    auto commit = (*net)->WaitAll(*watchers, tx_id);
    ASSERT_TRUE(commit.ok()) << commit.status().ToString();
    EXPECT_EQ(commit->code, protos::VALID);
  }

  for (const std::string& tx_id : tx_ids) {
    ASSERT_TRUE((*collector)->WaitForTimeline(tx_id, Complete, SteadyClock::now() + kWait))
        << tx_id << " has spans: " << [&] {
             std::string spans;
             if (auto timeline = (*collector)->Timeline(tx_id)) {
               for (const TxSpan& span : timeline->spans) spans += span.phase + "@" + span.node + " ";
             }
             return spans;
           }();
    TxTimeline timeline = *(*collector)->Timeline(tx_id);
    EXPECT_EQ(timeline.channel, loom::testing::kTestChannel);
    EXPECT_TRUE(timeline.block_number.has_value());
    EXPECT_EQ(timeline.validation_code(), protos::VALID);
    EXPECT_EQ(timeline.validation_codes.size(), 2u);
    std::set<PhaseGroup> groups;
    for (const TxSpan& span : timeline.spans) {
      groups.insert(span.group);
      EXPECT_LE(span.start_unix_nanos, span.end_unix_nanos) << span.phase << "@" << span.node;
    }
    EXPECT_EQ(groups, (std::set<PhaseGroup>{PhaseGroup::kClient, PhaseGroup::kEndorse, PhaseGroup::kOrder,
                                            PhaseGroup::kValidate, PhaseGroup::kCommit}));
    // One clock on one machine: endorsement before ordering before validation.
    EXPECT_LE(timeline.Find("ENDORSED")->start_unix_nanos,
              timeline.Find("BROADCAST_ACCEPTED")->end_unix_nanos);
    EXPECT_LE(timeline.Find("BLOCK_CUT")->end_unix_nanos, timeline.Find("VSCC_DONE")->start_unix_nanos);
  }
  EXPECT_EQ((*collector)->events_lost(), 0u);

  PhaseBreakdown breakdown = ComputeBreakdown((*collector)->Timelines(tx_ids));
  EXPECT_EQ(breakdown.transactions, static_cast<size_t>(kTransactions));
  for (const TxPhases& phases : breakdown.per_tx) {
    EXPECT_EQ(phases.endorsement + phases.ordering + phases.validation, phases.end_to_end);
    EXPECT_GT(phases.endorsement, 0);
    EXPECT_GT(phases.ordering, 0);
    EXPECT_GT(phases.validation, 0);
  }

  (*collector)->Stop();
  ASSERT_TRUE((*collector)->store_status().ok()) << (*collector)->store_status().ToString();
  auto loaded = LoadTimelines(dir.File("traces"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->report.torn_tails.empty());
  EXPECT_TRUE(loaded->report.corrupt.empty());
  std::vector<TxTimeline> live = (*collector)->Timelines();
  ASSERT_EQ(loaded->timelines.size(), live.size());
  for (size_t i = 0; i < live.size(); ++i) {
    const TxTimeline& a = live[i];
    const TxTimeline& b = loaded->timelines[i];
    EXPECT_EQ(a.tx_id, b.tx_id);
    EXPECT_EQ(a.block_number, b.block_number);
    EXPECT_EQ(a.validation_codes, b.validation_codes);
    ASSERT_EQ(a.spans.size(), b.spans.size()) << a.tx_id;
    for (size_t s = 0; s < a.spans.size(); ++s) {
      EXPECT_EQ(a.spans[s].phase, b.spans[s].phase);
      EXPECT_EQ(a.spans[s].node, b.spans[s].node);
      EXPECT_EQ(a.spans[s].start_unix_nanos, b.spans[s].start_unix_nanos);
      EXPECT_EQ(a.spans[s].end_unix_nanos, b.spans[s].end_unix_nanos);
    }
  }
  PhaseBreakdown reloaded = ComputeBreakdown(loaded->timelines);
  EXPECT_GE(reloaded.transactions, static_cast<size_t>(kTransactions));
}

}  // namespace
}  // namespace loom::lab
