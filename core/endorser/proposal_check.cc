#include "core/endorser/proposal_check.h"

#include <span>

#include "core/msp/identity.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/signed_data.h"
#include "core/protocol/txid.h"
#include "msp/identities.pb.h"

namespace loom::endorser {
namespace {

constexpr std::string_view kLifecycle = "_lifecycle";
constexpr std::string_view kQscc = "qscc";

// Accumulates what is known about the proposal so a refusal can say it.
class Refusal {
 public:
  ProposalCheckResult operator()(RejectionKind kind, const std::string& what) const {
    ProposalCheckResult result;
    result.rejection.kind = kind;
    result.rejection.message = Prefix() + what;
    result.rejection.channel_id = channel_id;
    result.rejection.tx_id = tx_id;
    result.rejection.chaincode = chaincode;
    return result;
  }

  std::string channel_id, tx_id, chaincode, creator;

 private:
  std::string Prefix() const {
    std::string prefix = "proposal";
    if (!creator.empty()) prefix += " from " + protocol::DescribeIdentity(creator);
    if (!tx_id.empty()) prefix += " (tx " + tx_id + ")";
    return prefix + ": ";
  }
};

// Steps 5-8 for a proposal without a channel: only _lifecycle's install-side
// functions, only for an admin of the peer's own MSP.
ProposalCheckResult CheckPeerLocalProposal(const protos::SignedProposal& signed_proposal, CheckedProposal out,
                                           const Refusal& refuse, const msp::Msp* local_msp,
                                           crypto::Clock::time_point at) {
  if (!IsPeerLocalLifecycleFunction(out.chaincode, out.function))
    return refuse(RejectionKind::kMalformed,
                  "ChannelHeader.channel_id is empty: without a channel this peer serves only _lifecycle's "
                  "InstallChaincode, QueryInstalledChaincode, QueryInstalledChaincodes and "
                  "GetInstalledChaincodePackage, not '" +
                      out.function + "' of chaincode '" + out.chaincode + "'");
  const std::string& function = out.function;
  if (local_msp == nullptr || !local_msp->valid())
    return refuse(RejectionKind::kNoChannel,
                  function + ": this peer has no local MSP to authorise channel-less proposals with");
  Result<msp::Identity> creator = local_msp->DeserializeIdentity(out.signature_header.creator());
  if (!creator.ok())
    return refuse(RejectionKind::kAccessDenied, function + ": the creator is not an admin of " +
                                                    local_msp->id() + ": " + creator.status().message());
  Status signature = creator->Verify(signed_proposal.proposal_bytes(), signed_proposal.signature());
  if (!signature.ok())
    return refuse(
        RejectionKind::kBadCreator,
        function + ": the creator's signature over the proposal does not verify: " + signature.message());
  Status valid = creator->Validate(at);
  if (!valid.ok())
    return refuse(RejectionKind::kBadCreator, function + ": the creator is not a valid member of " +
                                                  local_msp->id() + ": " + valid.message());
  if (!local_msp->IsAdmin(*creator))
    return refuse(
        RejectionKind::kAccessDenied,
        function + ": the creator is not an admin of " + local_msp->id() +
            " (neither in its admincerts nor carrying the admin OU; _lifecycle's ACL for peer-local "
            "functions is the local MSP's Admins)");
  out.creator_msp_id = local_msp->id();
  ProposalCheckResult result;
  result.checked = std::move(out);
  return result;
}

}  // namespace

bool IsPeerLocalLifecycleFunction(std::string_view chaincode, std::string_view function) {
  return chaincode == kLifecycle &&
         (function == "InstallChaincode" || function == "QueryInstalledChaincode" ||
          function == "QueryInstalledChaincodes" || function == "GetInstalledChaincodePackage");
}

std::string AclPolicyFor(std::string_view chaincode, std::string_view function) {
  if (chaincode == kQscc) return kApplicationReaders;
  if (chaincode == kLifecycle && function.starts_with("Query")) return kApplicationReaders;
  return kApplicationWriters;
}

ProposalCheckResult CheckProposal(const protos::SignedProposal& signed_proposal,
                                  const ChannelLookup& channels, crypto::Clock::time_point at,
                                  const msp::Msp* local_msp) {
  Refusal refuse;
  CheckedProposal out;

  // 1. The layers parse.
  if (signed_proposal.proposal_bytes().empty())
    return refuse(RejectionKind::kMalformed, "SignedProposal.proposal_bytes is empty");
  if (!out.proposal.ParseFromString(signed_proposal.proposal_bytes()))
    return refuse(RejectionKind::kMalformed, "SignedProposal.proposal_bytes is not a protos.Proposal");
  if (!out.header.ParseFromString(out.proposal.header()))
    return refuse(RejectionKind::kMalformed, "Proposal.header is not a common.Header");
  if (out.header.channel_header().empty() || !out.channel_header.ParseFromString(out.header.channel_header()))
    return refuse(RejectionKind::kMalformed,
                  "Proposal.header.channel_header is missing or not a ChannelHeader");
  refuse.tx_id = out.channel_header.tx_id();
  refuse.channel_id = out.channel_header.channel_id();
  if (out.header.signature_header().empty() ||
      !out.signature_header.ParseFromString(out.header.signature_header()))
    return refuse(RejectionKind::kMalformed,
                  "Proposal.header.signature_header is missing or not a SignatureHeader");

  // 3. Creator and nonce (first, so later messages can name the creator).
  if (out.signature_header.creator().empty())
    return refuse(RejectionKind::kMalformed, "SignatureHeader.creator is empty");
  refuse.creator = out.signature_header.creator();
  if (out.signature_header.nonce().empty())
    return refuse(RejectionKind::kMalformed, "SignatureHeader.nonce is empty");

  // 2. Channel header.
  const common::ChannelHeader& channel_header = out.channel_header;
  if (channel_header.type() != common::ENDORSER_TRANSACTION)
    return refuse(RejectionKind::kMalformed, "ChannelHeader.type is " +
                                                 protocol::HeaderTypeName(channel_header.type()) +
                                                 ", a proposal must be ENDORSER_TRANSACTION");
  if (channel_header.epoch() != 0)
    return refuse(RejectionKind::kMalformed,
                  "ChannelHeader.epoch must be 0, got " + std::to_string(channel_header.epoch()));
  if (!channel_header.has_timestamp())
    return refuse(RejectionKind::kMalformed, "ChannelHeader.timestamp is missing");
  if (!out.extension.ParseFromString(channel_header.extension()))
    return refuse(RejectionKind::kMalformed, "ChannelHeader.extension is not a ChaincodeHeaderExtension");
  if (!out.extension.has_chaincode_id() || out.extension.chaincode_id().name().empty())
    return refuse(RejectionKind::kMalformed,
                  "ChaincodeHeaderExtension names no chaincode (chaincode_id.name is empty)");
  out.chaincode = out.extension.chaincode_id().name();
  refuse.chaincode = out.chaincode;

  // 4. tx id.
  if (channel_header.tx_id().empty())
    return refuse(RejectionKind::kMalformed, "ChannelHeader.tx_id is empty");
  std::string expected_tx_id =
      protocol::ComputeTxId(out.signature_header.nonce(), out.signature_header.creator());
  if (channel_header.tx_id() != expected_tx_id)
    return refuse(RejectionKind::kMalformed,
                  "tx id " + channel_header.tx_id() +
                      " does not equal hex SHA-256(nonce || creator) = " + expected_tx_id);

  // The payload and its invocation spec.
  if (!out.payload.ParseFromString(out.proposal.payload()))
    return refuse(RejectionKind::kMalformed, "Proposal.payload is not a ChaincodeProposalPayload");
  if (!out.invocation.ParseFromString(out.payload.input()))
    return refuse(RejectionKind::kMalformed,
                  "ChaincodeProposalPayload.input is not a ChaincodeInvocationSpec");
  if (!out.invocation.has_chaincode_spec())
    return refuse(RejectionKind::kMalformed, "ChaincodeInvocationSpec has no chaincode_spec");
  if (!out.invocation.chaincode_spec().has_input())
    return refuse(RejectionKind::kMalformed, "ChaincodeSpec has no input");
  if (out.invocation.chaincode_spec().input().args_size() > 0)
    out.function = out.invocation.chaincode_spec().input().args(0);

  if (channel_header.channel_id().empty())
    return CheckPeerLocalProposal(signed_proposal, std::move(out), refuse, local_msp, at);

  // 5. The channel.
  std::optional<EndorserChannel> channel = channels(channel_header.channel_id());
  if (!channel || !channel->ledger || !channel->policies)
    return refuse(RejectionKind::kNoChannel,
                  "channel '" + channel_header.channel_id() + "' is not served by this peer");
  out.channel = std::move(*channel);

  // 6. Creator identity and signature, with the channel's MSPs.
  protocol::SignedData signed_data{signed_proposal.proposal_bytes(), out.signature_header.creator(),
                                   signed_proposal.signature()};
  channelconfig::SignatureCheck check = out.channel.policies->CheckSignatures(std::span(&signed_data, 1), at);
  if (check.counted.empty()) {
    std::string why = "the creator's signature did not count";
    if (!check.rejected.empty())
      why = std::string(channelconfig::SignatureRejectionName(check.rejected.front().reason)) + ": " +
            check.rejected.front().detail;
    return refuse(RejectionKind::kBadCreator,
                  "creator not accepted on channel '" + out.channel.channel_id + "': " + why);
  }
  ::msp::SerializedIdentity creator;
  if (creator.ParseFromString(out.signature_header.creator())) out.creator_msp_id = creator.mspid();

  // 7. ACL.
  std::string policy_path = AclPolicyFor(out.chaincode, out.function);
  Status allowed = out.channel.policies->EvaluateChecked(policy_path, check, at);
  if (!allowed.ok())
    return refuse(RejectionKind::kAccessDenied, "access denied to chaincode '" + out.chaincode +
                                                    "' on channel '" + out.channel.channel_id + "' (" +
                                                    policy_path + "): " + allowed.message());

  // 8. Not a replay of a committed transaction.
  Result<ledger::TxLocation> committed =
      out.channel.ledger->block_store().GetTxLocation(channel_header.tx_id());
  if (committed.ok())
    return refuse(RejectionKind::kDuplicateTxId,
                  "duplicate transaction found [" + channel_header.tx_id() + "]: already in block " +
                      std::to_string(committed->block_number) + " (tx " +
                      std::to_string(committed->tx_index) + ") of channel '" + out.channel.channel_id + "'");
  if (!committed.status().IsNotFound())
    return refuse(RejectionKind::kLedgerError,
                  "cannot check the tx id against the ledger: " + committed.status().ToString());

  ProposalCheckResult result;
  result.checked = std::move(out);
  return result;
}

}  // namespace loom::endorser
