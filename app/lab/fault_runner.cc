#include "app/lab/fault_runner.h"

#include <utility>

namespace loom::lab {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string StepName(size_t index, const config::Fault& step) {
  return "fault step " + std::to_string(index + 1) + " (" + std::string(config::ToString(step.action)) + ")";
}

}  // namespace

bool NetworkFaultTarget::HasNode(std::string_view node) const {
  return network_->workspace().FindNode(node) != nullptr;
}

loom::Status NetworkFaultTarget::Apply(config::FaultAction action, const std::string& node) {
  switch (action) {
    case config::FaultAction::kKill: return network_->Kill(node);
    case config::FaultAction::kPause: return network_->Pause(node);
    case config::FaultAction::kResume: return network_->Resume(node);
    case config::FaultAction::kRestart: return network_->Restart(node);
    default:
      return loom::Status::InvalidArgument(std::string(config::ToString(action)) + " is not a node action");
  }
}

Result<std::string> NetworkFaultTarget::RaftLeader() const {
  return network_->RaftLeader();
}

Result<std::unique_ptr<FaultRunner>> FaultRunner::Create(FaultTarget* target,
                                                         std::vector<config::Fault> steps,
                                                         FaultRunnerHooks hooks) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const config::Fault& step = steps[i];
    if (step.action == config::FaultAction::kPartition || step.action == config::FaultAction::kHeal) {
      return loom::Status::InvalidArgument(
          StepName(i, step) +
          ": partitions are not supported by the lab's runner (its nodes share one loopback interface)");
    }
    if (i > 0 && step.at < steps[i - 1].at) {
      return loom::Status::InvalidArgument(StepName(i, step) + ": at " + std::to_string(step.at.count()) +
                                           "ms is before the previous step");
    }
    if (step.action == config::FaultAction::kSetRate) continue;
    if (step.node != config::kLeaderAlias && !target->HasNode(step.node)) {
      return loom::Status::InvalidArgument(StepName(i, step) + ": the network has no node '" + step.node +
                                           "'");
    }
  }
  return std::unique_ptr<FaultRunner>(new FaultRunner(target, std::move(steps), std::move(hooks)));
}

std::vector<FaultStepResult> FaultRunner::Run(SteadyClock::time_point start) {
  std::vector<FaultStepResult> results;
  for (const config::Fault& step : steps_) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      stop_requested_.wait_until(lock, start + step.at, [this] { return stopped_; });
      if (stopped_) break;
    }
    FaultStepResult result = RunStep(step);
    result.ran_at = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
    if (hooks_.on_step) hooks_.on_step(result);
    results.push_back(std::move(result));
  }
  return results;
}

void FaultRunner::Stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopped_ = true;
  stop_requested_.notify_all();
}

FaultStepResult FaultRunner::RunStep(const config::Fault& step) {
  FaultStepResult result{step, step.node, {}, loom::Status::Ok()};
  if (step.action == config::FaultAction::kSetRate) {
    result.node.clear();
    if (!hooks_.set_rate) {
      result.status = loom::Status::FailedPrecondition("set_rate: no load is running");
    } else {
      hooks_.set_rate(step.rate);
    }
    return result;
  }
  if (step.node == config::kLeaderAlias) {
    const bool takes_down =
        step.action == config::FaultAction::kKill || step.action == config::FaultAction::kPause;
    std::vector<std::string>& taken =
        (step.action == config::FaultAction::kKill || step.action == config::FaultAction::kRestart)
            ? killed_leaders_
            : paused_leaders_;
    if (takes_down) {
      Result<std::string> leader = target_->RaftLeader();
      if (!leader.ok()) {
        result.status = leader.status().WithContext("resolving 'leader'");
        return result;
      }
      result.node = *leader;
      taken.push_back(*leader);
    } else {
      if (taken.empty()) {
        result.status = loom::Status::FailedPrecondition(std::string(config::ToString(step.action)) +
                                                         " leader: no earlier step took a leader down");
        return result;
      }
      result.node = taken.back();
      taken.pop_back();
    }
  }
  result.status = target_->Apply(step.action, result.node);
  return result;
}

}  // namespace loom::lab
