// Writes policies back as text: signature policies in Fabric's policy
// language, ImplicitMeta policies as "RULE SubPolicy".
//
// Gates print as AND(...) when n equals the number of rules, OR(...) when
// n is 1 (and there are several rules), otherwise OutOf(n, ...); principals
// print as 'MSPID.role'; arguments are separated by ", ". For every envelope
// ParseSignaturePolicy produces, ParseSignaturePolicy(ToString(e)) == e.
// An envelope built elsewhere (e.g. one that shares an identity between two
// rules) prints to a policy with the same meaning, whose re-parse numbers
// identities Fabric's way.
//
// InvalidArgument when the envelope cannot be written in the language: a
// principal that is not a well-formed ROLE principal, an MSP id the language
// cannot spell, a rule index out of range, a rule with no type, a gate with no
// rules or with n outside 0..count+1, or nesting deeper than
// kMaxPolicyNesting. The message names the rule's path, e.g.
// "rule.n_out_of.rules[1]: ...". Pure and thread-safe.
#pragma once

#include <string>

#include "common/policies.pb.h"
#include "core/util/status.h"

namespace loom::policy {

Result<std::string> ToString(const common::SignaturePolicyEnvelope& envelope);

// "ANY Readers", "ALL Writers", "MAJORITY Admins".
Result<std::string> ToString(const common::ImplicitMetaPolicy& policy);

// A common.Policy of type SIGNATURE or IMPLICIT_META, decoded and printed.
Result<std::string> ToString(const common::Policy& policy);

}  // namespace loom::policy
