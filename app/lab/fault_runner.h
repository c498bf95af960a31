// The fault script player: runs a scenario's `faults:` steps (kill, pause,
// resume, restart, set_rate) against a running network at their times, as
// `loomctl run` and the GUI's fault-script player do.
//
// The alias "leader" (config::kLeaderAlias) is resolved when its step runs:
// kill/pause take the ordering service's Raft leader of that moment;
// restart/resume take the node that the latest not yet undone leader step
// of the matching kind (kill → restart, pause → resume) took down, so
// "kill leader … restart leader" brings back the same node.
//
// Partitions need network namespaces the lab does not create: a script with
// partition/heal steps is refused before anything runs. Every step naming a
// node the workspace does not have is refused up front as well.
//
// A failed step does not stop the script: its result carries the error and
// the next steps still run at their times (a fault script explores failures).
// Thread-compatible; Run blocks the calling thread until the last step ran
// or Stop() is called from another thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "app/lab/network.h"
#include "core/config/scenario.h"
#include "core/util/status.h"

namespace loom::lab {

struct FaultStepResult {
  config::Fault step;
  std::string node;                  // the node the step acted on (alias resolved); "" for set_rate
  std::chrono::milliseconds ran_at;  // when it ran, after the script's start
  loom::Status status;
};

// What the runner cannot do itself. Both optional.
struct FaultRunnerHooks {
  // set_rate steps: the load generator's new rate. Without it, set_rate
  // steps fail with FailedPrecondition "no load is running".
  std::function<void(uint32_t rate)> set_rate;
  // Called after each step (from Run's thread).
  std::function<void(const FaultStepResult&)> on_step;
};

// The node-level actions the runner needs; Network implements them. A seam
// so the script logic is tested without processes.
class FaultTarget {
 public:
  virtual ~FaultTarget() = default;
  virtual bool HasNode(std::string_view node) const = 0;
  virtual loom::Status Apply(config::FaultAction action, const std::string& node) = 0;
  virtual Result<std::string> RaftLeader() const = 0;
};

// FaultTarget over a Network (it must outlive the target).
class NetworkFaultTarget : public FaultTarget {
 public:
  explicit NetworkFaultTarget(Network* network) : network_(network) {}
  bool HasNode(std::string_view node) const override;
  loom::Status Apply(config::FaultAction action, const std::string& node) override;
  Result<std::string> RaftLeader() const override;

 private:
  Network* network_;
};

class FaultRunner {
 public:
  // InvalidArgument naming the step (1-based) and what is wrong: an unknown
  // node, partition/heal, steps out of time order.
  static Result<std::unique_ptr<FaultRunner>> Create(FaultTarget* target, std::vector<config::Fault> steps,
                                                     FaultRunnerHooks hooks = {});

  // Runs every step at start + step.at (steps whose time has passed run at
  // once, in order). Returns the results of the steps that ran.
  std::vector<FaultStepResult> Run(std::chrono::steady_clock::time_point start);
  // Makes Run return before its next step. Thread-safe.
  void Stop();

 private:
  FaultRunner(FaultTarget* target, std::vector<config::Fault> steps, FaultRunnerHooks hooks)
      : target_(target), steps_(std::move(steps)), hooks_(std::move(hooks)) {}
  FaultStepResult RunStep(const config::Fault& step);

  FaultTarget* target_;
  std::vector<config::Fault> steps_;
  FaultRunnerHooks hooks_;
  std::vector<std::string> killed_leaders_;  // stacks of nodes taken down by "leader" steps
  std::vector<std::string> paused_leaders_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopped_ = false;
};

}  // namespace loom::lab
