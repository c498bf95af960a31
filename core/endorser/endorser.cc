#include "core/endorser/endorser.h"

#include <array>

#include "core/endorser/endorser_metrics.h"
#include "core/endorser/proposal_check.h"
#include "core/endorser/proposal_trace.h"
#include "core/ledger/tx_simulator.h"
#include "core/protocol/proposal_hash.h"
#include "core/trace/trace_hub.h"
#include "msp/identities.pb.h"

namespace loom::endorser {
namespace {

constexpr std::array<std::string_view, 3> kSystemChaincodes = {"qscc", "cscc", "_lifecycle"};

protos::ProposalResponse ErrorResponse(int32_t status, std::string message) {
  protos::ProposalResponse response;
  response.mutable_response()->set_status(status);
  response.mutable_response()->set_message(std::move(message));
  return response;
}

void SetNow(google::protobuf::Timestamp* timestamp) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  timestamp->set_seconds(seconds.count());
  timestamp->set_nanos(static_cast<int32_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count()));
}

std::string MspIdOf(const std::string& serialized_identity) {
  ::msp::SerializedIdentity identity;
  return identity.ParseFromString(serialized_identity) ? identity.mspid() : std::string();
}

}  // namespace

bool IsSystemChaincode(std::string_view chaincode) {
  for (std::string_view name : kSystemChaincodes)
    if (name == chaincode) return true;
  return false;
}

Result<std::unique_ptr<Endorser>> Endorser::Create(EndorserOptions options) {
  if (options.executor == nullptr) return Status::InvalidArgument("endorser: no chaincode executor given");
  if (!options.channels) return Status::InvalidArgument("endorser: no channel lookup given");
  if (!options.signer) return Status::InvalidArgument("endorser: no signing identity given");
  if (options.execute_timeout <= std::chrono::milliseconds::zero())
    return Status::InvalidArgument("endorser: the chaincode execute timeout must be positive");
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<EndorserMetrics> metrics, EndorserMetrics::Create(options.metrics));
  return std::unique_ptr<Endorser>(new Endorser(std::move(options), std::move(metrics)));
}

Endorser::Endorser(EndorserOptions options, std::unique_ptr<EndorserMetrics> metrics)
    : options_(std::move(options)), metrics_(std::move(metrics)) {}

Endorser::~Endorser() = default;

protos::ProposalResponse Endorser::ProcessProposalBytes(std::string_view signed_proposal_bytes) const {
  protos::SignedProposal signed_proposal;
  if (!signed_proposal.ParseFromArray(signed_proposal_bytes.data(),
                                      static_cast<int>(signed_proposal_bytes.size()))) {
    metrics_->ProposalReceived();
    metrics_->Rejected(ProposalRejection{});
    return ErrorResponse(chaincode::kStatusError, "proposal: the request is not a protos.SignedProposal (" +
                                                      std::to_string(signed_proposal_bytes.size()) +
                                                      " bytes)");
  }
  return ProcessProposal(signed_proposal);
}

protos::ProposalResponse Endorser::ProcessProposal(const protos::SignedProposal& signed_proposal) const {
  const auto started = std::chrono::steady_clock::now();
  const int64_t started_unix_nanos = trace::UnixNanosNow();
  metrics_->ProposalReceived();
  auto seconds_since_start = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  crypto::Clock::time_point identity_time =
      options_.identity_clock ? options_.identity_clock() : crypto::Clock::now();
  ProposalCheckResult check = CheckProposal(signed_proposal, options_.channels, identity_time,
                                            options_.local_msp.valid() ? &options_.local_msp : nullptr);
  if (!check.ok()) {
    const ProposalRejection& rejection = check.rejection;
    ProposalTracer tracer(options_.trace, rejection.channel_id, rejection.tx_id, started_unix_nanos);
    if (!rejection.tx_id.empty()) tracer.Received();
    metrics_->Rejected(rejection);
    metrics_->Duration(rejection.channel_id, rejection.chaincode, false, seconds_since_start());
    if (!rejection.tx_id.empty())
      tracer.Rejected(rejection.chaincode, "", chaincode::kStatusError, rejection.message);
    return ErrorResponse(chaincode::kStatusError, rejection.message);
  }

  const CheckedProposal& proposal = *check.checked;
  const std::string& channel_id = proposal.channel.channel_id;
  const std::string& tx_id = proposal.channel_header.tx_id();
  ProposalTracer tracer(options_.trace, channel_id, tx_id, started_unix_nanos);
  tracer.Received();
  // A refusal after the checks: an endorsement failure.
  auto fail = [&](int32_t status, std::string message, bool chaincode_error) {
    metrics_->EndorsementFailed(channel_id, proposal.chaincode, chaincode_error);
    metrics_->Duration(channel_id, proposal.chaincode, false, seconds_since_start());
    tracer.Rejected(proposal.chaincode, proposal.creator_msp_id, status, message);
    return ErrorResponse(status, std::move(message));
  };
  const std::string context = "proposal (tx " + tx_id + ") for chaincode '" + proposal.chaincode + "' " +
                              (channel_id.empty() ? "without a channel" : "on channel '" + channel_id + "'");

  if (channel_id.empty()) {
    // Peer-local `_lifecycle` call: nothing to simulate or endorse.
    chaincode::Invocation invocation;
    invocation.tx_id = tx_id;
    invocation.chaincode_name = proposal.chaincode;
    invocation.chaincode_version = kSystemChaincodeVersion;
    invocation.input = proposal.invocation.chaincode_spec().input();
    invocation.signed_proposal = &signed_proposal;
    invocation.proposal = &proposal.proposal;
    invocation.creator = proposal.signature_header.creator();
    invocation.deadline = std::chrono::steady_clock::now() + options_.execute_timeout;
    Result<chaincode::InvocationResult> executed = options_.executor->Execute(invocation);
    if (!executed.ok())
      return fail(chaincode::kStatusError, context + ": " + executed.status().ToString(), false);
    protos::ProposalResponse response;
    *response.mutable_response() = executed->response;
    if (executed->response.status() >= chaincode::kStatusErrorThreshold) {
      metrics_->EndorsementFailed(channel_id, proposal.chaincode, true);
      metrics_->Duration(channel_id, proposal.chaincode, false, seconds_since_start());
      tracer.Rejected(proposal.chaincode, proposal.creator_msp_id, executed->response.status(),
                      executed->response.message());
      return response;
    }
    metrics_->Succeeded();
    metrics_->Duration(channel_id, proposal.chaincode, true, seconds_since_start());
    return response;
  }

  // The definition in force gives the version the endorsement names.
  std::string version;
  if (IsSystemChaincode(proposal.chaincode)) {
    version = kSystemChaincodeVersion;
  } else if (options_.chaincode_versions) {
    Result<std::string> defined = options_.chaincode_versions(proposal.channel, proposal.chaincode);
    if (!defined.ok()) {
      if (defined.status().IsNotFound())
        return fail(chaincode::kStatusError,
                    context + ": make sure the chaincode " + proposal.chaincode +
                        " has been successfully defined on channel " + channel_id +
                        " and try again: " + defined.status().message(),
                    false);
      return fail(chaincode::kStatusError, context + ": " + defined.status().ToString(), false);
    }
    version = std::move(*defined);
  }

  std::unique_ptr<ledger::TxSimulator> simulator =
      ledger::TxSimulator::Start(tx_id, *proposal.channel.ledger);
  chaincode::Invocation invocation;
  invocation.channel_id = channel_id;
  invocation.tx_id = tx_id;
  invocation.chaincode_name = proposal.chaincode;
  invocation.chaincode_version = version;
  invocation.input = proposal.invocation.chaincode_spec().input();
  invocation.signed_proposal = &signed_proposal;
  invocation.proposal = &proposal.proposal;
  invocation.creator = proposal.signature_header.creator();
  invocation.simulator = simulator.get();
  invocation.deadline = std::chrono::steady_clock::now() + options_.execute_timeout;

  Result<chaincode::InvocationResult> executed = options_.executor->Execute(invocation);
  if (!executed.ok())
    return fail(chaincode::kStatusError, context + ": error in simulation: " + executed.status().ToString(),
                false);
  chaincode::InvocationResult& result = *executed;
  const int32_t status = result.response.status();
  auto chaincode_refused = [&](protos::ProposalResponse response) {
    metrics_->EndorsementFailed(channel_id, proposal.chaincode, true);
    metrics_->Duration(channel_id, proposal.chaincode, false, seconds_since_start());
    tracer.Rejected(proposal.chaincode, proposal.creator_msp_id, status, result.response.message());
    *response.mutable_response() = result.response;
    return response;
  };
  if (status >= chaincode::kStatusErrorThreshold && status < chaincode::kStatusError) {
    tracer.Simulated(proposal.chaincode, proposal.function, "", result.response);
    return chaincode_refused(protos::ProposalResponse());
  }

  Result<std::string> results = simulator->Finish();
  if (!results.ok())
    return fail(chaincode::kStatusError, context + ": error in simulation: " + results.status().ToString(),
                false);
  tracer.Simulated(proposal.chaincode, proposal.function, *results, result.response);

  protos::ChaincodeAction action;
  action.set_results(*results);
  if (result.event) {
    // As Fabric's chaincode support: the event names the chaincode and tx.
    result.event->set_chaincode_id(proposal.chaincode);
    result.event->set_tx_id(tx_id);
    action.set_events(result.event->SerializeAsString());
  }
  *action.mutable_response() = result.response;
  action.mutable_chaincode_id()->set_name(proposal.chaincode);
  action.mutable_chaincode_id()->set_version(version);

  protos::ProposalResponsePayload payload;
  payload.set_proposal_hash(protocol::ComputeProposalHash(
      proposal.header.channel_header(), proposal.header.signature_header(), proposal.payload));
  payload.set_extension(action.SerializeAsString());
  std::string payload_bytes = payload.SerializeAsString();
  if (status >= chaincode::kStatusError) {
    // Fabric answers a chaincode ERROR with the payload but no endorsement.
    protos::ProposalResponse response;
    response.set_payload(std::move(payload_bytes));
    return chaincode_refused(std::move(response));
  }

  const std::string& endorser_identity = options_.signer->serialized_identity();
  Result<std::string> signature = options_.signer->Sign(payload_bytes + endorser_identity);
  if (!signature.ok())
    return fail(chaincode::kStatusError,
                context + ": could not sign the endorsement: " + signature.status().ToString(), false);

  protos::ProposalResponse response;
  response.set_version(1);
  SetNow(response.mutable_timestamp());
  *response.mutable_response() = result.response;
  response.set_payload(std::move(payload_bytes));
  response.mutable_endorsement()->set_endorser(endorser_identity);
  response.mutable_endorsement()->set_signature(std::move(*signature));

  metrics_->Succeeded();
  metrics_->Duration(channel_id, proposal.chaincode, true, seconds_since_start());
  tracer.Endorsed(proposal.chaincode, proposal.creator_msp_id, MspIdOf(endorser_identity), response);
  return response;
}

}  // namespace loom::endorser
