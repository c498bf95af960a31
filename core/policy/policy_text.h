// One entry point for policy text as it appears in scenarios and configtx:
// decides by the text's shape whether it is an ImplicitMeta policy
// ("ANY Readers") or a signature policy ("AND('Org1MSP.peer', ...)") and
// returns the common.Policy that goes into a config block. Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/policies.pb.h"
#include "core/util/status.h"

namespace loom::policy {

enum class PolicyTextKind { kSignature, kImplicitMeta };

// ImplicitMeta when the first word (up to the first space or '(') is any, all
// or majority in any case — so "Any Readers" is reported as a wrongly spelled
// ImplicitMeta rule rather than as a bad signature policy; otherwise a
// signature policy.
PolicyTextKind ClassifyPolicyText(std::string_view text);

// common.Policy{type = SIGNATURE (1), value = marshalled
// SignaturePolicyEnvelope} or {type = IMPLICIT_META (3), value = marshalled
// ImplicitMetaPolicy}. Errors are those of the two parsers ("column N: ...").
Result<common::Policy> ParsePolicy(std::string_view text);

}  // namespace loom::policy
