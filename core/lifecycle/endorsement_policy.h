// The policy lookups validation and endorsement make per chaincode, over the
// committed state BEFORE the block being validated: a definition committed
// in block N governs transactions from block N+1 on ("validation always uses
// the definition in force at that block"), since the committer reads a
// snapshot taken before it commits block N.
//
// Policies come out as common.SignaturePolicyEnvelope (what
// validator::EndorsementPolicyLookup returns):
// - `_lifecycle`: the channel's /Channel/Application/LifecycleEndorsement
//   policy;
// - a user chaincode: its definition's validation parameter, a marshalled
//   protos.ApplicationPolicy: a signature policy as is; a channel config
//   policy reference ("/Channel/Application/Endorsement", or relative to
//   /Channel as Fabric allows) resolved by ResolveChannelPolicy.
//
// ResolveChannelPolicy flattens a channel config policy into one equivalent
// signature policy: a SIGNATURE policy is itself; an IMPLICIT_META policy
// "RULE Sub" of group G becomes NOutOf(threshold, [P_1 .. P_k]) where P_i is
// the (recursively resolved) policy Sub of G's i-th child group in key order
// and threshold is ImplicitMeta's (ANY 1, ALL k, MAJORITY k/2+1, 0 for no
// children). A child without Sub contributes NOutOf(1, []) which never
// holds, as Fabric's reject policy. Each P_i's identities are appended to the
// envelope and its signed_by indexes shifted. Why this is equivalent: the
// org sub-policies name principals of their own MSP only, so no identity can
// satisfy principals of two children and the greedy one-identity-per-principal
// evaluation of the NOutOf gives the same answer as evaluating each child
// separately. (A child policy naming another org's MSP could differ in
// corner cases; the resolver does not rewrite such policies and documents
// it here.) Other policy types are InvalidArgument naming the path.
//
// All functions are pure (given the snapshot) and thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/policies.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/ledger/state_db.h"
#include "core/lifecycle/definition.h"
#include "core/util/status.h"
#include "peer/policy.pb.h"

namespace loom::lifecycle {

inline constexpr char kLifecycleEndorsementPolicyPath[] = "/Channel/Application/LifecycleEndorsement";

// The policy at `path` (absolute or relative to /Channel) flattened as
// above. NotFound when no such policy exists (naming the path).
Result<common::SignaturePolicyEnvelope> ResolveChannelPolicy(const channelconfig::ChannelConfig& config,
                                                             std::string_view path);

// Decodes a definition's validation parameter. InvalidArgument naming
// "validation_parameter" when it does not parse or sets neither type.
Result<protos::ApplicationPolicy> ParseValidationParameter(std::string_view bytes);

// The signature policy a definition's validation parameter stands for.
Result<common::SignaturePolicyEnvelope> EndorsementPolicyOf(const ChaincodeDefinition& definition,
                                                            const channelconfig::ChannelConfig& config);

// The endorsement policy of `chaincode` at the committed state `committed`
// (see above). NotFound when a user chaincode has no definition (the
// validator then gives INVALID_CHAINCODE); Corruption for a stored
// definition that does not decode; InvalidArgument for a policy that
// cannot be resolved.
Result<common::SignaturePolicyEnvelope> EndorsementPolicyFor(const ledger::StateSnapshot& committed,
                                                             const channelconfig::ChannelConfig& config,
                                                             const std::string& chaincode);

// The lookup the validator takes (validator::EndorsementPolicyLookup), bound
// to one snapshot and config; both are copied into it.
std::function<Result<common::SignaturePolicyEnvelope>(const std::string&)> EndorsementPolicyLookupAt(
    const ledger::StateSnapshot& committed, const channelconfig::ChannelConfig& config);

// The validation plugin named by the definition in force ("_lifecycle",
// validator/lifecycle_plugin.h, for `_lifecycle` itself). NotFound without a
// definition.
Result<std::string> ValidationPluginFor(const ledger::StateSnapshot& committed, const std::string& chaincode);

// The version the endorser puts in the ChaincodeID of a proposal response:
// the definition's version, kSystemChaincodeVersion for `_lifecycle`.
// NotFound without a definition.
Result<std::string> ChaincodeVersion(const ledger::StateSnapshot& committed, const std::string& chaincode);

}  // namespace loom::lifecycle
