#include "core/config/scenario_defaults.h"

namespace loom::config {

std::string DefaultMspId(const Org& org) {
  return org.name + "MSP";
}

std::vector<std::string> DefaultUsers(const Org& org) {
  if (org.peers.empty()) return {};
  return {"User1"};
}

std::vector<std::string> DefaultAnchorPeers(const Org& org) {
  if (org.peers.empty()) return {};
  return {org.peers.front()};
}

std::optional<std::string> DefaultChaincodeChannel(const Scenario& scenario) {
  if (scenario.channels.size() != 1) return std::nullopt;
  return scenario.channels.front().name;
}

std::optional<std::string> DefaultWorkloadChannel(const Scenario& scenario, const std::string& chaincode) {
  // A pointer rather than an optional<string> accumulator: GCC 12 under ASan
  // warns (falsely) that the optional's string may be used uninitialized.
  const Chaincode* found = nullptr;
  for (const auto& definition : scenario.chaincodes) {
    if (definition.name != chaincode) continue;
    if (found != nullptr) return std::nullopt;  // defined on several channels: ambiguous
    found = &definition;
  }
  if (found == nullptr) return std::nullopt;
  return found->channel;
}

std::string DefaultWorkloadOrg(const Scenario& scenario, const std::string& channel) {
  const Channel* found = FindChannel(scenario, channel);
  if (found == nullptr || found->orgs.empty()) return "";
  return found->orgs.front();
}

std::string DefaultWorkloadUser(const Scenario& scenario, const std::string& org) {
  const Org* found = FindOrg(scenario, org);
  if (found == nullptr) return "";
  if (!found->users.empty()) return found->users.front();
  return kAdminUser;
}

}  // namespace loom::config
