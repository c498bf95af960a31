// Rules for the workload section.
#include "core/config/validation_context.h"

#include <algorithm>
#include <cmath>

#include "core/config/name_rules.h"
#include "core/config/scenario_defaults.h"
#include "core/config/suggest.h"

namespace loom::config::internal {
namespace {

// Placeholders {key}, {seq}, {client}; "{{" and "}}" stand for braces.
Status CheckArgTemplate(const ValidationContext& v, const std::string& path, const std::string& arg) {
  LOOM_RETURN_IF_ERROR(v.Expect(path, CheckText(arg, /*multi_line=*/false)));
  for (size_t i = 0; i < arg.size(); ++i) {
    if (arg[i] == '}') {
      if (i + 1 < arg.size() && arg[i + 1] == '}') {
        ++i;
        continue;
      }
      return v.Fail(path, Quote(arg) + " has a lone '}'; write '}}' for a literal brace");
    }
    if (arg[i] != '{') continue;
    if (i + 1 < arg.size() && arg[i + 1] == '{') {
      ++i;
      continue;
    }
    size_t close = arg.find('}', i);
    if (close == std::string::npos) return v.Fail(path, Quote(arg) + " has an unclosed '{'");
    std::string name = arg.substr(i + 1, close - i - 1);
    if (name != "key" && name != "seq" && name != "client") {
      return v.Fail(path, "unknown placeholder {" + name + "} in " + Quote(arg) +
                              "; the placeholders are {key}, {seq} and {client}" +
                              DidYouMean(name, {"key", "seq", "client"}));
    }
    i = close;
  }
  return Status::Ok();
}

Status CheckKeys(const ValidationContext& v, const KeySpace& keys) {
  const KeySpace defaults;
  if (keys.count < 1) return v.Fail("workload.keys.count", "must be at least 1");
  if (keys.distribution == KeyDistribution::kZipf) {
    if (!(keys.zipf_s > 0) || !std::isfinite(keys.zipf_s)) {
      return v.Fail("workload.keys.zipf_s", "must be above 0");
    }
  } else if (keys.zipf_s != defaults.zipf_s) {
    return v.Fail("workload.keys.zipf_s", "only used with distribution: zipf");
  }
  if (keys.distribution == KeyDistribution::kHotset) {
    if (!(keys.hot_fraction > 0 && keys.hot_fraction <= 1)) {
      return v.Fail("workload.keys.hot_fraction", "must be above 0 and at most 1");
    }
    if (!(keys.hot_probability >= 0 && keys.hot_probability <= 1)) {
      return v.Fail("workload.keys.hot_probability", "must be from 0 to 1");
    }
  } else {
    if (keys.hot_fraction != defaults.hot_fraction) {
      return v.Fail("workload.keys.hot_fraction", "only used with distribution: hotset");
    }
    if (keys.hot_probability != defaults.hot_probability) {
      return v.Fail("workload.keys.hot_probability", "only used with distribution: hotset");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateWorkload(const ValidationContext& v, const Workload& w) {
  if (w.chaincode.empty()) return v.Fail("workload.chaincode", "required field is missing");
  std::vector<std::string> chaincode_names, channels_with_it;
  for (const auto& cc : v.scenario.chaincodes) {
    chaincode_names.push_back(cc.name);
    if (cc.name == w.chaincode) channels_with_it.push_back(cc.channel);
  }
  if (channels_with_it.empty()) {
    return v.Fail("workload.chaincode",
                  "unknown chaincode " + Quote(w.chaincode) + DidYouMean(w.chaincode, chaincode_names));
  }
  if (FindChannel(v.scenario, w.channel) == nullptr) {
    return v.Fail("workload.channel",
                  "unknown channel " + Quote(w.channel) + DidYouMean(w.channel, v.ChannelNames()));
  }
  if (FindChaincode(v.scenario, w.channel, w.chaincode) == nullptr) {
    return v.Fail("workload.channel", "chaincode " + Quote(w.chaincode) + " is not defined on channel " +
                                          Quote(w.channel) + "; it is on " + JoinQuoted(channels_with_it));
  }
  if (w.function.empty()) return v.Fail("workload.function", "required field is missing");
  LOOM_RETURN_IF_ERROR(v.Expect("workload.function", CheckText(w.function, /*multi_line=*/false)));
  for (size_t i = 0; i < w.args.size(); ++i) {
    LOOM_RETURN_IF_ERROR(CheckArgTemplate(v, IndexPath("workload.args", i), w.args[i]));
  }
  LOOM_RETURN_IF_ERROR(v.CheckOrgReference("workload.org", w.org));
  const Channel* channel = FindChannel(v.scenario, w.channel);
  if (std::find(channel->orgs.begin(), channel->orgs.end(), w.org) == channel->orgs.end()) {
    return v.Fail("workload.org", "org " + Quote(w.org) + " is not a member of channel " + Quote(w.channel) +
                                      "; its members are " + JoinQuoted(channel->orgs));
  }
  const Org* org = FindOrg(v.scenario, w.org);
  if (w.user != kAdminUser && std::find(org->users.begin(), org->users.end(), w.user) == org->users.end()) {
    std::vector<std::string> users = org->users;
    users.push_back(kAdminUser);
    return v.Fail("workload.user", "org " + Quote(w.org) + " has no user " + Quote(w.user) +
                                       "; its users are " + JoinQuoted(users) + DidYouMean(w.user, users));
  }
  const Workload defaults;
  if (w.mode == LoadMode::kOpen) {
    if (w.rate < 1) return v.Fail("workload.rate", "must be at least 1 transaction per second");
    if (w.in_flight != defaults.in_flight) return v.Fail("workload.in_flight", "only used with mode: closed");
  } else {
    if (w.in_flight < 1) return v.Fail("workload.in_flight", "must be at least 1");
    if (w.rate != defaults.rate) return v.Fail("workload.rate", "only used with mode: open");
  }
  if (w.duration.count() <= 0) return v.Fail("workload.duration", "must be longer than 0s");
  if (w.clients < 1) return v.Fail("workload.clients", "must be at least 1");
  if (w.mode == LoadMode::kClosed && w.in_flight < w.clients) {
    return v.Fail("workload.in_flight", "is " + std::to_string(w.in_flight) + ", fewer than clients (" +
                                            std::to_string(w.clients) +
                                            "); every client needs one transaction in flight");
  }
  return CheckKeys(v, w.keys);
}

}  // namespace loom::config::internal
