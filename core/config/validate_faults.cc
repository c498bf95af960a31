// Rules for the fault script, checked by replaying it on node states.
#include "core/config/validation_context.h"

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
  std::string suggestion = DidYouMean(name, fqdns);
  if (!suggestion.empty()) return message + suggestion;
  return message + "; declared nodes are " + JoinQuoted(fqdns);
}

}  // namespace

// Replays the script on each node's state, so that a step that
// cannot apply (resume a node that is not paused) is caught here.
Status ValidateFaults(const ValidationContext& v) {
  enum class NodeState { kRunning, kPaused, kKilled };
  std::map<std::string, NodeState> states;
  std::map<std::string, bool> partitioned;
  std::vector<std::string> fqdns;
  for (const auto& node : AllNodes(v.scenario)) {
    states[node.fqdn] = NodeState::kRunning;
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
    if (fault.action == FaultAction::kHeal && fault.node.empty()) {
      bool any = false;
      for (auto& [fqdn, cut] : partitioned) any = any || cut;
      if (!any) return v.Fail(path, "heal: no node is partitioned at this point");
      for (auto& [fqdn, cut] : partitioned) cut = false;
      continue;
    }
    if (fault.node.empty()) {
      return v.Fail(node_path, std::string("required for action ") + std::string(ToString(fault.action)));
    }
    auto state = states.find(fault.node);
    if (state == states.end()) return v.Fail(node_path, UnknownNode(v, fault.node, fqdns));
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
        if (partitioned[fault.node]) return v.Fail(path, "partition: " + node + " is already partitioned");
        partitioned[fault.node] = true;
        break;
      case FaultAction::kHeal:
        if (!partitioned[fault.node]) return v.Fail(path, "heal: " + node + " is not partitioned");
        partitioned[fault.node] = false;
        break;
    }
  }
  return Status::Ok();
}

}  // namespace loom::config::internal
