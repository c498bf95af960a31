// Client side of endorsement, as Fabric's SDKs do it: a signed proposal
// invoking a chaincode, and — from the endorsers' answers — the transaction
// envelope to broadcast. Pure (no network); thread-safe.
//
// CreateSignedProposal: Proposal{header = Header{ChannelHeader(type
// ENDORSER_TRANSACTION, channel, tx id, now, extension =
// ChaincodeHeaderExtension{chaincode_id.name}), SignatureHeader(creator,
// fresh nonce)}, payload = ChaincodeProposalPayload{input =
// ChaincodeInvocationSpec{chaincode_spec{chaincode_id.name, input{args,
// is_init}}}, TransientMap}}, signed by the creator over the proposal bytes.
// tx id = hex SHA-256(nonce || creator).
//
// AssembleTransaction (Fabric's protoutil.CreateSignedTx): every response
// must be a success (status < 400) carrying an endorsement, and every
// ProposalResponsePayload must be byte-identical — endorsers that simulated
// differently (a nondeterministic chaincode, or peers at different heights)
// make FailedPrecondition naming the endorsers that disagree and what part
// differs. The transaction's ChaincodeProposalPayload is the proposal's with
// the TransientMap removed (transient data never reaches the ledger), which
// is what the endorser's proposal hash covers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"

namespace loom::client {

struct ProposalRequest {
  std::string channel;
  std::string chaincode;
  std::vector<std::string> args;  // args[0] is the function name
  std::map<std::string, std::string> transient;
  bool is_init = false;
};

struct SignedProposal {
  protos::SignedProposal signed_proposal;
  protos::Proposal proposal;
  std::string tx_id;
  std::string channel_header;    // marshalled common.ChannelHeader
  std::string signature_header;  // marshalled common.SignatureHeader
};

Result<SignedProposal> CreateSignedProposal(const protocol::Signer& creator, const ProposalRequest& request);

// The ChaincodeProposalPayload bytes a transaction carries for `proposal`
// (its payload without the TransientMap). InvalidArgument when the payload
// does not parse.
Result<std::string> ProposalPayloadForTransaction(const protos::Proposal& proposal);

// The envelope of the endorsed transaction, signed by `creator` (who must
// be the proposal's creator).
Result<common::Envelope> AssembleTransaction(const SignedProposal& proposal,
                                             const std::vector<protos::ProposalResponse>& responses,
                                             const protocol::Signer& creator);

}  // namespace loom::client
