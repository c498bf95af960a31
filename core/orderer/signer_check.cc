#include "core/orderer/signer_check.h"

#include <span>

#include "core/protocol/serialized_identity.h"

namespace loom::orderer {

Status CheckSigner(const channelconfig::PolicyManager& policies, std::string_view policy_path,
                   const protocol::SignedData& signed_data, std::string_view action,
                   crypto::Clock::time_point at) {
  // Only on failure: describing means parsing the certificate, which costs
  // more than the signature check (the MSP caches its own parse).
  auto who = [&] { return protocol::DescribeIdentity(signed_data.identity); };
  channelconfig::SignatureCheck check = policies.CheckSignatures(std::span(&signed_data, 1), at);
  if (check.counted.empty()) {
    if (check.rejected.empty()) return Status::PermissionDenied(who() + " may not " + std::string(action));
    const channelconfig::RejectedSignature& rejected = check.rejected.front();
    return Status::PermissionDenied(who() + " may not " + std::string(action) + ": " +
                                    std::string(channelconfig::SignatureRejectionName(rejected.reason)) +
                                    ": " + rejected.detail);
  }
  Status allowed = policies.EvaluateChecked(policy_path, check, at);
  if (allowed.ok()) return allowed;
  return Status::PermissionDenied(who() + " may not " + std::string(action) + ": " + allowed.message());
}

}  // namespace loom::orderer
