// PolicyManager: a channel's policies, evaluated by path over signed data, as
// Fabric's policies.ManagerImpl (common/policies/policy.go) does.
//
// Built from a ChannelConfig's raw config tree: every policy of every group
// gets a path ("/Channel/Writers", "/Channel/Application/Org1/Admins").
// SIGNATURE policies are compiled once (policy::CompiledSignaturePolicy);
// IMPLICIT_META policies evaluate the named sub-policy of every child group
// of their group (a child without it counts as unsatisfied, as Fabric's
// reject policy does). Any other policy type, a policy without a body or one
// that does not compile makes Create fail (InvalidArgument naming the path),
// as Fabric refuses such a channel config.
//
// The MSPs are every group's "MSP" value (application, orderer and
// consortium orgs). An MSP id defined twice must carry identical configs.
// MSPs of a type Loom does not implement (IDEMIX) are left out and listed in
// notes(): their members' signatures are then not counted, which can only
// make policies harder to satisfy (the policy language has no negation).
//
// Evaluate follows Fabric's SignatureSetToValidIdentities, then evaluates the
// policy over the identities that remain. For each SignedData in order:
//   1. deserialize the identity with the channel's MSPs (malformed bytes or
//      an unknown MSP id: not counted);
//   2. skip it when the same identity (same MSP id and certificate, compared
//      in low-S form as Fabric's MSP sanitizes certificates) was already
//      counted, before any signature work, so repeating a signer costs
//      nothing and counts once;
//   3. check the identity is valid at `at` (chain, OUs, validity windows;
//      chains are validated once and cached by the MSP). Fabric leaves this
//      to each principal check; doing it up front also rejects expired
//      legacy admincerts, which Fabric's ADMIN check would still accept;
//   4. verify the low-S ECDSA signature over `data` (high-S is rejected).
// A signature that fails a step is reported with its reason; a later
// SignedData with the same identity is still considered.
//
// Paths are absolute ("/Channel/Application/Writers") or, as Fabric's
// GetPolicy allows, relative to /Channel ("Application/Writers").
//
// Thread safety: a PolicyManager is immutable after Create; any number of
// threads may call its const methods concurrently.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/channelconfig/channel_config.h"
#include "core/crypto/x509.h"
#include "core/msp/identity.h"
#include "core/msp/msp_manager.h"
#include "core/policy/identity.h"
#include "core/protocol/signed_data.h"
#include "core/util/status.h"

namespace loom::channelconfig {

// {data, identity (marshalled msp.SerializedIdentity), signature}: the same
// triple the protocol layer extracts from envelopes and blocks.
using SignedData = protocol::SignedData;

// Why a presented signature was not counted.
enum class SignatureRejection {
  kMalformedIdentity,  // not a SerializedIdentity, or no usable certificate
  kUnknownMsp,         // names an MSP that is not in the channel
  kDuplicate,          // the same identity was already counted
  kInvalidIdentity,    // not a valid member at the evaluation time (expired, foreign CA, ...)
  kBadSignature,       // does not verify (wrong key or data, high-S, not DER)
};

// "malformed identity", "unknown MSP", "duplicate identity", "invalid
// identity", "bad signature".
std::string_view SignatureRejectionName(SignatureRejection reason);

struct CountedSignature {
  size_t index = 0;  // into the presented signed data
  msp::Identity identity;
};

struct RejectedSignature {
  size_t index = 0;  // into the presented signed data
  SignatureRejection reason = SignatureRejection::kMalformedIdentity;
  std::string signer;  // "Org1MSP User1@org1.example.com"; empty when the identity did not decode
  std::string detail;  // the underlying error
};

// The outcome of steps 1-4 above.
struct SignatureCheck {
  size_t presented = 0;
  std::vector<CountedSignature> counted;  // distinct, valid, verified; in presentation order
  std::vector<RejectedSignature> rejected;

  // "signatures: 3 presented, 1 counted" and one line per signature.
  std::string Explain() const;
};

// Steps 1-4 with any MSP manager (PolicyManager::CheckSignatures uses the
// channel's). Thread-safe.
SignatureCheck CheckSignatures(const msp::MspManager& msps, std::span<const SignedData> signed_data,
                               crypto::Clock::time_point at);

class PolicyManager {
 public:
  static Result<std::shared_ptr<const PolicyManager>> Create(const ChannelConfig& config);

  // OK when `signed_data` satisfies the policy at `path` at time `at`.
  // NotFound (naming the nearest group and its policies) for an unknown
  // path; PermissionDenied otherwise, whose message says which policy
  // failed, for ImplicitMeta policies which sub-policies failed (down to the
  // signature policies), for signature policies which principals found no
  // identity, and which signatures were not counted and why.
  Status Evaluate(std::string_view path, std::span<const SignedData> signed_data,
                  crypto::Clock::time_point at = crypto::Clock::now()) const;

  // The two halves of Evaluate, for callers that check one signature set
  // against several policies (verify once) or want the rejection reasons.
  SignatureCheck CheckSignatures(std::span<const SignedData> signed_data,
                                 crypto::Clock::time_point at = crypto::Clock::now()) const;
  // Principals are judged at `at` (use the time given to CheckSignatures).
  Status EvaluateChecked(std::string_view path, const SignatureCheck& check,
                         crypto::Clock::time_point at = crypto::Clock::now()) const;

  // The compiled policy at `path`, to evaluate over policy::Identity values
  // directly (e.g. msp::PolicyIdentity). The pointer lives as long as this
  // manager. NotFound as Evaluate.
  Result<const policy::PolicyEvaluator*> Find(std::string_view path) const;

  // Every policy path, sorted.
  std::vector<std::string> Paths() const;

  // The policy's text as ChannelConfig renders it ("MAJORITY Admins",
  // "OR('Org1MSP.admin')"); NotFound as Evaluate.
  Result<std::string> PolicyText(std::string_view path) const;

  // Every org's MSP (application, orderer, consortium).
  const msp::MspManager& msps() const { return msps_; }
  const std::string& channel_id() const { return channel_id_; }
  // What Create left out and why (e.g. an IDEMIX MSP); empty normally.
  const std::vector<std::string>& notes() const { return notes_; }

  struct Node;  // one compiled policy; defined in policy_manager.cc

 private:
  PolicyManager() = default;

  Result<const Node*> Lookup(std::string_view path) const;
  Status EvaluateNode(const Node& node, const SignatureCheck& check, crypto::Clock::time_point at) const;
  Status BuildGroup(const common::ConfigGroup& group, const std::string& path, const ChannelConfig& config,
                    int depth);

  std::string channel_id_;
  msp::MspManager msps_;
  std::vector<std::string> notes_;
  std::map<std::string, std::shared_ptr<const Node>, std::less<>> nodes_;        // by full path
  std::map<std::string, std::vector<std::string>, std::less<>> group_policies_;  // group path -> names
};

}  // namespace loom::channelconfig
