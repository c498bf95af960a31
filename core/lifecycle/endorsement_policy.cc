#include "core/lifecycle/endorsement_policy.h"

#include <algorithm>
#include <vector>

#include "core/lifecycle/definition_state.h"
#include "core/policy/implicit_meta.h"
#include "core/validator/lifecycle_plugin.h"

namespace loom::lifecycle {
namespace {

// Config trees are shallow (Channel/Application/Org); this bounds recursion
// over a malicious one.
constexpr int kMaxPolicyDepth = 8;

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

void ShiftSignedBy(common::SignaturePolicy* rule, int32_t offset) {
  if (rule->has_n_out_of()) {
    for (common::SignaturePolicy& child : *rule->mutable_n_out_of()->mutable_rules())
      ShiftSignedBy(&child, offset);
  } else if (rule->Type_case() == common::SignaturePolicy::kSignedBy) {
    rule->set_signed_by(rule->signed_by() + offset);
  }
}

Result<common::SignaturePolicyEnvelope> ResolvePolicyOfGroup(const common::ConfigGroup& group,
                                                             const std::string& group_path,
                                                             const std::string& name, int depth) {
  std::string path = group_path + "/" + name;
  if (depth > kMaxPolicyDepth) return Status::InvalidArgument(path + ": policies nested too deeply");
  auto found = group.policies().find(name);
  if (found == group.policies().end() || !found->second.has_policy())
    return Status::NotFound(path + ": no such policy");
  const common::Policy& policy = found->second.policy();

  if (policy.type() == common::Policy::SIGNATURE) {
    common::SignaturePolicyEnvelope envelope;
    if (!envelope.ParseFromString(policy.value()))
      return Status::InvalidArgument(path + ": SIGNATURE policy does not parse as SignaturePolicyEnvelope");
    return envelope;
  }
  if (policy.type() != common::Policy::IMPLICIT_META)
    return Status::InvalidArgument(
        path + ": policy type " + std::to_string(policy.type()) +
        " cannot be used as an endorsement policy (only SIGNATURE and IMPLICIT_META)");
  common::ImplicitMetaPolicy meta;
  if (!meta.ParseFromString(policy.value()))
    return Status::InvalidArgument(path + ": IMPLICIT_META policy does not parse as ImplicitMetaPolicy");
  if (!common::ImplicitMetaPolicy::Rule_IsValid(meta.rule()))
    return Status::InvalidArgument(path + ": unknown ImplicitMeta rule " + std::to_string(meta.rule()));

  // Children in key order, so every peer flattens to the same bytes.
  std::vector<std::string> children;
  for (const auto& [child_name, child] : group.groups()) children.push_back(child_name);
  std::sort(children.begin(), children.end());

  common::SignaturePolicyEnvelope flat;
  common::SignaturePolicy::NOutOf* gate = flat.mutable_rule()->mutable_n_out_of();
  gate->set_n(policy::ImplicitMetaThreshold(meta.rule(), static_cast<int>(children.size())));
  for (const std::string& child_name : children) {
    const common::ConfigGroup& child = group.groups().at(child_name);
    if (child.policies().find(meta.sub_policy()) == child.policies().end()) {
      // Fabric counts a child without the sub-policy as unsatisfied.
      gate->add_rules()->mutable_n_out_of()->set_n(1);
      continue;
    }
    LOOM_ASSIGN_OR_RETURN(
        common::SignaturePolicyEnvelope sub,
        ResolvePolicyOfGroup(child, group_path + "/" + child_name, meta.sub_policy(), depth + 1));
    common::SignaturePolicy rule = sub.rule();
    ShiftSignedBy(&rule, flat.identities_size());
    for (const common::MSPPrincipal& identity : sub.identities()) *flat.add_identities() = identity;
    *gate->add_rules() = std::move(rule);
  }
  return flat;
}

}  // namespace

Result<common::SignaturePolicyEnvelope> ResolveChannelPolicy(const channelconfig::ChannelConfig& config,
                                                             std::string_view path) {
  std::string absolute = path.starts_with("/")
                             ? std::string(path)
                             : "/" + std::string(channelconfig::kChannelGroupKey) + "/" + std::string(path);
  std::vector<std::string> parts = SplitPath(std::string_view(absolute).substr(1));
  if (parts.size() < 2 || parts.front() != channelconfig::kChannelGroupKey ||
      std::any_of(parts.begin(), parts.end(), [](const std::string& part) { return part.empty(); }))
    return Status::InvalidArgument("policy reference '" + std::string(path) +
                                   "': expected /Channel/<group>.../<policy>");
  const common::ConfigGroup* group = &config.config.channel_group();
  std::string group_path = "/" + parts.front();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    auto child = group->groups().find(parts[i]);
    if (child == group->groups().end())
      return Status::NotFound("policy reference '" + std::string(path) + "': no group " + group_path + "/" +
                              parts[i]);
    group = &child->second;
    group_path += "/" + parts[i];
  }
  // Errors name the full path of the policy that failed.
  return ResolvePolicyOfGroup(*group, group_path, parts.back(), 0);
}

Result<protos::ApplicationPolicy> ParseValidationParameter(std::string_view bytes) {
  protos::ApplicationPolicy policy;
  if (!policy.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return Status::InvalidArgument("validation_parameter: does not parse as protos.ApplicationPolicy");
  if (policy.Type_case() == protos::ApplicationPolicy::TYPE_NOT_SET)
    return Status::InvalidArgument(
        "validation_parameter: ApplicationPolicy sets neither signature_policy nor "
        "channel_config_policy_reference");
  return policy;
}

Result<common::SignaturePolicyEnvelope> EndorsementPolicyOf(const ChaincodeDefinition& definition,
                                                            const channelconfig::ChannelConfig& config) {
  LOOM_ASSIGN_OR_RETURN(protos::ApplicationPolicy policy,
                        ParseValidationParameter(definition.validation_parameter));
  if (policy.has_signature_policy()) return policy.signature_policy();
  return ResolveChannelPolicy(config, policy.channel_config_policy_reference());
}

Result<common::SignaturePolicyEnvelope> EndorsementPolicyFor(const ledger::StateSnapshot& committed,
                                                             const channelconfig::ChannelConfig& config,
                                                             const std::string& chaincode) {
  if (chaincode == kLifecycleName) return ResolveChannelPolicy(config, kLifecycleEndorsementPolicyPath);
  LOOM_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> definition, ReadDefinition(committed, chaincode));
  if (!definition)
    return Status::NotFound("chaincode '" + chaincode + "' has no definition on channel '" +
                            config.channel_id + "'");
  Result<common::SignaturePolicyEnvelope> policy = EndorsementPolicyOf(*definition, config);
  if (!policy.ok())
    return policy.status().WithContext("chaincode '" + chaincode + "' sequence " +
                                       std::to_string(definition->sequence));
  return policy;
}

std::function<Result<common::SignaturePolicyEnvelope>(const std::string&)> EndorsementPolicyLookupAt(
    const ledger::StateSnapshot& committed, const channelconfig::ChannelConfig& config) {
  auto shared_config = std::make_shared<const channelconfig::ChannelConfig>(config);
  return [committed, shared_config](const std::string& chaincode) {
    return EndorsementPolicyFor(committed, *shared_config, chaincode);
  };
}

Result<std::string> ValidationPluginFor(const ledger::StateSnapshot& committed,
                                        const std::string& chaincode) {
  if (chaincode == kLifecycleName) return std::string(validator::kLifecyclePluginName);
  LOOM_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> definition, ReadDefinition(committed, chaincode));
  if (!definition) return Status::NotFound("chaincode '" + chaincode + "' has no definition");
  return definition->validation_plugin;
}

Result<std::string> ChaincodeVersion(const ledger::StateSnapshot& committed, const std::string& chaincode) {
  if (chaincode == kLifecycleName) return std::string(kSystemChaincodeVersion);
  LOOM_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> definition, ReadDefinition(committed, chaincode));
  if (!definition) return Status::NotFound("chaincode '" + chaincode + "' has no definition");
  return definition->version;
}

}  // namespace loom::lifecycle
