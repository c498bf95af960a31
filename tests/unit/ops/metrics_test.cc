#include "core/ops/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <thread>

#include "core/ops/fabric_metrics.h"

namespace loom::ops {
namespace {

TEST(FormatMetricValue, MatchesPrometheusGoClient) {
  struct Case {
    double value;
    const char* text;
  };
  const Case cases[] = {
      {0, "0"},
      {1, "1"},
      {-2.5, "-2.5"},
      {0.005, "0.005"},
      {0.1, "0.1"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {123456, "123456"},
      {999999, "999999"},
      {1e6, "1e+06"},
      {1234567, "1.234567e+06"},
      {1.5e300, "1.5e+300"},
      {1.0 / 3, "0.3333333333333333"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatMetricValue(c.value), c.text) << c.text;
}

TEST(Escaping, LabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(EscapeHelp("a\\b\"c\nd"), "a\\\\b\"c\\nd");  // quotes stay in HELP
}

TEST(MetricOpts, FullNameSkipsEmptyParts) {
  EXPECT_EQ((MetricOpts{"consensus", "etcdraft", "is_leader", "", {}}.FullName()),
            "consensus_etcdraft_is_leader");
  EXPECT_EQ((MetricOpts{"broadcast", "", "processed_count", "", {}}.FullName()), "broadcast_processed_count");
  EXPECT_EQ((MetricOpts{"", "", "up", "", {}}.FullName()), "up");
}

TEST(MetricsRegistry, ExpositionTextIsExact) {
  MetricsRegistry registry;
  CounterFamily* processed = registry
                                 .NewCounter({"broadcast",
                                              "",
                                              "processed_count",
                                              "The number of transactions processed.",
                                              {"channel", "status"}})
                                 .value();
  GaugeFamily* height =
      registry.NewGauge({"ledger", "", "blockchain_height", "Height of the chain.", {}}).value();
  HistogramFamily* fill = registry
                              .NewHistogram({{"blockcutter",
                                              "",
                                              "block_fill_duration",
                                              "Fill time\\with \"quotes\"\nand lines.",
                                              {"channel"}},
                                             {0.1, 1}})
                              .value();
  // Registered but never used with labels: not shown (as the Go client).
  ASSERT_TRUE(registry.NewCounter({"deliver", "", "blocks_sent", "Blocks sent.", {"channel"}}).ok());

  processed->With({"zeta", "SUCCESS"}).Inc();
  processed->With({"alpha", "SUCCESS"}).Add(2);
  processed->With({"alpha", "BAD_REQUEST"}).Inc();
  processed->With({"we\"ird\\ch\nannel", "SUCCESS"}).Inc();
  height->Get().Set(42);
  fill->With({"ch"}).Observe(0.05);
  fill->With({"ch"}).Observe(0.1);  // le is inclusive
  fill->With({"ch"}).Observe(3);

  EXPECT_EQ(registry.Exposition(),
            "# HELP blockcutter_block_fill_duration Fill time\\\\with \"quotes\"\\nand lines.\n"
            "# TYPE blockcutter_block_fill_duration histogram\n"
            "blockcutter_block_fill_duration_bucket{channel=\"ch\",le=\"0.1\"} 2\n"
            "blockcutter_block_fill_duration_bucket{channel=\"ch\",le=\"1\"} 2\n"
            "blockcutter_block_fill_duration_bucket{channel=\"ch\",le=\"+Inf\"} 3\n"
            "blockcutter_block_fill_duration_sum{channel=\"ch\"} 3.15\n"
            "blockcutter_block_fill_duration_count{channel=\"ch\"} 3\n"
            "# HELP broadcast_processed_count The number of transactions processed.\n"
            "# TYPE broadcast_processed_count counter\n"
            "broadcast_processed_count{channel=\"alpha\",status=\"BAD_REQUEST\"} 1\n"
            "broadcast_processed_count{channel=\"alpha\",status=\"SUCCESS\"} 2\n"
            "broadcast_processed_count{channel=\"we\\\"ird\\\\ch\\nannel\",status=\"SUCCESS\"} 1\n"
            "broadcast_processed_count{channel=\"zeta\",status=\"SUCCESS\"} 1\n"
            "# HELP ledger_blockchain_height Height of the chain.\n"
            "# TYPE ledger_blockchain_height gauge\n"
            "ledger_blockchain_height 42\n");
}

TEST(MetricsRegistry, UnlabelledFamiliesAppearAtZero) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.NewCounter(kDeliverStreamsOpened).ok());
  ASSERT_TRUE(registry.NewHistogram({{"x", "", "seconds", "h", {}}, {1}}).ok());
  EXPECT_EQ(registry.Exposition(),
            "# HELP deliver_streams_opened The number of GRPC streams that have been opened for the deliver "
            "service.\n"
            "# TYPE deliver_streams_opened counter\n"
            "deliver_streams_opened 0\n"
            "# HELP x_seconds h\n"
            "# TYPE x_seconds histogram\n"
            "x_seconds_bucket{le=\"1\"} 0\n"
            "x_seconds_bucket{le=\"+Inf\"} 0\n"
            "x_seconds_sum 0\n"
            "x_seconds_count 0\n");
}

TEST(MetricsRegistry, HistogramsWithoutBucketsUseFabricsDefault) {
  MetricsRegistry registry;
  HistogramFamily* family = registry.NewHistogram(kBroadcastValidateDuration).value();
  Histogram& histogram = family->With({"ch", "ENDORSER_TRANSACTION", "SUCCESS"});
  EXPECT_EQ(histogram.upper_bounds(),
            (std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}));
  histogram.Observe(0.3);
  Histogram::Snapshot snapshot = histogram.Read();
  EXPECT_EQ(snapshot.cumulative_counts[5], 0u);  // le 0.25
  EXPECT_EQ(snapshot.cumulative_counts[6], 1u);  // le 0.5
  EXPECT_EQ(snapshot.count, 1u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 0.3);
}

TEST(MetricsRegistry, SameDefinitionTwiceGivesTheSameFamily) {
  MetricsRegistry registry;
  CounterFamily* first = registry.NewCounter(kBroadcastProcessedCount).value();
  CounterFamily* second = registry.NewCounter(kBroadcastProcessedCount).value();
  EXPECT_EQ(first, second);
  Counter& a = first->With({"ch", "ENDORSER_TRANSACTION", "SUCCESS"});
  Counter& b = second->With({"ch", "ENDORSER_TRANSACTION", "SUCCESS"});
  EXPECT_EQ(&a, &b);  // handles are stable
}

TEST(MetricsRegistry, RefusesConflictsAndBadNames) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.NewCounter({"a", "", "b", "", {"channel"}}).ok());
  Result<GaugeFamily*> other_type = registry.NewGauge({"a", "", "b", "", {"channel"}});
  EXPECT_EQ(other_type.status().code(), Status::Code::kAlreadyExists);
  Result<CounterFamily*> other_labels = registry.NewCounter({"a", "", "b", "", {"chan"}});
  EXPECT_EQ(other_labels.status().code(), Status::Code::kAlreadyExists);
  ASSERT_TRUE(registry.NewHistogram({{"h", "", "x", "", {}}, {1, 2}}).ok());
  EXPECT_EQ(registry.NewHistogram({{"h", "", "x", "", {}}, {1, 3}}).status().code(),
            Status::Code::kAlreadyExists);

  EXPECT_TRUE(registry.NewCounter({"", "", "9lives", "", {}}).status().IsInvalidArgument());
  EXPECT_TRUE(registry.NewCounter({"a", "", "b-c", "", {}}).status().IsInvalidArgument());
  EXPECT_TRUE(registry.NewCounter({"a", "", "", "", {}}).ok());  // just "a" is a fine name
  EXPECT_TRUE(registry.NewCounter({"x", "", "y", "", {"__reserved"}}).status().IsInvalidArgument());
  EXPECT_TRUE(registry.NewCounter({"x", "", "y", "", {"1st"}}).status().IsInvalidArgument());
  EXPECT_TRUE(registry.NewCounter({"x", "", "y", "", {"a", "a"}}).status().IsInvalidArgument());
  EXPECT_TRUE(registry.NewHistogram({{"x", "", "z", "", {"le"}}, {}}).status().IsInvalidArgument());
  EXPECT_TRUE(registry.NewHistogram({{"x", "", "z", "", {}}, {1, 1}}).status().IsInvalidArgument());
  EXPECT_TRUE(registry.NewHistogram({{"x", "", "z", "", {}}, {2, 1}}).status().IsInvalidArgument());
  EXPECT_TRUE(
      registry.NewHistogram({{"x", "", "z", "", {}}, {1, std::nan("")}}).status().IsInvalidArgument());
  // A trailing +Inf is implied and accepted.
  HistogramFamily* inf =
      registry.NewHistogram({{"x", "", "w", "", {}}, {1, std::numeric_limits<double>::infinity()}}).value();
  EXPECT_EQ(inf->Get().upper_bounds(), std::vector<double>{1});
}

TEST(MetricsRegistry, GaugesGoBothWays) {
  MetricsRegistry registry;
  Gauge& leader = registry.NewGauge(kEtcdraftIsLeader).value()->With({"ch"});
  leader.Set(1);
  leader.Dec();
  leader.Add(2.5);
  leader.Sub(0.5);
  EXPECT_EQ(leader.Value(), 2);
}

TEST(MetricsRegistry, ConcurrentUpdatesAreExactAndScrapingIsSafe) {
  MetricsRegistry registry;
  CounterFamily* counters = registry.NewCounter(kBroadcastProcessedCount).value();
  HistogramFamily* histograms = registry.NewHistogram(kBroadcastValidateDuration).value();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50'000;
  std::atomic<bool> done = false;
  std::thread scraper([&] {
    while (!done.load()) {
      std::string text = registry.Exposition();  // empty until the first child exists
      EXPECT_TRUE(text.empty() || text.back() == '\n');
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // A label lookup once, then the handle on the hot path; plus one new
      // child per thread to race the lookups.
      Counter& shared = counters->With({"ch", "ENDORSER_TRANSACTION", "SUCCESS"});
      Histogram& timing = histograms->With({"ch", "ENDORSER_TRANSACTION", "SUCCESS"});
      Counter& own = counters->With({"ch" + std::to_string(t), "ENDORSER_TRANSACTION", "SUCCESS"});
      for (int i = 0; i < kPerThread; ++i) {
        shared.Inc();
        own.Inc();
        timing.Observe(0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  done.store(true);
  scraper.join();

  EXPECT_EQ(counters->With({"ch", "ENDORSER_TRANSACTION", "SUCCESS"}).Value(), kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(counters->With({"ch" + std::to_string(t), "ENDORSER_TRANSACTION", "SUCCESS"}).Value(),
              kPerThread);
  }
  Histogram::Snapshot snapshot = histograms->With({"ch", "ENDORSER_TRANSACTION", "SUCCESS"}).Read();
  EXPECT_EQ(snapshot.count, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(snapshot.cumulative_counts[0], static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_NEAR(snapshot.sum, kThreads * kPerThread * 0.001, 1e-6);
}

TEST(FabricMetrics, EveryDefinitionRegistersUnderFabricsName) {
  MetricsRegistry registry;
  const MetricOpts* counters[] = {&kBroadcastProcessedCount,
                                  &kEtcdraftLeaderChanges,
                                  &kEtcdraftProposalFailures,
                                  &kEtcdraftNormalProposalsReceived,
                                  &kEtcdraftConfigProposalsReceived,
                                  &kDeliverStreamsOpened,
                                  &kDeliverStreamsClosed,
                                  &kDeliverRequestsReceived,
                                  &kDeliverRequestsCompleted,
                                  &kDeliverBlocksSent,
                                  &kLedgerTransactionCount,
                                  &kEndorserProposalsReceived,
                                  &kEndorserSuccessfulProposals,
                                  &kEndorserProposalValidationFailures,
                                  &kEndorserProposalAclFailures,
                                  &kEndorserChaincodeInstantiationFailures,
                                  &kEndorserEndorsementFailures,
                                  &kEndorserDuplicateTransactionFailures,
                                  &kChaincodeExecuteTimeouts,
                                  &kChaincodeLaunchFailures,
                                  &kChaincodeLaunchTimeouts,
                                  &kChaincodeShimRequestsCompleted,
                                  &kChaincodeShimRequestsReceived,
                                  &kGrpcServerUnaryRequestsReceived,
                                  &kGrpcServerUnaryRequestsCompleted,
                                  &kGrpcServerStreamRequestsReceived,
                                  &kGrpcServerStreamRequestsCompleted,
                                  &kGrpcServerStreamMessagesReceived,
                                  &kGrpcServerStreamMessagesSent,
                                  &kGrpcCommConnOpened,
                                  &kGrpcCommConnClosed,
                                  &kLoomBlocksCut,
                                  &kLoomTraceEventsPublished,
                                  &kLoomTraceEventsDropped};
  const MetricOpts* gauges[] = {&kEtcdraftClusterSize,          &kEtcdraftIsLeader,
                                &kEtcdraftCommittedBlockNumber, &kEtcdraftSnapshotBlockNumber,
                                &kLedgerBlockchainHeight,       &kLoomConsensusTerm,
                                &kLoomConsensusCommitIndex,     &kLoomConsensusLastLogIndex};
  const HistogramOpts* histograms[] = {&kBroadcastValidateDuration,
                                       &kBroadcastEnqueueDuration,
                                       &kBlockcutterBlockFillDuration,
                                       &kEtcdraftDataPersistDuration,
                                       &kLedgerBlockstorageCommitTime,
                                       &kLedgerBlockProcessingTime,
                                       &kLedgerStatedbCommitTime,
                                       &kEndorserProposalDuration,
                                       &kChaincodeLaunchDuration,
                                       &kChaincodeShimRequestDuration,
                                       &kGrpcServerUnaryRequestDuration,
                                       &kGrpcServerStreamRequestDuration,
                                       &kLoomBatchEnvelopes,
                                       &kLoomBatchBytes,
                                       &kLoomLogSyncDuration,
                                       &kLoomLogSyncEntries,
                                       &kLoomVsccDuration,
                                       &kLoomMvccDuration};
  std::set<std::string> names;
  for (const MetricOpts* opts : counters) {
    EXPECT_TRUE(registry.NewCounter(*opts).ok()) << opts->FullName();
    names.insert(opts->FullName());
  }
  for (const MetricOpts* opts : gauges) {
    EXPECT_TRUE(registry.NewGauge(*opts).ok()) << opts->FullName();
    names.insert(opts->FullName());
  }
  for (const HistogramOpts* opts : histograms) {
    EXPECT_TRUE(registry.NewHistogram(*opts).ok()) << opts->FullName();
    names.insert(opts->FullName());
  }
  EXPECT_EQ(names.size(), std::size(counters) + std::size(gauges) + std::size(histograms));  // no clashes

  // The names Fabric's dashboards query, letter for letter.
  for (const char* fabric_name :
       {"broadcast_validate_duration", "broadcast_enqueue_duration", "broadcast_processed_count",
        "blockcutter_block_fill_duration", "consensus_etcdraft_is_leader",
        "consensus_etcdraft_leader_changes", "consensus_etcdraft_committed_block_number",
        "ledger_blockchain_height", "ledger_blockstorage_commit_time", "ledger_transaction_count",
        "deliver_streams_opened", "deliver_streams_closed", "deliver_requests_received",
        "deliver_requests_completed", "deliver_blocks_sent", "endorser_propsal_duration",
        "endorser_successful_proposals", "ledger_block_processing_time", "ledger_statedb_commit_time"}) {
    EXPECT_TRUE(names.contains(fabric_name)) << fabric_name;
  }
  EXPECT_EQ(kDeliverRequestsCompleted.label_names,
            (std::vector<std::string>{"channel", "filtered", "data_type", "success"}));
  EXPECT_EQ(kLedgerTransactionCount.label_names,
            (std::vector<std::string>{"channel", "transaction_type", "chaincode", "validation_code"}));
  EXPECT_EQ(kLedgerBlockstorageCommitTime.buckets,
            (std::vector<double>{0.005, 0.01, 0.015, 0.05, 0.1, 1, 10}));
}

}  // namespace
}  // namespace loom::ops
