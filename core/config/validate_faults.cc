// Rules for the fault script, checked by replaying it on node states.
#include "core/config/validation_context.h"

#include <algorithm>
#include <map>

#include "core/config/suggest.h"
#include "core/config/units.h"

namespace loom::config::internal {
namespace {

// A fault names a node by FQDN; a bare node name gets its FQDN suggested.
std::string UnknownNode(const ValidationContext& v, const std::string& name,
                        const std::vector<std::string>& fqdns) {
  std::string message = "unknown node " + Quote(name);
  std::vector<std::string> same_short_name;
  for (const auto& node : AllNodes(v.scenario)) {
    if (node.name == name) same_short_name.push_back(node.fqdn);
  }
  if (!same_short_name.empty()) {
    return message + "; nodes are named by host name, like " + JoinQuoted(same_short_name);
  }
  std::vector<std::string> choices = fqdns;
  if (v.scenario.orderer.type == OrdererType::kRaft) choices.emplace_back(kLeaderAlias);
  std::string suggestion = DidYouMean(name, choices);
  if (!suggestion.empty()) return message + suggestion;
  return message + "; declared nodes are " + JoinQuoted(fqdns) +
         (v.scenario.orderer.type == OrdererType::kRaft ? ", or 'leader' for the current Raft leader" : "");
}

enum class NodeState { kRunning, kPaused, kKilled };

// The script's state while it is replayed.
struct Replay {
  std::map<std::string, NodeState> states;  // by FQDN
  std::map<std::string, bool> partitioned;  // by FQDN
  // The `leader` steps that took a node down and are not undone yet, oldest
  // first: kill, pause or partition.
  std::vector<FaultAction> leader_outages;
};

bool Undoes(FaultAction restore, FaultAction outage) {
  switch (restore) {
    case FaultAction::kRestart: return outage == FaultAction::kKill;
    case FaultAction::kResume: return outage == FaultAction::kPause;
    case FaultAction::kHeal: return outage == FaultAction::kPartition;
    default: return false;
  }
}

// A step on the alias `leader` (kLeaderAlias in scenario.h).
Status ApplyToLeader(const ValidationContext& v, const Fault& fault, const std::string& path,
                     Replay& replay) {
  const std::string node_path = ChildPath(path, "node");
  if (v.scenario.orderer.type != OrdererType::kRaft) {
    return v.Fail(node_path,
                  "'leader' (the current Raft leader) needs orderer.type: raft; name the solo "
                  "orderer by its host name instead");
  }
  const std::string action(ToString(fault.action));
  switch (fault.action) {
    case FaultAction::kKill:
    case FaultAction::kPause:
    case FaultAction::kPartition:
      // The current leader is running and connected by definition.
      replay.leader_outages.push_back(fault.action);
      return Status::Ok();
    case FaultAction::kRestart:
    case FaultAction::kResume:
    case FaultAction::kHeal: {
      auto& outages = replay.leader_outages;
      auto undone = std::find_if(outages.rbegin(), outages.rend(),
                                 [&](FaultAction outage) { return Undoes(fault.action, outage); });
      if (undone == outages.rend()) {
        const char* needed = fault.action == FaultAction::kHeal     ? "partition"
                             : fault.action == FaultAction::kResume ? "pause"
                                                                    : "kill";
        return v.Fail(path, action + ": 'leader' here means the node an earlier '" + needed +
                                "' of 'leader' took down, and there is none still in effect");
      }
      outages.erase(std::next(undone).base());
      return Status::Ok();
    }
    case FaultAction::kSetRate: break;  // refused before
  }
  return Status::Ok();
}

Status ApplyToNode(const ValidationContext& v, const Fault& fault, const std::string& path,
                   const std::vector<std::string>& fqdns, Replay& replay) {
  auto state = replay.states.find(fault.node);
  if (state == replay.states.end()) return v.Fail(ChildPath(path, "node"), UnknownNode(v, fault.node, fqdns));
  std::string node = Quote(fault.node);
  switch (fault.action) {
    case FaultAction::kKill:
      if (state->second == NodeState::kKilled) return v.Fail(path, "kill: " + node + " is already killed");
      state->second = NodeState::kKilled;
      break;
    case FaultAction::kPause:
      if (state->second != NodeState::kRunning) {
        return v.Fail(path, "pause: " + node + " is not running (" +
                                (state->second == NodeState::kPaused ? "already paused" : "killed") + ")");
      }
      state->second = NodeState::kPaused;
      break;
    case FaultAction::kResume:
      if (state->second != NodeState::kPaused) return v.Fail(path, "resume: " + node + " is not paused");
      state->second = NodeState::kRunning;
      break;
    case FaultAction::kRestart: state->second = NodeState::kRunning; break;
    case FaultAction::kPartition:
      if (replay.partitioned[fault.node])
        return v.Fail(path, "partition: " + node + " is already partitioned");
      replay.partitioned[fault.node] = true;
      break;
    case FaultAction::kHeal:
      if (!replay.partitioned[fault.node]) return v.Fail(path, "heal: " + node + " is not partitioned");
      replay.partitioned[fault.node] = false;
      break;
    case FaultAction::kSetRate: break;  // refused before
  }
  return Status::Ok();
}

// set_rate changes the open-loop workload's rate from `at` on.
Status CheckSetRate(const ValidationContext& v, const Fault& fault, const std::string& path) {
  if (!fault.node.empty()) {
    return v.Fail(ChildPath(path, "node"), "set_rate changes the workload's rate; it takes no node");
  }
  if (fault.rate < 1) return v.Fail(ChildPath(path, "rate"), "must be at least 1 transaction per second");
  const std::optional<Workload>& workload = v.scenario.workload;
  if (!workload) return v.Fail(path, "set_rate: there is no workload whose rate it could set");
  if (workload->mode != LoadMode::kOpen) {
    return v.Fail(path, "set_rate: the workload is closed-loop (workload.mode: closed), it has no rate");
  }
  if (fault.at >= workload->duration) {
    return v.Fail(ChildPath(path, "at"), FormatDuration(fault.at) + " is not before the workload ends (" +
                                             "workload.duration " + FormatDuration(workload->duration) + ")");
  }
  return Status::Ok();
}

}  // namespace

// Replays the script on each node's state, so that a step that
// cannot apply (resume a node that is not paused) is caught here.
Status ValidateFaults(const ValidationContext& v) {
  Replay replay;
  std::vector<std::string> fqdns;
  for (const auto& node : AllNodes(v.scenario)) {
    replay.states[node.fqdn] = NodeState::kRunning;
    fqdns.push_back(node.fqdn);
  }
  for (size_t i = 0; i < v.scenario.faults.size(); ++i) {
    const Fault& fault = v.scenario.faults[i];
    std::string path = IndexPath("faults", i);
    std::string node_path = ChildPath(path, "node");
    if (fault.at.count() < 0) return v.Fail(ChildPath(path, "at"), "must not be negative");
    if (i > 0 && fault.at < v.scenario.faults[i - 1].at) {
      return v.Fail(ChildPath(path, "at"),
                    FormatDuration(fault.at) + " comes before " + IndexPath("faults", i - 1) + ".at (" +
                        FormatDuration(v.scenario.faults[i - 1].at) + "); list faults in time order");
    }
    if (fault.action == FaultAction::kSetRate) {
      LOOM_RETURN_IF_ERROR(CheckSetRate(v, fault, path));
      continue;
    }
    if (fault.rate != 0) return v.Fail(ChildPath(path, "rate"), "only used with action: set_rate");
    if (fault.action == FaultAction::kHeal && fault.node.empty()) {
      const auto& outages = replay.leader_outages;
      bool any = std::find(outages.begin(), outages.end(), FaultAction::kPartition) != outages.end();
      for (auto& [fqdn, cut] : replay.partitioned) any = any || cut;
      if (!any) return v.Fail(path, "heal: no node is partitioned at this point");
      for (auto& [fqdn, cut] : replay.partitioned) cut = false;
      std::erase(replay.leader_outages, FaultAction::kPartition);
      continue;
    }
    if (fault.node.empty()) {
      return v.Fail(node_path, std::string("required for action ") + std::string(ToString(fault.action)));
    }
    if (fault.node == kLeaderAlias) {
      LOOM_RETURN_IF_ERROR(ApplyToLeader(v, fault, path, replay));
    } else {
      LOOM_RETURN_IF_ERROR(ApplyToNode(v, fault, path, fqdns, replay));
    }
  }
  return Status::Ok();
}

}  // namespace loom::config::internal
