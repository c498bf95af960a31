// The ENDORSEMENT_POLICY_FAILURE part of Explain (explain.h): the policy in
// force for the transaction's chaincode, read from the replayed
// `_lifecycle` state and the channel config at that block, evaluated over
// the transaction's endorsements with the channel's MSPs. Pure; thread-safe.
#pragma once

#include <string>

#include "app/lab/explain.h"
#include "app/lab/explain_replay.h"
#include "core/util/status.h"

namespace loom::lab {

// `envelope` is the marshalled endorser transaction; `chaincode` the
// invoked one. FailedPrecondition when the replay has no config yet;
// NotFound when the chaincode has no definition in force.
Result<PolicyExplanation> ExplainEndorsementPolicy(const LedgerReplay& replay, const std::string& envelope,
                                                   const std::string& chaincode);

}  // namespace loom::lab
