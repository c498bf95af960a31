// Shared pieces of ValidateScenario, which is split by section into
// validate_*.cc. Internal to core/config.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/scenario.h"
#include "core/config/source_map.h"
#include "core/util/status.h"

namespace loom::config::internal {

// 'text'
std::string Quote(std::string_view text);
// 'a', 'b', 'c'
std::string JoinQuoted(const std::vector<std::string>& names);
bool EqualsIgnoringCase(std::string_view a, std::string_view b);

// Remembers which path first used a value, to report duplicates.
class FirstUse {
 public:
  // The path that used `value` before, or "" (and remembers `path`).
  std::string Claim(const std::string& value, const std::string& path) {
    auto [it, inserted] = first_.emplace(value, path);
    return inserted ? "" : it->second;
  }

 private:
  std::map<std::string, std::string> first_;
};

// The scenario being checked and how to report a broken rule.
class ValidationContext {
 public:
  ValidationContext(const Scenario& scenario, const SourceMap& sources)
      : scenario(scenario), sources_(sources) {}

  const Scenario& scenario;

  Status Fail(std::string_view path, std::string_view message) const { return sources_.Error(path, message); }
  // Fails with `problem` unless it is empty (the name_rules.h convention).
  Status Expect(std::string_view path, const std::string& problem) const;
  // Expect(problem), then fails if another path already used `value`.
  Status CheckUnique(const std::string& path, const std::string& value, const std::string& problem,
                     FirstUse* seen) const;
  // `name` must be a declared org (by name; a hint catches an MSP ID).
  Status CheckOrgReference(const std::string& path, const std::string& name) const;
  // The policy must parse as Fabric's signature policy language or an
  // ImplicitMeta policy (core/policy), or be a channel config policy path
  // ("/Channel/...") when `allow_path`; every MSP id a signature policy names
  // must be one of `msp_ids`.
  Status CheckPolicyText(const std::string& path, const std::string& policy,
                         const std::vector<std::string>& msp_ids, bool allow_path = false) const;

  // MSP ids of every org, or of a channel's member orgs.
  std::vector<std::string> AllMspIds() const;
  std::vector<std::string> ChannelMspIds(const Channel& channel) const;

  std::vector<std::string> OrgNames() const;
  std::vector<std::string> ChannelNames() const;

 private:
  const SourceMap& sources_;
};

// One function per section, in the order ValidateScenario runs them.
Status ValidateNetwork(const ValidationContext& v);
Status ValidateOrgs(const ValidationContext& v);
Status ValidateOrderer(const ValidationContext& v);
Status ValidateChannels(const ValidationContext& v);
Status ValidateChaincodes(const ValidationContext& v);
Status ValidateWorkload(const ValidationContext& v, const Workload& workload);
Status ValidateFaults(const ValidationContext& v);

}  // namespace loom::config::internal
