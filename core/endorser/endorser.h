// Endorser: Fabric's ProcessProposal (core/endorser) — checks a signed
// proposal (proposal_check.h), simulates it by running the chaincode against
// a TxSimulator on the channel's ledger, and signs the result.
//
// Responses (Fabric's shapes):
//  - a refused proposal, an unknown chaincode, a chaincode that could not run
//    (Status error from the executor, e.g. DeadlineExceeded) or a simulation
//    error: ProposalResponse{response{status 500, message}}, no payload, no
//    endorsement;
//  - a chaincode answer with status 400-499: ProposalResponse{response =
//    the chaincode's (status, message, payload)}, no endorsement; with
//    status >= 500 also the payload below (as Fabric), still no endorsement;
//  - otherwise ProposalResponse{version 1, timestamp, response = the
//    chaincode's, payload = ProposalResponsePayload{proposal_hash,
//    extension = ChaincodeAction{results (the rwset), events, response,
//    chaincode_id{name, version}}}, endorsement{endorser = this peer's
//    identity, signature over payload || endorser}}.
// Read-only (query) proposals are endorsed the same way.
//
// Peer-local proposals (an empty channel id: `_lifecycle`'s InstallChaincode,
// QueryInstalledChaincode(s), GetInstalledChaincodePackage from an admin of
// the local MSP, proposal_check.h) run the chaincode without a simulator and
// are answered as Fabric's peer answers them: ProposalResponse{response =
// the chaincode's} only — no payload, no endorsement, since nothing is
// simulated that could be ordered.
//
// The chaincode's version comes from ChaincodeVersionLookup (NotFound there:
// "make sure the chaincode x has been successfully defined on channel y",
// status 500); system chaincodes (IsSystemChaincode: qscc, cscc, _lifecycle)
// get Fabric's "syscc" version without asking.
//
// Where Loom differs from Fabric 2.x on purpose: a proposal refused by the
// checks is answered with the status-500 response only (Fabric's gRPC
// handler also fails the call, so its clients see a gRPC error instead); a
// CONFIG header type is refused (Fabric lets it through); the creator and
// ACL failures name the reason (Fabric says only "access denied").
//
// Observability: with a TraceHub, PROPOSAL_RECEIVED for every proposal whose
// header parsed, then SIMULATED (rwset counts, chaincode response), then
// ENDORSED or PROPOSAL_REJECTED (status, message). With a MetricsRegistry,
// Fabric's endorser metrics (fabric_metrics.h).
//
// Thread safety: ProcessProposal may run on many threads at once; it blocks
// while the chaincode runs (up to the execute timeout), so callers run it
// on a worker pool. Everything in EndorserOptions must outlive the Endorser.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/chaincode/invocation.h"
#include "core/crypto/x509.h"
#include "core/endorser/endorser_channel.h"
#include "core/msp/msp.h"
#include "core/protocol/signer.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"

namespace loom::trace {
class TraceHub;
}  // namespace loom::trace
namespace loom::ops {
class MetricsRegistry;
}  // namespace loom::ops

namespace loom::endorser {

class EndorserMetrics;

// Fabric's version of every system chaincode's ChaincodeAction.
inline constexpr char kSystemChaincodeVersion[] = "syscc";

// Chaincodes the endorser treats as system chaincodes (no definition lookup,
// version "syscc").
bool IsSystemChaincode(std::string_view chaincode);

struct EndorserOptions {
  chaincode::ChaincodeExecutor* executor = nullptr;  // required, e.g. an ExecutorRouter
  ChannelLookup channels;                            // required
  // Required for user chaincodes; without it every user chaincode gets
  // version "" (tests, a peer without a lifecycle).
  ChaincodeVersionLookup chaincode_versions;
  std::shared_ptr<const protocol::Signer> signer;  // required: this peer's signing identity
  std::chrono::milliseconds execute_timeout = std::chrono::seconds(30);
  trace::TraceHub* trace = nullptr;         // optional
  ops::MetricsRegistry* metrics = nullptr;  // optional
  // The peer's own MSP: its admins may send peer-local (channel-less)
  // `_lifecycle` proposals. Empty (invalid) = every channel-less proposal is
  // refused.
  msp::Msp local_msp;
  // When identities are judged (validity windows); default: now.
  std::function<crypto::Clock::time_point()> identity_clock;
};

class Endorser {
 public:
  // InvalidArgument when a required option is missing; metric registration
  // errors pass through.
  static Result<std::unique_ptr<Endorser>> Create(EndorserOptions options);
  ~Endorser();
  Endorser(const Endorser&) = delete;
  Endorser& operator=(const Endorser&) = delete;

  // Never fails: every problem is a ProposalResponse with status 500 (or
  // the chaincode's error status) and a message saying what is wrong.
  protos::ProposalResponse ProcessProposal(const protos::SignedProposal& signed_proposal) const;

  // The same for marshalled SignedProposal bytes (the gRPC service's raw
  // path): bytes that do not parse get a 500 response.
  protos::ProposalResponse ProcessProposalBytes(std::string_view signed_proposal_bytes) const;

 private:
  Endorser(EndorserOptions options, std::unique_ptr<EndorserMetrics> metrics);

  EndorserOptions options_;
  std::unique_ptr<EndorserMetrics> metrics_;
};

}  // namespace loom::endorser
