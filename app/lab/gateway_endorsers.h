// Choosing endorsers for a signature policy: the smallest set of orgs whose
// peers can satisfy it, each org's peer presenting a 'MSP.peer' (and so
// 'MSP.member') identity. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/policies.pb.h"
#include "core/util/status.h"

namespace loom::lab {

// `orgs` are MSP ids in preference order. Subsets are tried by size, then
// in that order. FailedPrecondition naming the policy when no subset of
// `orgs` satisfies it; InvalidArgument for a policy that does not compile.
Result<std::vector<std::string>> SmallestSatisfyingOrgs(const common::SignaturePolicyEnvelope& policy,
                                                        const std::vector<std::string>& orgs);

}  // namespace loom::lab
