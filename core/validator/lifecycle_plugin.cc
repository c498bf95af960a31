#include "core/validator/lifecycle_plugin.h"

namespace loom::validator {
namespace {

bool WritesNothing(const TxReadWriteSet& rwset) {
  for (const NsReadWriteSet& ns : rwset.namespaces) {
    if (!ns.writes.empty()) return false;
  }
  return true;
}

}  // namespace

Result<PluginVerdict> LifecyclePlugin::Validate(const PluginTransaction& tx,
                                                const PluginChannel& channel) const {
  bool approval = tx.chaincode == "_lifecycle" && !tx.args.empty() && tx.args[0] == kApproveFunction &&
                  tx.rwset != nullptr && WritesNothing(*tx.rwset);
  if (!approval) return CheckEndorsementPolicy(tx, channel);
  PluginVerdict verdict;
  if (tx.endorsements == nullptr || tx.endorsements->counted.empty()) {
    verdict.code = protos::ENDORSEMENT_POLICY_FAILURE;
    verdict.explanation = "an approval (" + std::string(kApproveFunction) +
                          ") needs the endorsement of a peer of its org; none counted\n" +
                          (tx.endorsements ? tx.endorsements->Explain() : std::string());
  }
  return verdict;
}

}  // namespace loom::validator
