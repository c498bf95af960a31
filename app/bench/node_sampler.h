// CPU % and RSS of the network's node processes during a run, read from
// /proc through each node's pid file (app/lab/process.h). Tick() is called
// often (the engine's progress callback); it samples when a second has
// passed since the last sample. A node that is not running is reported as
// such, never guessed. Not thread-safe: one caller.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/lab/process.h"

namespace loom::bench {

struct NodeToSample {
  std::string name;
  std::string pid_file;
};

struct NodeUsage {
  std::string name;
  bool sampled = false;                             // the pid file named a running process
  double cpu_avg_percent = 0, cpu_max_percent = 0;  // 100 = one core
  uint64_t rss_max_bytes = 0;
  std::vector<double> cpu_percent;  // one per interval
};

class NodeSampler {
 public:
  explicit NodeSampler(std::vector<NodeToSample> nodes);
  void Tick();
  // Usage from the first sample to the last (one final sample is taken).
  std::vector<NodeUsage> Finish();

 private:
  void SampleAll();
  struct Node {
    NodeToSample spec;
    bool has_record = false;
    lab::ProcessRecord record;
    lab::ProcessSample first, last;
    NodeUsage usage;
  };
  std::vector<Node> nodes_;
  std::chrono::steady_clock::time_point last_sample_{};
};

}  // namespace loom::bench
