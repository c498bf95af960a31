#include "core/validator/validation_plugin.h"

#include "core/msp/policy_identity.h"
#include "core/policy/compiled_signature_policy.h"
#include "core/validator/fabcoin_plugin.h"
#include "core/validator/lifecycle_plugin.h"

namespace loom::validator {
namespace {

// Today's builtin VSCC: the endorsement policy and nothing else.
class VsccPlugin : public ValidationPlugin {
 public:
  Result<PluginVerdict> Validate(const PluginTransaction& tx, const PluginChannel& channel) const override {
    return CheckEndorsementPolicy(tx, channel);
  }
};

}  // namespace

PluginVerdict CheckEndorsementPolicy(const PluginTransaction& tx, const PluginChannel& channel) {
  PluginVerdict verdict;
  Result<policy::CompiledSignaturePolicy> compiled =
      policy::CompiledSignaturePolicy::Compile(*channel.endorsement_policy);
  if (!compiled.ok()) {
    verdict.code = protos::INVALID_OTHER_REASON;
    verdict.explanation =
        "endorsement policy of chaincode '" + tx.chaincode + "': " + compiled.status().message();
    return verdict;
  }
  std::vector<std::unique_ptr<msp::PolicyIdentity>> identities;
  std::vector<const policy::Identity*> presented;
  for (const channelconfig::CountedSignature& counted : tx.endorsements->counted) {
    identities.push_back(std::make_unique<msp::PolicyIdentity>(counted.identity, channel.identity_time));
    presented.push_back(identities.back().get());
  }
  policy::SignaturePolicyResult result = compiled->Evaluate(presented);
  if (!result.satisfied()) {
    verdict.code = protos::ENDORSEMENT_POLICY_FAILURE;
    verdict.explanation = "endorsement policy of chaincode '" + tx.chaincode + "' is not satisfied:\n" +
                          result.Explain() + "\n" + tx.endorsements->Explain();
  }
  return verdict;
}

void ValidationPluginRegistry::Register(const std::string& name,
                                        std::shared_ptr<const ValidationPlugin> plugin) {
  plugins_[name] = std::move(plugin);
}

const ValidationPlugin* ValidationPluginRegistry::Find(const std::string& name) const {
  auto found = plugins_.find(name);
  return found == plugins_.end() ? nullptr : found->second.get();
}

std::vector<std::string> ValidationPluginRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, plugin] : plugins_) names.push_back(name);
  return names;
}

std::shared_ptr<const ValidationPluginRegistry> BuiltinValidationPlugins() {
  static const std::shared_ptr<const ValidationPluginRegistry> builtin = [] {
    auto registry = std::make_shared<ValidationPluginRegistry>();
    registry->Register(kVsccPluginName, std::make_shared<VsccPlugin>());
    registry->Register(kFabcoinPluginName, std::make_shared<FabcoinPlugin>());
    registry->Register(kLifecyclePluginName, std::make_shared<LifecyclePlugin>());
    return registry;
  }();
  return builtin;
}

}  // namespace loom::validator
