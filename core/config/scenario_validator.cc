#include "core/config/scenario_validator.h"

#include "core/config/validation_context.h"

namespace loom::config {

Status ValidateScenario(const Scenario& scenario) {
  SourceMap no_positions;
  return ValidateScenario(scenario, no_positions);
}

Status ValidateScenario(const Scenario& scenario, const SourceMap& sources) {
  internal::ValidationContext v(scenario, sources);
  LOOM_RETURN_IF_ERROR(internal::ValidateNetwork(v));
  LOOM_RETURN_IF_ERROR(internal::ValidateOrgs(v));
  LOOM_RETURN_IF_ERROR(internal::ValidateOrderer(v));
  LOOM_RETURN_IF_ERROR(internal::ValidateChannels(v));
  LOOM_RETURN_IF_ERROR(internal::ValidateChaincodes(v));
  if (scenario.workload) LOOM_RETURN_IF_ERROR(internal::ValidateWorkload(v, *scenario.workload));
  return internal::ValidateFaults(v);
}

}  // namespace loom::config
