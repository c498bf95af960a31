// Rules for channels and chaincodes.
#include "core/config/validation_context.h"

#include "core/config/name_rules.h"
#include "core/config/suggest.h"

namespace loom::config::internal {

Status ValidateChannels(const ValidationContext& v) {
  FirstUse names;
  for (size_t i = 0; i < v.scenario.channels.size(); ++i) {
    const Channel& channel = v.scenario.channels[i];
    std::string path = IndexPath("channels", i);
    LOOM_RETURN_IF_ERROR(
        v.CheckUnique(ChildPath(path, "name"), channel.name, CheckChannelName(channel.name), &names));
    std::string orgs_path = ChildPath(path, "orgs");
    if (channel.orgs.empty()) return v.Fail(orgs_path, "a channel needs at least one member org");
    FirstUse members;
    for (size_t j = 0; j < channel.orgs.size(); ++j) {
      std::string org_path = IndexPath(orgs_path, j);
      LOOM_RETURN_IF_ERROR(v.CheckOrgReference(org_path, channel.orgs[j]));
      LOOM_RETURN_IF_ERROR(v.CheckUnique(org_path, channel.orgs[j], "", &members));
      if (FindOrg(v.scenario, channel.orgs[j])->peers.empty()) {
        return v.Fail(org_path, "org " + Quote(channel.orgs[j]) +
                                    " has no peers; a channel member needs at least one peer to join it");
      }
    }
    std::string policies = ChildPath(path, "policies");
    const ChannelPolicies& p = channel.policies;
    const std::vector<std::string> all_msps = v.AllMspIds();
    LOOM_RETURN_IF_ERROR(v.CheckPolicyText(ChildPath(policies, "readers"), p.readers, all_msps));
    LOOM_RETURN_IF_ERROR(v.CheckPolicyText(ChildPath(policies, "writers"), p.writers, all_msps));
    LOOM_RETURN_IF_ERROR(v.CheckPolicyText(ChildPath(policies, "admins"), p.admins, all_msps));
    LOOM_RETURN_IF_ERROR(v.CheckPolicyText(ChildPath(policies, "endorsement"), p.endorsement, all_msps));
    LOOM_RETURN_IF_ERROR(
        v.CheckPolicyText(ChildPath(policies, "lifecycle_endorsement"), p.lifecycle_endorsement, all_msps));
  }
  return Status::Ok();
}

Status ValidateChaincodes(const ValidationContext& v) {
  FirstUse definitions;
  for (size_t i = 0; i < v.scenario.chaincodes.size(); ++i) {
    const Chaincode& cc = v.scenario.chaincodes[i];
    std::string path = IndexPath("chaincodes", i);
    std::string name_path = ChildPath(path, "name");
    LOOM_RETURN_IF_ERROR(v.Expect(name_path, CheckChaincodeName(cc.name)));
    std::string channel_path = ChildPath(path, "channel");
    if (FindChannel(v.scenario, cc.channel) == nullptr) {
      if (v.scenario.channels.empty()) {
        return v.Fail(channel_path, "no channel is declared to define the chaincode on");
      }
      return v.Fail(channel_path,
                    "unknown channel " + Quote(cc.channel) + DidYouMean(cc.channel, v.ChannelNames()));
    }
    std::string previous = definitions.Claim(cc.channel + "\n" + cc.name, path);
    if (!previous.empty()) {
      return v.Fail(name_path, "chaincode " + Quote(cc.name) + " is already defined on channel " +
                                   Quote(cc.channel) + " by " + previous);
    }
    LOOM_RETURN_IF_ERROR(v.Expect(ChildPath(path, "version"), CheckChaincodeVersion(cc.version)));
    if (cc.sequence < 1) return v.Fail(ChildPath(path, "sequence"), "must be at least 1");
    bool external = cc.type == ChaincodeType::kCcaas && !cc.address.empty();
    if (cc.path.empty() && !external) {
      return v.Fail(ChildPath(path, "path"), std::string("required for a ") + std::string(ToString(cc.type)) +
                                                 " chaincode (only ccaas with an address may omit it)");
    }
    LOOM_RETURN_IF_ERROR(v.Expect(ChildPath(path, "path"), CheckText(cc.path, /*multi_line=*/false)));
    if (!cc.address.empty()) {
      if (cc.type != ChaincodeType::kCcaas) {
        return v.Fail(ChildPath(path, "address"), "only used with type: ccaas");
      }
      LOOM_RETURN_IF_ERROR(v.Expect(ChildPath(path, "address"), CheckHostPort(cc.address)));
    }
    std::string policy_path = ChildPath(path, "policy");
    // An endorsement policy may only name the channel's member orgs: no
    // other org's peer can endorse on the channel.
    LOOM_RETURN_IF_ERROR(v.CheckPolicyText(policy_path, cc.policy,
                                           v.ChannelMspIds(*FindChannel(v.scenario, cc.channel)),
                                           /*allow_path=*/true));
    if (cc.policy[0] == '/' &&
        (cc.policy.size() == 1 || cc.policy.back() == '/' || cc.policy.find("//") != std::string::npos)) {
      return v.Fail(policy_path, Quote(cc.policy) + " is not a channel config policy path like " +
                                     Quote(Chaincode::kDefaultPolicy));
    }
    LOOM_RETURN_IF_ERROR(
        v.Expect(ChildPath(path, "endorsement_plugin"), CheckPluginName(cc.endorsement_plugin)));
    LOOM_RETURN_IF_ERROR(
        v.Expect(ChildPath(path, "validation_plugin"), CheckPluginName(cc.validation_plugin)));
  }
  return Status::Ok();
}

}  // namespace loom::config::internal
