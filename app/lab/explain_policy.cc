#include "app/lab/explain_policy.h"

#include <algorithm>
#include <set>

#include "core/channelconfig/policy_manager.h"
#include "core/lifecycle/definition.h"
#include "core/lifecycle/endorsement_policy.h"
#include "core/msp/msp.h"
#include "core/msp/policy_identity.h"
#include "core/policy/compiled_signature_policy.h"
#include "core/protocol/envelope.h"
#include "core/protocol/policy_text.h"
#include "core/protocol/serialized_identity.h"
#include "msp/msp_principal.pb.h"
#include "peer/lifecycle/chaincode_definition.pb.h"
#include "peer/lifecycle/db.pb.h"
#include "peer/transaction.pb.h"

namespace loom::lab {
namespace {

struct PolicyInForce {
  common::SignaturePolicyEnvelope envelope;
  std::string reference;  // empty for a signature policy
};

Result<PolicyInForce> PolicyFor(const LedgerReplay& replay, const channelconfig::ChannelConfig& config,
                                const std::string& chaincode) {
  if (chaincode == lifecycle::kLifecycleName) {
    LOOM_ASSIGN_OR_RETURN(
        common::SignaturePolicyEnvelope envelope,
        lifecycle::ResolveChannelPolicy(config, lifecycle::kLifecycleEndorsementPolicyPath));
    return PolicyInForce{std::move(envelope), lifecycle::kLifecycleEndorsementPolicyPath};
  }
  std::string key = lifecycle::DefinitionFieldKey(chaincode, "ValidationInfo");
  const ReplayedKey* stored = replay.Find(lifecycle::kLifecycleName, key);
  if (stored == nullptr || stored->deleted)
    return Status::NotFound("chaincode " + chaincode + " has no definition in force at this block");
  ::lifecycle::StateData data;
  ::lifecycle::ChaincodeValidationInfo validation;
  if (!data.ParseFromString(stored->value) || !validation.ParseFromString(data.bytes()))
    return Status::Corruption("_lifecycle " + key + " does not decode");
  std::string parameter = validation.validation_parameter();
  if (parameter.empty()) {  // Fabric's default
    LOOM_ASSIGN_OR_RETURN(common::SignaturePolicyEnvelope envelope,
                          lifecycle::ResolveChannelPolicy(config, lifecycle::kDefaultEndorsementPolicyRef));
    return PolicyInForce{std::move(envelope), lifecycle::kDefaultEndorsementPolicyRef};
  }
  LOOM_ASSIGN_OR_RETURN(protos::ApplicationPolicy policy, lifecycle::ParseValidationParameter(parameter));
  if (policy.has_signature_policy()) return PolicyInForce{policy.signature_policy(), ""};
  LOOM_ASSIGN_OR_RETURN(common::SignaturePolicyEnvelope envelope,
                        lifecycle::ResolveChannelPolicy(config, policy.channel_config_policy_reference()));
  return PolicyInForce{std::move(envelope), policy.channel_config_policy_reference()};
}

// The endorsements as signed data (Fabric's: payload || endorser).
Result<std::vector<protocol::SignedData>> EndorsementSignedData(const std::string& envelope_bytes) {
  LOOM_ASSIGN_OR_RETURN(protocol::ParsedEnvelope parsed, protocol::ParseEnvelopeBytes(envelope_bytes));
  protos::Transaction transaction;
  protos::ChaincodeActionPayload action_payload;
  if (!transaction.ParseFromString(parsed.payload.data()) || transaction.actions_size() != 1 ||
      !action_payload.ParseFromString(transaction.actions(0).payload()))
    return Status::InvalidArgument("the transaction's action does not decode");
  std::vector<protocol::SignedData> out;
  const protos::ChaincodeEndorsedAction& action = action_payload.action();
  for (const protos::Endorsement& endorsement : action.endorsements()) {
    out.push_back({action.proposal_response_payload() + endorsement.endorser(), endorsement.endorser(),
                   endorsement.signature()});
  }
  return out;
}

std::string RejectionProblem(const channelconfig::RejectedSignature& rejected) {
  switch (rejected.reason) {
    case channelconfig::SignatureRejection::kUnknownMsp: return "unknown org: " + rejected.detail;
    case channelconfig::SignatureRejection::kBadSignature: return "bad signature: " + rejected.detail;
    default:
      return std::string(channelconfig::SignatureRejectionName(rejected.reason)) + ": " + rejected.detail;
  }
}

// The MSP id a principal names (ROLE principals), else "".
std::string PrincipalMsp(const common::MSPPrincipal& principal) {
  if (principal.principal_classification() != common::MSPPrincipal::ROLE) return {};
  common::MSPRole role;
  if (!role.ParseFromString(principal.principal())) return {};
  return role.msp_identifier();
}

// Why a valid endorsement did not satisfy any principal: its org is not in
// the policy, its role is not the one the policy's principal of its org
// asks for, or that principal was already satisfied by another endorsement.
std::string WhyNotUsed(const EndorsementExplanation& e, const common::SignaturePolicyEnvelope& policy,
                       const std::vector<int>& unsatisfied) {
  std::string who = e.mspid + (e.role.empty() ? "" : " " + e.role);
  for (int principal : unsatisfied) {
    const common::MSPPrincipal& p = policy.identities(principal);
    if (PrincipalMsp(p) == e.mspid)
      return "does not satisfy " + protocol::PrincipalToText(p) + " (" + who + ")";
  }
  for (const common::MSPPrincipal& p : policy.identities())
    if (PrincipalMsp(p) == e.mspid)
      return "not needed: the policy's principals of " + e.mspid + " were already satisfied";
  return "the policy names no principal of " + e.mspid;
}

}  // namespace

Result<PolicyExplanation> ExplainEndorsementPolicy(const LedgerReplay& replay, const std::string& envelope,
                                                   const std::string& chaincode) {
  const channelconfig::ChannelConfig* config = replay.config();
  if (config == nullptr) return Status::FailedPrecondition("no channel config before this transaction");
  LOOM_ASSIGN_OR_RETURN(PolicyInForce in_force, PolicyFor(replay, *config, chaincode));
  PolicyExplanation out;
  out.chaincode = chaincode;
  out.policy = protocol::SignaturePolicyToText(in_force.envelope);
  out.policy_reference = in_force.reference;
  if (!in_force.reference.empty()) {
    std::string path = in_force.reference[0] == '/' ? in_force.reference : "/Channel/" + in_force.reference;
    if (const channelconfig::PolicyInfo* info = config->FindPolicy(path)) out.reference_rule = info->text;
  }

  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<const channelconfig::PolicyManager> manager,
                        channelconfig::PolicyManager::Create(*config));
  LOOM_ASSIGN_OR_RETURN(std::vector<protocol::SignedData> signed_data, EndorsementSignedData(envelope));
  Result<protocol::ParsedEnvelope> parsed = protocol::ParseEnvelopeBytes(envelope);
  const auto& stamp = parsed->channel_header.timestamp();
  crypto::Clock::time_point at = crypto::Clock::time_point(std::chrono::seconds(stamp.seconds()));
  channelconfig::SignatureCheck check = manager->CheckSignatures(signed_data, at);

  out.endorsements.resize(signed_data.size());
  for (size_t i = 0; i < signed_data.size(); ++i) {
    EndorsementExplanation& e = out.endorsements[i];
    e.index = static_cast<uint32_t>(i);
    Result<protocol::ParsedIdentity> identity = protocol::ParseIdentity(signed_data[i].identity);
    if (identity.ok()) {
      e.mspid = identity->mspid;
      e.subject = identity->certificate.SubjectString();
    }
  }
  for (const channelconfig::RejectedSignature& rejected : check.rejected) {
    out.endorsements[rejected.index].problem = RejectionProblem(rejected);
  }
  std::vector<msp::PolicyIdentity> identities;
  for (const channelconfig::CountedSignature& counted : check.counted) {
    EndorsementExplanation& e = out.endorsements[counted.index];
    e.counted = true;
    Result<msp::NodeRole> role = counted.identity.Role();
    if (role.ok()) e.role = std::string(msp::NodeRoleName(*role));
    identities.emplace_back(counted.identity, at);
  }
  std::vector<const policy::Identity*> pointers;
  for (const msp::PolicyIdentity& identity : identities) pointers.push_back(&identity);

  LOOM_ASSIGN_OR_RETURN(policy::CompiledSignaturePolicy compiled,
                        policy::CompiledSignaturePolicy::Compile(in_force.envelope));
  policy::SignaturePolicyResult result = compiled.Evaluate(pointers);
  std::set<int> used;
  for (const policy::RuleOutcome& outcome : result.outcomes())
    if (outcome.satisfied && outcome.identity >= 0) used.insert(outcome.identity);
  std::vector<int> unsatisfied = result.UnsatisfiedPrincipals();
  std::set<std::string> needed;
  for (int principal : unsatisfied) {
    const common::MSPPrincipal& p = in_force.envelope.identities(principal);
    out.unsatisfied_principals.push_back(protocol::PrincipalToText(p));
    std::string msp = PrincipalMsp(p);
    if (!msp.empty()) needed.insert(msp);
  }
  for (size_t i = 0; i < check.counted.size(); ++i) {
    EndorsementExplanation& e = out.endorsements[check.counted[i].index];
    e.satisfied_principal = used.count(static_cast<int>(i)) > 0;
    if (!e.satisfied_principal) e.problem = WhyNotUsed(e, in_force.envelope, unsatisfied);
  }
  // Orgs whose principals failed but that the policy could do without are
  // still "needed" only when the policy is not satisfied.
  if (!result.satisfied()) out.orgs_needed.assign(needed.begin(), needed.end());
  return out;
}

}  // namespace loom::lab
