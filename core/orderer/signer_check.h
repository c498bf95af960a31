// The signer check Broadcast and Deliver share: one signed message, one
// channel policy. A signature that cannot count at all (creator of an
// unknown MSP, invalid or expired identity, bad or high-S signature) is
// reported by itself in one line, since the policy tree would only say
// "nothing satisfied"; otherwise the policy manager's full explanation.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/channelconfig/policy_manager.h"
#include "core/crypto/x509.h"
#include "core/util/status.h"

namespace loom::orderer {

// OK, or PermissionDenied "<who> may not <action>: <why>" (e.g. action
// "write to channel mychannel").
Status CheckSigner(const channelconfig::PolicyManager& policies, std::string_view policy_path,
                   const protocol::SignedData& signed_data, std::string_view action,
                   crypto::Clock::time_point at);

}  // namespace loom::orderer
