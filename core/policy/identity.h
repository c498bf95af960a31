// The seams between policy evaluation and the rest of Loom.
//
// Policies are evaluated against identities whose signatures were already
// verified; this module never sees certificates or signatures. core/msp
// implements Identity over a deserialized, validated certificate; tests use
// fakes.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "msp/msp_principal.pb.h"

namespace loom::policy {

// An identity whose signature was already verified.
// Implementations must allow concurrent calls to these const methods: one
// identity may be checked by several policy evaluations at once.
class Identity {
 public:
  virtual ~Identity() = default;

  // Unique per identity (e.g. the serialized identity bytes). Identities with
  // equal keys count once, as Fabric deduplicates signers by identity bytes.
  virtual std::string_view Key() const = 0;

  // Whether this identity satisfies `principal` (Fabric's
  // msp.Identity.SatisfiesPrincipal returning nil). Must not throw.
  virtual bool SatisfiesPrincipal(const common::MSPPrincipal& principal) const = 0;

  // A short label for explanations ("Org1MSP peer0"); empty if none.
  virtual std::string DisplayName() const { return {}; }
};

// The identities presented to a policy, in the order they were collected
// (e.g. endorsement order). Null pointers are ignored.
using IdentitySpan = std::span<const Identity* const>;

// Anything that decides whether a set of identities satisfies it: a compiled
// signature policy, or an ImplicitMeta policy over child groups' policies.
// Implementations are immutable after construction and thread-safe.
class PolicyEvaluator {
 public:
  virtual ~PolicyEvaluator() = default;
  virtual bool IsSatisfiedBy(IdentitySpan identities) const = 0;
};

}  // namespace loom::policy
