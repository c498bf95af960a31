#include "app/bench/node_sampler.h"

#include <algorithm>

namespace loom::bench {

NodeSampler::NodeSampler(std::vector<NodeToSample> nodes) {
  for (NodeToSample& spec : nodes) {
    Node node;
    node.usage.name = spec.name;
    Result<lab::ProcessRecord> record = lab::ReadPidFile(spec.pid_file);
    if (record.ok() && lab::IsRunning(*record)) {
      node.has_record = true;
      node.record = *record;
      node.first = node.last = lab::SampleProcess(node.record);
      node.usage.rss_max_bytes = node.first.rss_bytes;
    }
    node.spec = std::move(spec);
    nodes_.push_back(std::move(node));
  }
  last_sample_ = std::chrono::steady_clock::now();
}

void NodeSampler::SampleAll() {
  for (Node& node : nodes_) {
    if (!node.has_record) continue;
    lab::ProcessSample sample = lab::SampleProcess(node.record);
    if (sample.state == lab::ProcessState::kExited) continue;
    node.usage.cpu_percent.push_back(lab::CpuPercent(node.last, sample));
    node.usage.rss_max_bytes = std::max(node.usage.rss_max_bytes, sample.rss_bytes);
    node.last = sample;
  }
  last_sample_ = std::chrono::steady_clock::now();
}

void NodeSampler::Tick() {
  if (std::chrono::steady_clock::now() - last_sample_ >= std::chrono::seconds(1)) SampleAll();
}

std::vector<NodeUsage> NodeSampler::Finish() {
  SampleAll();
  std::vector<NodeUsage> usages;
  for (Node& node : nodes_) {
    NodeUsage usage = node.usage;
    usage.sampled = node.has_record;
    if (node.has_record) {
      usage.cpu_avg_percent = lab::CpuPercent(node.first, node.last);
      for (double cpu : usage.cpu_percent) usage.cpu_max_percent = std::max(usage.cpu_max_percent, cpu);
    }
    usages.push_back(std::move(usage));
  }
  return usages;
}

}  // namespace loom::bench
