#include "core/config/validation_context.h"

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

Status ValidationContext::CheckPolicyText(const std::string& path, const std::string& policy) const {
  if (policy.empty()) return Fail(path, "must not be empty");
  return Expect(path, CheckText(policy, /*multi_line=*/false));
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
