#include "core/config/validation_context.h"

#include "core/policy/known_msps.h"
#include "core/policy/policy_text.h"
#include "core/policy/signature_policy_parser.h"

#include "core/config/name_rules.h"
#include "core/config/suggest.h"

namespace loom::config::internal {

std::string Quote(std::string_view text) {
  return "'" + std::string(text) + "'";
}

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) text += (i == 0 ? "" : ", ") + Quote(names[i]);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Status ValidationContext::Expect(std::string_view path, const std::string& problem) const {
  if (problem.empty()) return Status::Ok();
  return Fail(path, problem);
}

Status ValidationContext::CheckUnique(const std::string& path, const std::string& value,
                                      const std::string& problem, FirstUse* seen) const {
  LOOM_RETURN_IF_ERROR(Expect(path, problem));
  std::string previous = seen->Claim(value, path);
  if (!previous.empty()) return Fail(path, Quote(value) + " is already used by " + previous);
  return Status::Ok();
}

Status ValidationContext::CheckOrgReference(const std::string& path, const std::string& name) const {
  if (FindOrg(scenario, name) != nullptr) return Status::Ok();
  std::string message = "unknown org " + Quote(name);
  if (const Org* by_mspid = FindOrgByMspId(scenario, name)) {
    return Fail(path,
                message + "; that is the MSP ID of org " + Quote(by_mspid->name) + " (list orgs by name)");
  }
  std::string suggestion = DidYouMean(name, OrgNames());
  if (!suggestion.empty()) return Fail(path, message + suggestion);
  return Fail(path, message + "; declared orgs are " + JoinQuoted(OrgNames()));
}

Status ValidationContext::CheckPolicyText(const std::string& path, const std::string& policy,
                                          const std::vector<std::string>& msp_ids, bool allow_path) const {
  if (policy.empty()) return Fail(path, "must not be empty");
  LOOM_RETURN_IF_ERROR(Expect(path, CheckText(policy, /*multi_line=*/false)));
  if (allow_path && policy[0] == '/') return Status::Ok();
  if (policy::ClassifyPolicyText(policy) == policy::PolicyTextKind::kImplicitMeta) {
    auto parsed = policy::ParsePolicy(policy);
    if (!parsed.ok()) return Fail(path, Quote(policy) + ": " + parsed.status().message());
    return Status::Ok();
  }
  auto parsed = policy::ParseSignaturePolicyWithColumns(policy);
  if (!parsed.ok()) return Fail(path, Quote(policy) + ": " + parsed.status().message());
  Status known = policy::ValidateKnownMsps(*parsed, msp_ids);
  if (!known.ok()) return Fail(path, Quote(policy) + ": " + known.message());
  return Status::Ok();
}

std::vector<std::string> ValidationContext::AllMspIds() const {
  std::vector<std::string> ids;
  for (const auto& org : scenario.orgs) ids.push_back(org.mspid);
  return ids;
}

std::vector<std::string> ValidationContext::ChannelMspIds(const Channel& channel) const {
  std::vector<std::string> ids;
  for (const auto& name : channel.orgs) {
    if (const Org* org = FindOrg(scenario, name)) ids.push_back(org->mspid);
  }
  return ids;
}

std::vector<std::string> ValidationContext::OrgNames() const {
  std::vector<std::string> names;
  for (const auto& org : scenario.orgs) names.push_back(org.name);
  return names;
}

std::vector<std::string> ValidationContext::ChannelNames() const {
  std::vector<std::string> names;
  for (const auto& channel : scenario.channels) names.push_back(channel.name);
  return names;
}

}  // namespace loom::config::internal
