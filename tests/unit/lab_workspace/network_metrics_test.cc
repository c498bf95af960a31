#include "app/lab/network_metrics.h"

#include <gtest/gtest.h>

namespace loom::lab {
namespace {

constexpr char kOrdererMetrics[] =
    "# HELP ledger_blockchain_height Height of the chain in blocks.\n"
    "# TYPE ledger_blockchain_height gauge\n"
    "ledger_blockchain_height{channel=\"mychannel\"} 7\n"
    "ledger_blockchain_height{channel=\"other\"} 2\n"
    "consensus_etcdraft_is_leader{channel=\"mychannel\"} 0\n"
    "consensus_etcdraft_is_leader{channel=\"other\"} 1\n"
    "loom_consensus_term{channel=\"mychannel\"} 3\n"
    "loom_consensus_term{channel=\"other\"} 4\n"
    "ledger_blockchain_height_total{channel=\"mychannel\"} 99\n";

TEST(NetworkMetricsTest, HeightsLeadershipAndTerm) {
  NodeMetrics metrics = ReadNodeMetrics(kOrdererMetrics);
  EXPECT_EQ(metrics.heights, (std::map<std::string, uint64_t>{{"mychannel", 7}, {"other", 2}}));
  EXPECT_TRUE(metrics.has_raft);
  EXPECT_TRUE(metrics.is_leader);
  EXPECT_EQ(metrics.term, 4u);
}

TEST(NetworkMetricsTest, PeerWithoutRaft) {
  NodeMetrics metrics = ReadNodeMetrics("ledger_blockchain_height{channel=\"mychannel\"} 3\n");
  EXPECT_EQ(metrics.heights.at("mychannel"), 3u);
  EXPECT_FALSE(metrics.has_raft);
  EXPECT_FALSE(metrics.is_leader);
  EXPECT_EQ(metrics.term, 0u);
}

TEST(NetworkMetricsTest, OtherLabelsAndMalformedLinesAreHandled) {
  auto samples = ChannelSamples(
      "m{type=\"x\",channel=\"a\"} 1\n"
      "m{xchannel=\"b\"} 2\n"
      "m{channel=\"c\"} not-a-number\n"
      "m{channel=\"d\" 4\n"
      "m 5\n"
      "m{channel=\"e\"} 6",
      "m");
  EXPECT_EQ(samples, (std::map<std::string, double>{{"a", 1}, {"e", 6}}));
}

}  // namespace
}  // namespace loom::lab
