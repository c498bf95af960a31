// The endorser's metrics under Fabric's names (core/ops/fabric_metrics.h),
// or nothing when the peer has no registry. Internal to loom_endorser.
// Thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "core/endorser/proposal_check.h"
#include "core/util/status.h"

namespace loom::ops {
class MetricsRegistry;
class Counter;
template <typename Metric>
class MetricFamily;
class Histogram;
}  // namespace loom::ops

namespace loom::endorser {

class EndorserMetrics {
 public:
  // Every method is a no-op without a registry.
  static Result<std::unique_ptr<EndorserMetrics>> Create(ops::MetricsRegistry* registry);

  void ProposalReceived();
  // proposal_validation_failures, proposal_acl_failures or
  // duplicate_transaction_failures, by the kind of refusal.
  void Rejected(const ProposalRejection& rejection);
  // endorsement_failures{channel, chaincode, chaincodeerror}.
  void EndorsementFailed(std::string_view channel, std::string_view chaincode, bool chaincode_error);
  void Succeeded();
  // propsal_duration{channel, chaincode, success}.
  void Duration(std::string_view channel, std::string_view chaincode, bool success, double seconds);

 private:
  EndorserMetrics() = default;

  ops::MetricFamily<ops::Counter>* received_ = nullptr;
  ops::MetricFamily<ops::Counter>* successful_ = nullptr;
  ops::MetricFamily<ops::Counter>* validation_failures_ = nullptr;
  ops::MetricFamily<ops::Counter>* acl_failures_ = nullptr;
  ops::MetricFamily<ops::Counter>* endorsement_failures_ = nullptr;
  ops::MetricFamily<ops::Counter>* duplicate_failures_ = nullptr;
  ops::MetricFamily<ops::Histogram>* duration_ = nullptr;
};

}  // namespace loom::endorser
