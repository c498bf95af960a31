#include "core/client/lifecycle_client.h"

#include "core/client/network_client.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/envelope.h"
#include "core/protocol/txid.h"
#include "peer/chaincode.pb.h"
#include "peer/policy.pb.h"

namespace loom::client {
namespace {

constexpr char kLifecycle[] = "_lifecycle";

// A proposal to `_lifecycle` with an empty channel id, as Fabric's CLI sends
// for the install-side functions (CreateSignedProposal requires a channel).
Result<protos::SignedProposal> ChannelLessProposal(const protocol::Signer& creator,
                                                   const std::string& function, const std::string& argument) {
  std::string nonce = protocol::NewNonce();
  std::string tx_id = protocol::ComputeTxId(nonce, creator.serialized_identity());
  protos::ChaincodeHeaderExtension extension;
  extension.mutable_chaincode_id()->set_name(kLifecycle);
  common::Header header;
  header.set_channel_header(protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, "", tx_id,
                                                        std::chrono::system_clock::now(),
                                                        extension.SerializeAsString())
                                .SerializeAsString());
  header.set_signature_header(
      protocol::MakeSignatureHeader(creator.serialized_identity(), nonce).SerializeAsString());

  protos::ChaincodeInvocationSpec invocation;
  protos::ChaincodeSpec* spec = invocation.mutable_chaincode_spec();
  spec->set_type(protos::ChaincodeSpec::GOLANG);
  spec->mutable_chaincode_id()->set_name(kLifecycle);
  spec->mutable_input()->add_args(function);
  spec->mutable_input()->add_args(argument);
  protos::ChaincodeProposalPayload payload;
  payload.set_input(invocation.SerializeAsString());

  protos::Proposal proposal;
  proposal.set_header(header.SerializeAsString());
  proposal.set_payload(payload.SerializeAsString());
  protos::SignedProposal signed_proposal;
  signed_proposal.set_proposal_bytes(proposal.SerializeAsString());
  LOOM_ASSIGN_OR_RETURN(std::string signature, creator.Sign(signed_proposal.proposal_bytes()));
  signed_proposal.set_signature(std::move(signature));
  return signed_proposal;
}

// The chaincode's answer payload of a successful response; the peer's
// refusal as FailedPrecondition otherwise.
Result<std::string> SuccessPayload(const protos::ProposalResponse& response, const std::string& function) {
  if (response.response().status() >= 400 || response.response().status() < 200)
    return Status::FailedPrecondition(function + " refused by the peer: status " +
                                      std::to_string(response.response().status()) + ": " +
                                      response.response().message());
  return response.response().payload();
}

template <typename ResultMessage>
Result<ResultMessage> ParseResult(const std::string& payload, const std::string& function) {
  ResultMessage result;
  if (!result.ParseFromString(payload))
    return Status::InvalidArgument(function + ": the peer's answer does not parse as " +
                                   ResultMessage::descriptor()->full_name());
  return result;
}

Status CheckChannelAndName(const std::string& channel, const ChaincodeDefinition& definition) {
  if (channel.empty()) return Status::InvalidArgument("chaincode definition: no channel");
  if (definition.name.empty()) return Status::InvalidArgument("chaincode definition: no name");
  return Status::Ok();
}

// Fills the fields Approve and Commit arguments share.
template <typename Args>
Status FillDefinition(const ChaincodeDefinition& definition, Args* args) {
  args->set_name(definition.name);
  args->set_version(definition.version);
  args->set_sequence(definition.sequence);
  args->set_endorsement_plugin(definition.endorsement_plugin);
  args->set_validation_plugin(definition.validation_plugin);
  args->set_init_required(definition.init_required);
  if (!definition.endorsement_policy.empty()) {
    LOOM_ASSIGN_OR_RETURN(std::string parameter, ValidationParameterFor(definition.endorsement_policy));
    args->set_validation_parameter(std::move(parameter));
  }
  return Status::Ok();
}

Result<SignedProposal> ChannelProposal(const protocol::Signer& signer, const std::string& channel,
                                       const std::string& function, const std::string& argument) {
  ProposalRequest request;
  request.channel = channel;
  request.chaincode = kLifecycle;
  request.args = {function, argument};
  return CreateSignedProposal(signer, request);
}

}  // namespace

Result<std::string> ValidationParameterFor(const std::string& policy_text) {
  protos::ApplicationPolicy policy;
  if (policy_text.empty()) return Status::InvalidArgument("endorsement policy: empty");
  if (policy_text.front() == '/') {
    if (policy_text.size() == 1 || policy_text.back() == '/')
      return Status::InvalidArgument("endorsement policy '" + policy_text +
                                     "': a channel policy path names a policy, e.g. "
                                     "/Channel/Application/Endorsement");
    policy.set_channel_config_policy_reference(policy_text);
    return policy.SerializeAsString();
  }
  Result<common::SignaturePolicyEnvelope> envelope = policy::ParseSignaturePolicy(policy_text);
  if (!envelope.ok())
    return Status::InvalidArgument("endorsement policy '" + policy_text +
                                   "': " + envelope.status().message());
  *policy.mutable_signature_policy() = std::move(*envelope);
  return policy.SerializeAsString();
}

Result<std::string> InstallChaincode(const std::shared_ptr<grpc::Channel>& peer,
                                     const std::string& package_bytes, const protocol::Signer& admin,
                                     std::chrono::milliseconds timeout) {
  ::lifecycle::InstallChaincodeArgs args;
  args.set_chaincode_install_package(package_bytes);
  LOOM_ASSIGN_OR_RETURN(protos::SignedProposal proposal,
                        ChannelLessProposal(admin, "InstallChaincode", args.SerializeAsString()));
  LOOM_ASSIGN_OR_RETURN(protos::ProposalResponse response, Endorse(peer, proposal, timeout));
  LOOM_ASSIGN_OR_RETURN(std::string payload, SuccessPayload(response, "InstallChaincode"));
  LOOM_ASSIGN_OR_RETURN(auto result,
                        ParseResult<::lifecycle::InstallChaincodeResult>(payload, "InstallChaincode"));
  if (result.package_id().empty())
    return Status::InvalidArgument("InstallChaincode: the peer's answer carries no package id");
  return result.package_id();
}

Result<std::vector<InstalledChaincode>> QueryInstalledChaincodes(const std::shared_ptr<grpc::Channel>& peer,
                                                                 const protocol::Signer& admin,
                                                                 std::chrono::milliseconds timeout) {
  ::lifecycle::QueryInstalledChaincodesArgs args;
  LOOM_ASSIGN_OR_RETURN(protos::SignedProposal proposal,
                        ChannelLessProposal(admin, "QueryInstalledChaincodes", args.SerializeAsString()));
  LOOM_ASSIGN_OR_RETURN(protos::ProposalResponse response, Endorse(peer, proposal, timeout));
  LOOM_ASSIGN_OR_RETURN(std::string payload, SuccessPayload(response, "QueryInstalledChaincodes"));
  LOOM_ASSIGN_OR_RETURN(auto result, ParseResult<::lifecycle::QueryInstalledChaincodesResult>(
                                         payload, "QueryInstalledChaincodes"));
  std::vector<InstalledChaincode> installed;
  for (const auto& chaincode : result.installed_chaincodes())
    installed.push_back(InstalledChaincode{chaincode.package_id(), chaincode.label()});
  return installed;
}

Result<SignedProposal> ApproveForMyOrgProposal(const protocol::Signer& admin, const std::string& channel,
                                               const ChaincodeDefinition& definition) {
  LOOM_RETURN_IF_ERROR(CheckChannelAndName(channel, definition));
  ::lifecycle::ApproveChaincodeDefinitionForMyOrgArgs args;
  LOOM_RETURN_IF_ERROR(FillDefinition(definition, &args));
  if (definition.package_id.empty()) {
    args.mutable_source()->mutable_unavailable();
  } else {
    args.mutable_source()->mutable_local_package()->set_package_id(definition.package_id);
  }
  return ChannelProposal(admin, channel, "ApproveChaincodeDefinitionForMyOrg", args.SerializeAsString());
}

Result<SignedProposal> CommitDefinitionProposal(const protocol::Signer& admin, const std::string& channel,
                                                const ChaincodeDefinition& definition) {
  LOOM_RETURN_IF_ERROR(CheckChannelAndName(channel, definition));
  ::lifecycle::CommitChaincodeDefinitionArgs args;
  LOOM_RETURN_IF_ERROR(FillDefinition(definition, &args));
  return ChannelProposal(admin, channel, "CommitChaincodeDefinition", args.SerializeAsString());
}

Result<::lifecycle::QueryChaincodeDefinitionResult> QueryCommittedDefinition(
    const std::shared_ptr<grpc::Channel>& peer, const protocol::Signer& signer, const std::string& channel,
    const std::string& name, std::chrono::milliseconds timeout) {
  if (channel.empty()) return Status::InvalidArgument("QueryChaincodeDefinition: no channel");
  if (name.empty()) return Status::InvalidArgument("QueryChaincodeDefinition: no chaincode name");
  ::lifecycle::QueryChaincodeDefinitionArgs args;
  args.set_name(name);
  LOOM_ASSIGN_OR_RETURN(SignedProposal proposal, ChannelProposal(signer, channel, "QueryChaincodeDefinition",
                                                                 args.SerializeAsString()));
  LOOM_ASSIGN_OR_RETURN(protos::ProposalResponse response, Endorse(peer, proposal.signed_proposal, timeout));
  // The peer's words for a missing definition (lifecycle_chaincode.cc,
  // Fabric's too): "namespace NAME is not defined".
  if (response.response().status() >= 400 &&
      response.response().message().find("namespace " + name + " is not defined") != std::string::npos)
    return Status::NotFound("chaincode '" + name + "' has no committed definition on channel '" + channel +
                            "'");
  LOOM_ASSIGN_OR_RETURN(std::string payload, SuccessPayload(response, "QueryChaincodeDefinition"));
  return ParseResult<::lifecycle::QueryChaincodeDefinitionResult>(payload, "QueryChaincodeDefinition");
}

}  // namespace loom::client
