#include "core/endorser/endorser_metrics.h"

#include "core/ops/fabric_metrics.h"
#include "core/ops/metrics.h"

namespace loom::endorser {

Result<std::unique_ptr<EndorserMetrics>> EndorserMetrics::Create(ops::MetricsRegistry* registry) {
  std::unique_ptr<EndorserMetrics> metrics(new EndorserMetrics());
  if (registry == nullptr) return metrics;
  LOOM_ASSIGN_OR_RETURN(metrics->received_, registry->NewCounter(ops::kEndorserProposalsReceived));
  LOOM_ASSIGN_OR_RETURN(metrics->successful_, registry->NewCounter(ops::kEndorserSuccessfulProposals));
  LOOM_ASSIGN_OR_RETURN(metrics->validation_failures_,
                        registry->NewCounter(ops::kEndorserProposalValidationFailures));
  LOOM_ASSIGN_OR_RETURN(metrics->acl_failures_, registry->NewCounter(ops::kEndorserProposalAclFailures));
  LOOM_ASSIGN_OR_RETURN(metrics->endorsement_failures_,
                        registry->NewCounter(ops::kEndorserEndorsementFailures));
  LOOM_ASSIGN_OR_RETURN(metrics->duplicate_failures_,
                        registry->NewCounter(ops::kEndorserDuplicateTransactionFailures));
  LOOM_ASSIGN_OR_RETURN(metrics->duration_, registry->NewHistogram(ops::kEndorserProposalDuration));
  return metrics;
}

void EndorserMetrics::ProposalReceived() {
  if (received_) received_->Get().Inc();
}

void EndorserMetrics::Rejected(const ProposalRejection& rejection) {
  switch (rejection.kind) {
    case RejectionKind::kMalformed:
    case RejectionKind::kNoChannel:
    case RejectionKind::kBadCreator:
      if (validation_failures_) validation_failures_->Get().Inc();
      return;
    case RejectionKind::kAccessDenied:
      if (acl_failures_) acl_failures_->With({rejection.channel_id, rejection.chaincode}).Inc();
      return;
    case RejectionKind::kDuplicateTxId:
      if (duplicate_failures_) duplicate_failures_->With({rejection.channel_id, rejection.chaincode}).Inc();
      return;
    case RejectionKind::kLedgerError:
      EndorsementFailed(rejection.channel_id, rejection.chaincode, false);
      return;
  }
}

void EndorserMetrics::EndorsementFailed(std::string_view channel, std::string_view chaincode,
                                        bool chaincode_error) {
  if (endorsement_failures_)
    endorsement_failures_->With({channel, chaincode, chaincode_error ? ops::kBoolTrue : ops::kBoolFalse})
        .Inc();
}

void EndorserMetrics::Succeeded() {
  if (successful_) successful_->Get().Inc();
}

void EndorserMetrics::Duration(std::string_view channel, std::string_view chaincode, bool success,
                               double seconds) {
  if (duration_)
    duration_->With({channel, chaincode, success ? ops::kBoolTrue : ops::kBoolFalse}).Observe(seconds);
}

}  // namespace loom::endorser
