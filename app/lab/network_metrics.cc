#include "app/lab/network_metrics.h"

#include <algorithm>
#include <cstdlib>

namespace loom::lab {

std::map<std::string, double> ChannelSamples(std::string_view text, std::string_view name) {
  std::map<std::string, double> samples;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.size() <= name.size() || line.substr(0, name.size()) != name || line[name.size()] != '{')
      continue;
    size_t close = line.find('}', name.size());
    if (close == std::string_view::npos) continue;
    std::string_view labels = line.substr(name.size() + 1, close - name.size() - 1);
    constexpr std::string_view kChannel = "channel=\"";
    size_t at = labels.find(kChannel);
    // The label must start the list or follow a comma (not "xchannel=").
    while (at != std::string_view::npos && at != 0 && labels[at - 1] != ',')
      at = labels.find(kChannel, at + 1);
    if (at == std::string_view::npos) continue;
    size_t value_start = at + kChannel.size();
    size_t value_end = labels.find('"', value_start);
    if (value_end == std::string_view::npos) continue;
    std::string number(line.substr(close + 1));
    char* parsed_end = nullptr;
    double value = std::strtod(number.c_str(), &parsed_end);
    if (parsed_end == number.c_str()) continue;
    samples[std::string(labels.substr(value_start, value_end - value_start))] = value;
  }
  return samples;
}

NodeMetrics ReadNodeMetrics(std::string_view text) {
  NodeMetrics metrics;
  for (const auto& [channel, value] : ChannelSamples(text, "ledger_blockchain_height")) {
    metrics.heights[channel] = value < 0 ? 0 : static_cast<uint64_t>(value);
  }
  auto leaders = ChannelSamples(text, "consensus_etcdraft_is_leader");
  metrics.has_raft = !leaders.empty();
  for (const auto& [channel, value] : leaders) metrics.is_leader = metrics.is_leader || value >= 1;
  for (const auto& [channel, value] : ChannelSamples(text, "loom_consensus_term")) {
    metrics.term = std::max(metrics.term, value < 0 ? uint64_t{0} : static_cast<uint64_t>(value));
  }
  return metrics;
}

}  // namespace loom::lab
