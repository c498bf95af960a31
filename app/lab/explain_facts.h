// The facts Explain (explain.h) adds for validation codes other than MVCC,
// phantom, policy and duplicate failures, checked again against the
// replayed ledger: INVALID_CHAINCODE (was a definition in force?),
// ILLEGAL_WRITESET (which namespaces were written), BAD_CREATOR_SIGNATURE
// (the creator against the channel's MSPs, the signature against its key),
// BAD_PROPOSAL_TXID (the expected id), TARGET_CHAIN_NOT_FOUND (the channel
// named). One line per fact; none for other codes. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "app/lab/explain_replay.h"

namespace loom::lab {

std::vector<std::string> FactsForCode(const LedgerReplay& replay, const std::string& envelope, int code,
                                      uint64_t block_number);

}  // namespace loom::lab
