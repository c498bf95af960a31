// Defaults that depend on other fields of the scenario. The parser fills
// omitted fields with them and the writer omits fields equal to them, so both
// must use these same functions for ToYaml to round-trip.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/config/scenario.h"

namespace loom::config {

// "<name>MSP".
std::string DefaultMspId(const Org& org);
// [User1] for an org with peers; none for an orderer-only org (as cryptogen).
std::vector<std::string> DefaultUsers(const Org& org);
// The org's first peer, or none.
std::vector<std::string> DefaultAnchorPeers(const Org& org);
// The only channel, when the scenario declares exactly one.
std::optional<std::string> DefaultChaincodeChannel(const Scenario& scenario);
// The channel of the chaincode named `chaincode`, when exactly one channel defines it.
std::optional<std::string> DefaultWorkloadChannel(const Scenario& scenario, const std::string& chaincode);
// The channel's first member org, or "" when the channel is unknown or has none.
std::string DefaultWorkloadOrg(const Scenario& scenario, const std::string& channel);
// The org's first user, else "Admin"; "" when the org is unknown.
std::string DefaultWorkloadUser(const Scenario& scenario, const std::string& org);

// The user every org has, never listed in `users`.
inline constexpr char kAdminUser[] = "Admin";

}  // namespace loom::config
