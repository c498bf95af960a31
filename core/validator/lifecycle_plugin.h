// The validation plugin of `_lifecycle` transactions ("_lifecycle").
//
// A definition commit (any `_lifecycle` transaction that writes) is judged
// like any chaincode's transaction: the counted endorsers must satisfy
// `_lifecycle`'s policy, the channel's LifecycleEndorsement.
//
// An approval — ApproveChaincodeDefinitionForMyOrg that writes nothing — is
// one org's statement. Fabric stores it in the org's implicit private
// collection and validates that write against the org's own endorsement
// policy; Loom records no approvals on the channel (an org approves by
// endorsing the commit, docs/design/0005-chaincode-lifecycle.md) but still
// lets Fabric's CLI and SDK submit approvals: such a transaction is VALID
// when at least one endorsement counted (a verified signature of a valid
// member of a channel MSP), since it changes no state. Without one it is
// ENDORSEMENT_POLICY_FAILURE. Stateless, deterministic, thread-safe.
#pragma once

#include "core/validator/validation_plugin.h"

namespace loom::validator {

inline constexpr char kLifecyclePluginName[] = "_lifecycle";
inline constexpr char kApproveFunction[] = "ApproveChaincodeDefinitionForMyOrg";

class LifecyclePlugin : public ValidationPlugin {
 public:
  Result<PluginVerdict> Validate(const PluginTransaction& tx, const PluginChannel& channel) const override;
};

}  // namespace loom::validator
