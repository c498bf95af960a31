#include "core/lifecycle/lifecycle_chaincode.h"

#include <set>
#include <vector>

#include "core/lifecycle/definition_state.h"
#include "core/lifecycle/endorsement_policy.h"
#include "core/policy/compiled_signature_policy.h"
#include "core/policy/known_msps.h"
#include "peer/lifecycle/lifecycle.pb.h"

namespace loom::lifecycle {
namespace {

using chaincode::Invocation;
using chaincode::InvocationResult;

// Names Fabric reserves for system chaincodes; they pass the name rule.
const std::set<std::string>& SystemChaincodeNames() {
  static const std::set<std::string> names = {"lscc", "qscc", "cscc", "escc", "vscc"};
  return names;
}

InvocationResult Success(const google::protobuf::Message& result) {
  InvocationResult out;
  out.response.set_status(chaincode::kStatusOk);
  out.response.set_payload(result.SerializeAsString());
  return out;
}

InvocationResult Failure(const std::string& message) {
  InvocationResult out;
  out.response.set_status(chaincode::kStatusError);
  out.response.set_message(message);
  return out;
}

template <typename Args>
bool ParseArgs(const Invocation& invocation, Args* args) {
  const std::string& bytes = invocation.input.args_size() > 1 ? invocation.input.args(1) : std::string();
  return args->ParseFromString(bytes);
}

// The fields every definition-carrying argument message shares.
template <typename Args>
ChaincodeDefinition DefinitionFromArgs(const Args& args) {
  ChaincodeDefinition definition;
  definition.name = args.name();
  definition.sequence = args.sequence();
  definition.version = args.version();
  definition.endorsement_plugin =
      args.endorsement_plugin().empty() ? std::string(kDefaultEndorsementPlugin) : args.endorsement_plugin();
  definition.validation_plugin =
      args.validation_plugin().empty() ? std::string(kDefaultValidationPlugin) : args.validation_plugin();
  definition.validation_parameter = args.validation_parameter();
  if (definition.validation_parameter.empty()) {
    protos::ApplicationPolicy policy;
    policy.set_channel_config_policy_reference(kDefaultEndorsementPolicyRef);
    definition.validation_parameter = policy.SerializeAsString();
  }
  definition.init_required = args.init_required();
  definition.collections = args.collections();
  return definition;
}

std::vector<std::string> ApplicationMspIds(const channelconfig::ChannelConfig& config) {
  std::vector<std::string> ids;
  if (config.application)
    for (const auto& [name, org] : config.application->orgs) ids.push_back(org.msp_id);
  return ids;
}

// The rules of lifecycle_chaincode.h that do not depend on the current state.
Status CheckDefinition(const ChaincodeDefinition& definition, const channelconfig::ChannelConfig& config) {
  LOOM_RETURN_IF_ERROR(ValidateChaincodeName(definition.name));
  if (SystemChaincodeNames().count(definition.name))
    return Status::InvalidArgument("name: '" + definition.name + "' is the name of a system chaincode");
  if (definition.sequence <= 0)
    return Status::InvalidArgument("sequence: must be positive, got " + std::to_string(definition.sequence));
  LOOM_RETURN_IF_ERROR(ValidateChaincodeVersion(definition.version));
  if (definition.collections.config_size() > 0)
    return Status::InvalidArgument("collections: private data collections are not supported by Loom");

  LOOM_ASSIGN_OR_RETURN(protos::ApplicationPolicy policy,
                        ParseValidationParameter(definition.validation_parameter));
  if (policy.has_signature_policy()) {
    Result<policy::CompiledSignaturePolicy> compiled =
        policy::CompiledSignaturePolicy::Compile(policy.signature_policy());
    if (!compiled.ok()) return compiled.status().WithContext("validation_parameter: signature_policy");
    std::vector<std::string> known = ApplicationMspIds(config);
    Status msps = policy::ValidateKnownMsps(policy.signature_policy(), known);
    if (!msps.ok())
      return Status::InvalidArgument("validation_parameter: signature_policy: " + msps.message() +
                                     " — only the channel's application orgs may endorse");
    return Status::Ok();
  }
  Result<common::SignaturePolicyEnvelope> resolved =
      ResolveChannelPolicy(config, policy.channel_config_policy_reference());
  if (!resolved.ok())
    return Status::InvalidArgument("validation_parameter: channel_config_policy_reference: " +
                                   resolved.status().message());
  return Status::Ok();
}

class LifecycleCall {
 public:
  LifecycleCall(const LifecycleChaincodeOptions& options, const Invocation& invocation)
      : options_(options), invocation_(invocation) {}

  Result<InvocationResult> Run(const std::string& function) {
    if (function == "CommitChaincodeDefinition") return Commit();
    if (function == "ApproveChaincodeDefinitionForMyOrg") return Approve();
    if (function == "CheckCommitReadiness") return CheckCommitReadiness();
    if (function == "QueryChaincodeDefinition") return QueryDefinition();
    if (function == "QueryChaincodeDefinitions") return QueryDefinitions();
    if (function == "QueryApprovedChaincodeDefinition")
      return Failure(
          "QueryApprovedChaincodeDefinition: Loom records no per-org approvals; an org approves a definition "
          "by endorsing its CommitChaincodeDefinition transaction (QueryChaincodeDefinition shows what is "
          "committed)");
    if (function == "InstallChaincode") return Install();
    if (function == "QueryInstalledChaincode") return QueryInstalled();
    if (function == "QueryInstalledChaincodes") return QueryAllInstalled();
    if (function == "GetInstalledChaincodePackage") return GetInstalledPackage();
    return Failure("unknown _lifecycle function '" + function + "'");
  }

 private:
  // The channel's config, or why a channel function cannot run. A missing
  // channel or simulator is the caller's mistake (500); a config source
  // that fails is the peer's (a Status error).
  Result<std::shared_ptr<const channelconfig::ChannelConfig>> ChannelConfig(const std::string& function,
                                                                            std::string* refusal) {
    if (invocation_.channel_id.empty() || invocation_.simulator == nullptr) {
      *refusal = function + " must be invoked on a channel";
      return std::shared_ptr<const channelconfig::ChannelConfig>();
    }
    if (!options_.channel_config)
      return Status::FailedPrecondition("_lifecycle: no channel config source configured");
    LOOM_ASSIGN_OR_RETURN(std::shared_ptr<const channelconfig::ChannelConfig> config,
                          options_.channel_config(invocation_.channel_id));
    if (!config)
      return Status::NotFound("_lifecycle: no config for channel '" + invocation_.channel_id + "'");
    return config;
  }

  // The checks Commit, Approve and CheckCommitReadiness share; the refusal
  // message, or "" when the definition may be committed. `allow_current`
  // accepts the committed sequence again when the definition is unchanged
  // (an org approving what is already committed, as Fabric allows).
  Result<std::string> CheckAgainstState(const ChaincodeDefinition& definition,
                                        const channelconfig::ChannelConfig& config,
                                        std::optional<ChaincodeDefinition>* current, bool allow_current) {
    Status rules = CheckDefinition(definition, config);
    if (!rules.ok()) return rules.message();
    LOOM_ASSIGN_OR_RETURN(*current, ReadDefinition(*invocation_.simulator, definition.name));
    int64_t committed = *current ? (*current)->sequence : 0;
    if (allow_current && current->has_value() && definition.sequence == committed && **current == definition)
      return std::string();
    if (definition.sequence != committed + 1)
      return "sequence: requested sequence is " + std::to_string(definition.sequence) +
             ", but new definition must be sequence " + std::to_string(committed + 1);
    return std::string();
  }

  Result<InvocationResult> Commit() {
    ::lifecycle::CommitChaincodeDefinitionArgs args;
    if (!ParseArgs(invocation_, &args))
      return Failure(
          "CommitChaincodeDefinition: args[1] does not parse as lifecycle.CommitChaincodeDefinitionArgs");
    std::string refusal;
    LOOM_ASSIGN_OR_RETURN(auto config, ChannelConfig("CommitChaincodeDefinition", &refusal));
    if (!refusal.empty()) return Failure(refusal);
    ChaincodeDefinition definition = DefinitionFromArgs(args);
    std::optional<ChaincodeDefinition> current;
    LOOM_ASSIGN_OR_RETURN(refusal, CheckAgainstState(definition, *config, &current, /*allow_current=*/false));
    if (!refusal.empty()) return Failure("CommitChaincodeDefinition: " + refusal);
    Status written = WriteDefinition(*invocation_.simulator, definition, current);
    if (!written.ok()) return written;
    return Success(::lifecycle::CommitChaincodeDefinitionResult());
  }

  Result<InvocationResult> Approve() {
    ::lifecycle::ApproveChaincodeDefinitionForMyOrgArgs args;
    if (!ParseArgs(invocation_, &args))
      return Failure(
          "ApproveChaincodeDefinitionForMyOrg: args[1] does not parse as "
          "lifecycle.ApproveChaincodeDefinitionForMyOrgArgs");
    std::string refusal;
    LOOM_ASSIGN_OR_RETURN(auto config, ChannelConfig("ApproveChaincodeDefinitionForMyOrg", &refusal));
    if (!refusal.empty()) return Failure(refusal);
    ChaincodeDefinition definition = DefinitionFromArgs(args);
    std::optional<ChaincodeDefinition> current;
    LOOM_ASSIGN_OR_RETURN(refusal, CheckAgainstState(definition, *config, &current, /*allow_current=*/true));
    if (!refusal.empty()) return Failure("ApproveChaincodeDefinitionForMyOrg: " + refusal);
    if (args.source().has_local_package()) {
      const std::string& package_id = args.source().local_package().package_id();
      if (options_.packages == nullptr)
        return Failure("ApproveChaincodeDefinitionForMyOrg: source: this peer has no package store");
      Status chosen = options_.packages->RecordChoice(invocation_.channel_id, definition.name,
                                                      definition.sequence, package_id);
      if (chosen.IsNotFound())
        return Failure("ApproveChaincodeDefinitionForMyOrg: source: " + chosen.message());
      if (!chosen.ok()) return chosen;
    }
    return Success(::lifecycle::ApproveChaincodeDefinitionForMyOrgResult());
  }

  Result<InvocationResult> CheckCommitReadiness() {
    ::lifecycle::CheckCommitReadinessArgs args;
    if (!ParseArgs(invocation_, &args))
      return Failure("CheckCommitReadiness: args[1] does not parse as lifecycle.CheckCommitReadinessArgs");
    std::string refusal;
    LOOM_ASSIGN_OR_RETURN(auto config, ChannelConfig("CheckCommitReadiness", &refusal));
    if (!refusal.empty()) return Failure(refusal);
    std::optional<ChaincodeDefinition> current;
    LOOM_ASSIGN_OR_RETURN(
        refusal, CheckAgainstState(DefinitionFromArgs(args), *config, &current, /*allow_current=*/false));
    if (!refusal.empty()) return Failure("CheckCommitReadiness: " + refusal);
    ::lifecycle::CheckCommitReadinessResult result;
    for (const std::string& msp_id : ApplicationMspIds(*config)) (*result.mutable_approvals())[msp_id] = true;
    return Success(result);
  }

  Result<InvocationResult> QueryDefinition() {
    ::lifecycle::QueryChaincodeDefinitionArgs args;
    if (!ParseArgs(invocation_, &args))
      return Failure(
          "QueryChaincodeDefinition: args[1] does not parse as lifecycle.QueryChaincodeDefinitionArgs");
    if (invocation_.simulator == nullptr)
      return Failure("QueryChaincodeDefinition must be invoked on a channel");
    LOOM_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> definition,
                          ReadDefinition(*invocation_.simulator, args.name()));
    if (!definition) return Failure("QueryChaincodeDefinition: namespace " + args.name() + " is not defined");
    ::lifecycle::QueryChaincodeDefinitionResult result;
    result.set_sequence(definition->sequence);
    result.set_version(definition->version);
    result.set_endorsement_plugin(definition->endorsement_plugin);
    result.set_validation_plugin(definition->validation_plugin);
    result.set_validation_parameter(definition->validation_parameter);
    *result.mutable_collections() = definition->collections;
    result.set_init_required(definition->init_required);
    return Success(result);
  }

  Result<InvocationResult> QueryDefinitions() {
    ::lifecycle::QueryChaincodeDefinitionsArgs args;
    if (!ParseArgs(invocation_, &args))
      return Failure(
          "QueryChaincodeDefinitions: args[1] does not parse as lifecycle.QueryChaincodeDefinitionsArgs");
    if (invocation_.simulator == nullptr)
      return Failure("QueryChaincodeDefinitions must be invoked on a channel");
    LOOM_ASSIGN_OR_RETURN(std::vector<ChaincodeDefinition> definitions,
                          ListDefinitions(*invocation_.simulator));
    ::lifecycle::QueryChaincodeDefinitionsResult result;
    for (const ChaincodeDefinition& definition : definitions) {
      auto* out = result.add_chaincode_definitions();
      out->set_name(definition.name);
      out->set_sequence(definition.sequence);
      out->set_version(definition.version);
      out->set_endorsement_plugin(definition.endorsement_plugin);
      out->set_validation_plugin(definition.validation_plugin);
      out->set_validation_parameter(definition.validation_parameter);
      *out->mutable_collections() = definition.collections;
      out->set_init_required(definition.init_required);
    }
    return Success(result);
  }

  // Why an install-side call may not run, or "".
  std::string InstallRefusal(const std::string& function) {
    if (!invocation_.channel_id.empty())
      return function + " is peer-local: send it without a channel id (as `peer lifecycle chaincode " +
             "install` does), not on channel '" + invocation_.channel_id + "'";
    if (options_.packages == nullptr) return function + ": this peer has no package store";
    if (options_.authorize_install) {
      Status allowed = options_.authorize_install(invocation_);
      if (!allowed.ok()) return function + ": " + allowed.message();
    }
    return std::string();
  }

  Result<InvocationResult> Install() {
    if (std::string refusal = InstallRefusal("InstallChaincode"); !refusal.empty()) return Failure(refusal);
    ::lifecycle::InstallChaincodeArgs args;
    if (!ParseArgs(invocation_, &args))
      return Failure("InstallChaincode: args[1] does not parse as lifecycle.InstallChaincodeArgs");
    if (args.chaincode_install_package().empty())
      return Failure("InstallChaincode: chaincode_install_package is empty");
    if (args.chaincode_install_package().size() > kMaxInstallPackageBytes)
      return Failure("InstallChaincode: chaincode_install_package: " +
                     std::to_string(args.chaincode_install_package().size()) + " bytes, more than the " +
                     std::to_string(kMaxInstallPackageBytes) + " bytes a package may have");
    Result<std::string> id = options_.packages->Install(args.chaincode_install_package());
    if (!id.ok()) {
      if (id.status().IsInvalidArgument())
        return Failure("InstallChaincode: chaincode_install_package: " + id.status().message());
      return id.status();
    }
    LOOM_ASSIGN_OR_RETURN(InstalledPackage package, options_.packages->Find(*id));
    ::lifecycle::InstallChaincodeResult result;
    result.set_package_id(package.id);
    result.set_label(package.label);
    return Success(result);
  }

  Result<InvocationResult> QueryInstalled() {
    if (std::string refusal = InstallRefusal("QueryInstalledChaincode"); !refusal.empty())
      return Failure(refusal);
    ::lifecycle::QueryInstalledChaincodeArgs args;
    if (!ParseArgs(invocation_, &args))
      return Failure(
          "QueryInstalledChaincode: args[1] does not parse as lifecycle.QueryInstalledChaincodeArgs");
    Result<InstalledPackage> package = options_.packages->Find(args.package_id());
    if (!package.ok()) return Failure("QueryInstalledChaincode: " + package.status().message());
    ::lifecycle::QueryInstalledChaincodeResult result;
    result.set_package_id(package->id);
    result.set_label(package->label);
    return Success(result);
  }

  Result<InvocationResult> QueryAllInstalled() {
    if (std::string refusal = InstallRefusal("QueryInstalledChaincodes"); !refusal.empty())
      return Failure(refusal);
    ::lifecycle::QueryInstalledChaincodesResult result;
    for (const InstalledPackage& package : options_.packages->List()) {
      auto* out = result.add_installed_chaincodes();
      out->set_package_id(package.id);
      out->set_label(package.label);
    }
    return Success(result);
  }

  Result<InvocationResult> GetInstalledPackage() {
    if (std::string refusal = InstallRefusal("GetInstalledChaincodePackage"); !refusal.empty())
      return Failure(refusal);
    ::lifecycle::GetInstalledChaincodePackageArgs args;
    if (!ParseArgs(invocation_, &args))
      return Failure(
          "GetInstalledChaincodePackage: args[1] does not parse as "
          "lifecycle.GetInstalledChaincodePackageArgs");
    Result<std::string> bytes = options_.packages->PackageBytes(args.package_id());
    if (!bytes.ok()) {
      if (bytes.status().IsNotFound())
        return Failure("GetInstalledChaincodePackage: " + bytes.status().message());
      return bytes.status();
    }
    ::lifecycle::GetInstalledChaincodePackageResult result;
    result.set_chaincode_install_package(std::move(*bytes));
    return Success(result);
  }

  const LifecycleChaincodeOptions& options_;
  const Invocation& invocation_;
};

}  // namespace

Result<InvocationResult> LifecycleChaincode::Execute(const Invocation& invocation) {
  if (invocation.input.args_size() == 0) return Failure("_lifecycle: no function name (args[0])");
  return LifecycleCall(options_, invocation).Run(invocation.input.args(0));
}

}  // namespace loom::lifecycle
