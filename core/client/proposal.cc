#include "core/client/proposal.h"

#include <chrono>

#include "core/protocol/envelope.h"
#include "core/protocol/txid.h"
#include "msp/identities.pb.h"
#include "peer/chaincode.pb.h"
#include "peer/transaction.pb.h"

namespace loom::client {
namespace {

// "Org2MSP" for an endorsement's serialized identity, or "endorser N".
std::string EndorserName(const protos::ProposalResponse& response, size_t index) {
  msp::SerializedIdentity identity;
  if (response.has_endorsement() && identity.ParseFromString(response.endorsement().endorser()) &&
      !identity.mspid().empty()) {
    return "endorser " + std::to_string(index) + " (" + identity.mspid() + ")";
  }
  return "endorser " + std::to_string(index);
}

// Which part of two differing ProposalResponsePayloads differs, so a
// mismatch says "the read-write sets differ" rather than just "differ".
std::string DescribePayloadDifference(const std::string& first, const std::string& second) {
  protos::ProposalResponsePayload a, b;
  protos::ChaincodeAction action_a, action_b;
  if (!a.ParseFromString(first) || !b.ParseFromString(second)) return "a payload does not parse";
  if (a.proposal_hash() != b.proposal_hash()) return "they endorsed different proposals";
  if (!action_a.ParseFromString(a.extension()) || !action_b.ParseFromString(b.extension())) {
    return "a chaincode action does not parse";
  }
  if (action_a.results() != action_b.results()) return "the read-write sets differ";
  if (action_a.response().SerializeAsString() != action_b.response().SerializeAsString()) {
    return "the chaincode responses differ";
  }
  if (action_a.events() != action_b.events()) return "the chaincode events differ";
  if (action_a.chaincode_id().SerializeAsString() != action_b.chaincode_id().SerializeAsString()) {
    return "the chaincode versions differ";
  }
  return "the payload bytes differ";
}

}  // namespace

Result<SignedProposal> CreateSignedProposal(const protocol::Signer& creator, const ProposalRequest& request) {
  if (request.channel.empty()) return Status::InvalidArgument("proposal: no channel");
  if (request.chaincode.empty()) return Status::InvalidArgument("proposal: no chaincode");
  if (request.args.empty()) return Status::InvalidArgument("proposal: no function (args is empty)");

  SignedProposal out;
  std::string nonce = protocol::NewNonce();
  out.tx_id = protocol::ComputeTxId(nonce, creator.serialized_identity());
  protos::ChaincodeHeaderExtension extension;
  extension.mutable_chaincode_id()->set_name(request.chaincode);
  out.channel_header =
      protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, request.channel, out.tx_id,
                                  std::chrono::system_clock::now(), extension.SerializeAsString())
          .SerializeAsString();
  out.signature_header =
      protocol::MakeSignatureHeader(creator.serialized_identity(), nonce).SerializeAsString();

  protos::ChaincodeInvocationSpec invocation;
  protos::ChaincodeSpec* spec = invocation.mutable_chaincode_spec();
  spec->set_type(protos::ChaincodeSpec::GOLANG);
  spec->mutable_chaincode_id()->set_name(request.chaincode);
  for (const std::string& arg : request.args) spec->mutable_input()->add_args(arg);
  spec->mutable_input()->set_is_init(request.is_init);
  protos::ChaincodeProposalPayload payload;
  payload.set_input(invocation.SerializeAsString());
  for (const auto& [key, value] : request.transient) (*payload.mutable_transientmap())[key] = value;

  common::Header header;
  header.set_channel_header(out.channel_header);
  header.set_signature_header(out.signature_header);
  out.proposal.set_header(header.SerializeAsString());
  out.proposal.set_payload(payload.SerializeAsString());
  std::string proposal_bytes = out.proposal.SerializeAsString();
  LOOM_ASSIGN_OR_RETURN(std::string signature, creator.Sign(proposal_bytes));
  out.signed_proposal.set_proposal_bytes(std::move(proposal_bytes));
  out.signed_proposal.set_signature(std::move(signature));
  return out;
}

Result<std::string> ProposalPayloadForTransaction(const protos::Proposal& proposal) {
  protos::ChaincodeProposalPayload payload;
  if (!payload.ParseFromString(proposal.payload())) {
    return Status::InvalidArgument("proposal payload is not a ChaincodeProposalPayload");
  }
  payload.clear_transientmap();
  return payload.SerializeAsString();
}

Result<common::Envelope> AssembleTransaction(const SignedProposal& proposal,
                                             const std::vector<protos::ProposalResponse>& responses,
                                             const protocol::Signer& creator) {
  if (responses.empty()) return Status::InvalidArgument("tx " + proposal.tx_id + ": no proposal responses");
  for (size_t i = 0; i < responses.size(); ++i) {
    const protos::ProposalResponse& response = responses[i];
    if (response.response().status() >= 400) {
      return Status::FailedPrecondition(
          "tx " + proposal.tx_id + ": " + EndorserName(response, i) + " refused the proposal: status " +
          std::to_string(response.response().status()) + ": " + response.response().message());
    }
    if (!response.has_endorsement() || response.endorsement().signature().empty()) {
      return Status::FailedPrecondition("tx " + proposal.tx_id + ": " + EndorserName(response, i) +
                                        " returned no endorsement");
    }
    if (response.payload() != responses[0].payload()) {
      return Status::FailedPrecondition(
          "tx " + proposal.tx_id + ": ProposalResponsePayloads do not match: " + EndorserName(response, i) +
          " and " + EndorserName(responses[0], 0) + " disagree (" +
          DescribePayloadDifference(responses[0].payload(), response.payload()) + ")");
    }
  }
  common::SignatureHeader signature_header;
  if (!signature_header.ParseFromString(proposal.signature_header) ||
      signature_header.creator() != creator.serialized_identity()) {
    return Status::InvalidArgument("tx " + proposal.tx_id +
                                   ": the transaction must be signed by the proposal's creator");
  }

  LOOM_ASSIGN_OR_RETURN(std::string proposal_payload, ProposalPayloadForTransaction(proposal.proposal));
  protos::ChaincodeActionPayload action_payload;
  action_payload.set_chaincode_proposal_payload(std::move(proposal_payload));
  protos::ChaincodeEndorsedAction* action = action_payload.mutable_action();
  action->set_proposal_response_payload(responses[0].payload());
  for (const protos::ProposalResponse& response : responses)
    *action->add_endorsements() = response.endorsement();

  protos::Transaction transaction;
  protos::TransactionAction* transaction_action = transaction.add_actions();
  transaction_action->set_header(proposal.signature_header);
  transaction_action->set_payload(action_payload.SerializeAsString());

  common::Payload payload;
  payload.mutable_header()->set_channel_header(proposal.channel_header);
  payload.mutable_header()->set_signature_header(proposal.signature_header);
  payload.set_data(transaction.SerializeAsString());
  return protocol::SignPayload(payload, creator);
}

}  // namespace loom::client
