// The checks a proposal passes before any chaincode runs (Fabric's endorser
// preProcess and core/common/validation/msgvalidation), in this order; the
// first failure decides:
//  1. SignedProposal.proposal_bytes is a Proposal whose header is a Header
//     with a ChannelHeader and a SignatureHeader; the payload is a
//     ChaincodeProposalPayload whose input is a ChaincodeInvocationSpec.
//  2. ChannelHeader: type ENDORSER_TRANSACTION, epoch 0, a timestamp, an
//     extension that is a ChaincodeHeaderExtension naming a chaincode.
//  3. SignatureHeader: a creator and a nonce.
//  4. tx id == hex SHA-256(nonce || creator).
//  5. The channel is served here (ChannelLookup).
//  6. The creator is a valid identity of one of the channel's MSPs (known
//     MSP, chain, validity window) and its low-S signature over
//     proposal_bytes verifies — the channel PolicyManager's signature check,
//     as Broadcast and the validator use it.
//  7. ACL (AclPolicyFor): the signed proposal satisfies the channel policy
//     for the invoked chaincode and function.
//  8. The tx id is not already in the ledger's block store.
// A proposal with an EMPTY channel id (Fabric's peer-local calls) is served
// only for `_lifecycle`'s install-side functions (IsPeerLocalLifecycleFunction)
// and only when the peer's local MSP is given; steps 5-8 become: the creator
// is an identity of the local MSP, its signature over proposal_bytes
// verifies, it is valid at `at`, and it is an admin of that MSP (admincerts
// or the admin NodeOU) — Fabric's `_lifecycle` ACL for these functions, the
// local MSP's Admins. ("InstallChaincode: the creator is not an admin of
// Org1MSP ..."). No ledger is consulted: the CheckedProposal's channel is
// empty. Every other channel-less proposal is refused (kMalformed) naming
// what is served without a channel.
// Every failure is a ProposalRejection: the kind (for metrics) and a message
// naming who and what ("proposal from Org1MSP (CN=...): tx id 3f2a... does
// not equal hex SHA-256(nonce || creator) = 9c1b...").
//
// Thread-safe: pure apart from the lookups, which must be thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/common.pb.h"
#include "core/crypto/x509.h"
#include "core/endorser/endorser_channel.h"
#include "core/msp/msp.h"
#include "core/util/status.h"
#include "peer/chaincode.pb.h"
#include "peer/proposal.pb.h"

namespace loom::endorser {

inline constexpr char kApplicationReaders[] = "/Channel/Application/Readers";
inline constexpr char kApplicationWriters[] = "/Channel/Application/Writers";

// The channel policy a proposal must satisfy (Fabric's ACL resources):
// Readers for qscc (every function) and for _lifecycle's queries (functions
// named "Query..."); Writers for everything else — peer/Propose for user
// chaincodes, and _lifecycle's Approve, Commit and CheckCommitReadiness.
std::string AclPolicyFor(std::string_view chaincode, std::string_view function);

// A proposal that passed every check, unpacked.
struct CheckedProposal {
  protos::Proposal proposal;
  common::Header header;
  common::ChannelHeader channel_header;
  common::SignatureHeader signature_header;
  protos::ChaincodeHeaderExtension extension;
  protos::ChaincodeProposalPayload payload;
  protos::ChaincodeInvocationSpec invocation;
  std::string chaincode;  // extension.chaincode_id.name
  std::string function;   // args[0] of the input ("" without args)
  std::string creator_msp_id;
  EndorserChannel channel;
};

enum class RejectionKind {
  kMalformed,      // steps 1-4: Fabric's proposal_validation_failures
  kNoChannel,      // step 5
  kBadCreator,     // step 6: unknown MSP, invalid identity, bad signature
  kAccessDenied,   // step 7: Fabric's proposal_acl_failures
  kDuplicateTxId,  // step 8: duplicate_transaction_failures
  kLedgerError,    // step 8's lookup failed for another reason
};

struct ProposalRejection {
  RejectionKind kind = RejectionKind::kMalformed;
  std::string message;
  // What was known when the check failed (empty when not reached), for
  // traces and metric labels.
  std::string channel_id;
  std::string tx_id;
  std::string chaincode;
};

// Either the checked proposal or why it was refused.
struct ProposalCheckResult {
  std::optional<CheckedProposal> checked;
  ProposalRejection rejection;  // meaningful when !checked
  bool ok() const { return checked.has_value(); }
};

// InstallChaincode, QueryInstalledChaincode, QueryInstalledChaincodes and
// GetInstalledChaincodePackage of `_lifecycle`: what a peer serves without a
// channel.
bool IsPeerLocalLifecycleFunction(std::string_view chaincode, std::string_view function);

// Identities are judged at `at` (validity windows). `local_msp` (the peer's
// own MSP) authorises channel-less proposals; null refuses them all.
ProposalCheckResult CheckProposal(const protos::SignedProposal& signed_proposal,
                                  const ChannelLookup& channels, crypto::Clock::time_point at,
                                  const msp::Msp* local_msp = nullptr);

}  // namespace loom::endorser
