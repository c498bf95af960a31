// Reading a node's Prometheus text (/metrics) for the values the network
// status shows: per-channel block heights, Raft leadership and term.
// Pure functions over untrusted text: malformed lines are skipped.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace loom::lab {

// Every sample of metric `name` that has a `channel` label: channel -> value.
// ("ledger_blockchain_height{channel=\"mychannel\"} 5" -> {mychannel: 5}).
std::map<std::string, double> ChannelSamples(std::string_view metrics_text, std::string_view name);

struct NodeMetrics {
  std::map<std::string, uint64_t> heights;  // ledger_blockchain_height
  bool has_raft = false;                    // consensus_etcdraft_is_leader present
  bool is_leader = false;                   // leader of any channel
  uint64_t term = 0;                        // highest loom_consensus_term
};

NodeMetrics ReadNodeMetrics(std::string_view metrics_text);

}  // namespace loom::lab
