// Parser for Fabric's signature policy language (what Fabric's
// `policydsl.FromString` accepts), producing a common.SignaturePolicyEnvelope
// byte-identical to Fabric's.
//
//   policy    := gate
//   gate      := AND '(' item {',' item} ')'
//              | OR '(' item {',' item} ')'
//              | OutOf '(' threshold ',' item {',' item} ')'
//   item      := principal | gate
//   principal := 'MSPID.ROLE' or "MSPID.ROLE"
//                ROLE in member, admin, client, peer, orderer (lower case)
//                MSPID of ASCII letters, digits, '.' and '-'
//   threshold := integer, optionally negative, optionally quoted ('2')
//
// Facts from Fabric's common/policydsl/policyparser.go that this relies on:
// - Operator names are accepted in exactly three spellings each: AND/And/and,
//   OR/Or/or, OutOf/outof/OUTOF (govaluate's function table), not in any case.
// - AND(a, b, ...) is NOutOf(count, ...), OR(...) is NOutOf(1, ...). A single
//   argument is allowed; zero arguments are not.
// - Principals are NOT deduplicated: every occurrence gets its own entry in
//   `identities` (Fabric's "TODO: deduplicate principals").
// - Identities are numbered in govaluate's evaluation order: a gate's nested
//   gates are evaluated (and number their principals) first, left to right;
//   then the gate numbers its own direct principals left to right. So
//   OR('A.member', AND('B.member', 'C.member')) lists identities [B, C, A] with
//   rule NOutOf(1, [SignedBy(2), NOutOf(2, [SignedBy(0), SignedBy(1)])]).
// - OutOf's threshold t must satisfy 0 <= t <= count + 1, where t = count + 1
//   is accepted on purpose as a never-satisfiable policy (Fabric's use case:
//   immutable keys). t = 0 is always satisfied.
// - The threshold may be a quoted number ('1').
// - Envelope version is 0.
// Where Loom is stricter than Fabric: a non-integer threshold (Fabric truncates
// 1.5 to 1) and nesting deeper than kMaxPolicyNesting are rejected.
//
// Errors are InvalidArgument and start with "column N: " (1-based byte column)
// followed by what was expected and what was found, e.g.
// "column 9: expected ',' or ')' but found 'x'". Pure functions; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "common/policies.pb.h"
#include "core/util/status.h"

namespace loom::policy {

// Gates nested deeper than this are rejected. Each gate is two protobuf
// message levels, and protobuf's C++ parser refuses messages nested more than
// 100 levels, so deeper policies could not be read back from the wire.
inline constexpr int kMaxPolicyNesting = 32;

struct ParsedSignaturePolicy {
  common::SignaturePolicyEnvelope envelope;
  // identity_columns[i] = column where envelope.identities(i) was written.
  std::vector<int> identity_columns;
};

Result<common::SignaturePolicyEnvelope> ParseSignaturePolicy(std::string_view text);

// Same, also keeping where each principal was written (for error messages
// such as ValidateKnownMsps's).
Result<ParsedSignaturePolicy> ParseSignaturePolicyWithColumns(std::string_view text);

}  // namespace loom::policy
