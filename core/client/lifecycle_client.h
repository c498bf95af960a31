// Client calls of Fabric's chaincode lifecycle (`peer lifecycle chaincode`):
// install a package on a peer and list what is installed (channel-less
// `_lifecycle` proposals, answered by the peer itself), build the signed
// proposals of the two channel transactions (approve for my org, commit),
// and query the definition committed on a channel.
//
// Install and query-installed send a proposal with an EMPTY channel id to
// `_lifecycle` (what Fabric's CLI sends); the peer answers only an admin of
// its own MSP. A peer's refusal (status >= 400) comes back as
// FailedPrecondition carrying the peer's message; no answer at all is
// Unavailable / DeadlineExceeded (network_client.h). Pure apart from the
// gRPC calls; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/client/proposal.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"
#include "peer/lifecycle/lifecycle.pb.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace loom::client {

struct ChaincodeDefinition {
  std::string name, version;
  int64_t sequence = 1;
  // Signature policy text "AND('Org1MSP.peer',...)" or a channel policy
  // path "/Channel/Application/Endorsement"; empty = the channel's
  // /Channel/Application/Endorsement (what Fabric's CLI leaves to the peer).
  std::string endorsement_policy;
  std::string validation_plugin = "vscc", endorsement_plugin = "escc";
  bool init_required = false;
  std::string package_id;  // approve only: the package this org runs (source.local_package)
};

// ApplicationPolicy bytes (a definition's validation_parameter) for the
// policy text: text starting with '/' is a channel config policy reference,
// anything else a signature policy. InvalidArgument naming the policy and
// the column of the mistake.
Result<std::string> ValidationParameterFor(const std::string& policy_text);

// _lifecycle InstallChaincode at one peer, signed by an admin of the peer's
// org: the package id ("LABEL:hex"). Installing the same bytes again gives
// the same id.
Result<std::string> InstallChaincode(const std::shared_ptr<grpc::Channel>& peer,
                                     const std::string& package_bytes, const protocol::Signer& admin,
                                     std::chrono::milliseconds timeout);

struct InstalledChaincode {
  std::string package_id, label;
};

// _lifecycle QueryInstalledChaincodes at one peer (an admin of its org):
// every installed package, sorted by package id.
Result<std::vector<InstalledChaincode>> QueryInstalledChaincodes(const std::shared_ptr<grpc::Channel>& peer,
                                                                 const protocol::Signer& admin,
                                                                 std::chrono::milliseconds timeout);

// Signed proposals for the two channel transactions; the caller endorses
// (client::Endorse), assembles (AssembleTransaction) and broadcasts.
// InvalidArgument for an empty channel or name, or a bad policy text.
Result<SignedProposal> ApproveForMyOrgProposal(const protocol::Signer& admin, const std::string& channel,
                                               const ChaincodeDefinition& definition);
Result<SignedProposal> CommitDefinitionProposal(const protocol::Signer& admin, const std::string& channel,
                                                const ChaincodeDefinition& definition);

// _lifecycle QueryChaincodeDefinition at a peer: the committed definition;
// NotFound when none is committed; FailedPrecondition for any other refusal.
Result<::lifecycle::QueryChaincodeDefinitionResult> QueryCommittedDefinition(
    const std::shared_ptr<grpc::Channel>& peer, const protocol::Signer& signer, const std::string& channel,
    const std::string& name, std::chrono::milliseconds timeout);

}  // namespace loom::client
