// Adapts an msp::Identity to the policy module's Identity seam, so signature
// policies can be evaluated over MSP identities.
//
// Policy evaluation has no notion of time; the adapter fixes the moment at
// which principals are judged (validity windows included), e.g. "now" for an
// incoming proposal or a block's timestamp when re-validating a ledger.
// Immutable and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/msp/identity.h"
#include "core/policy/identity.h"

namespace loom::msp {

class PolicyIdentity final : public policy::Identity {
 public:
  explicit PolicyIdentity(msp::Identity identity, Clock::time_point at = Clock::now())
      : identity_(std::move(identity)), at_(at) {}

  // The serialized identity bytes: signers with equal bytes count once.
  std::string_view Key() const override { return identity_.serialized(); }
  bool SatisfiesPrincipal(const common::MSPPrincipal& principal) const override {
    return identity_.SatisfiesPrincipal(principal, at_).ok();
  }
  // "Org1MSP peer0.org1.example.com".
  std::string DisplayName() const override {
    return identity_.mspid() + " " + identity_.certificate().CommonName();
  }

  const msp::Identity& identity() const { return identity_; }
  Clock::time_point at() const { return at_; }

 private:
  msp::Identity identity_;
  Clock::time_point at_;
};

}  // namespace loom::msp
