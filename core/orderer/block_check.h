// CheckDeliveredBlock: the checks a block received from an orderer must pass
// before anyone stores it — shared by the orderer's DeliverBlockPuller
// (catching up from other orderers) and the peer's committer.
//
// First failure wins:
//   no header, or header number != `number`                  Corruption
//   header data hash != SHA-256 of its data                  Corruption
//   previous_hash != `previous_hash` (when given: the header
//     hash of block number-1)                                 Corruption
//   block 0: header hash != `genesis_header_hash`            Corruption
//            (PermissionDenied when that is empty: block 0 carries no
//            orderer signature to check instead)
//   SIGNATURES metadata does not parse                       Corruption
//   the orderer signatures do not satisfy the channel's
//     /Channel/Orderer/BlockValidation policy at `at`        PermissionDenied
// Messages start with "block N: " and say what differs (hashes in hex).
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/common.pb.h"
#include "core/crypto/x509.h"
#include "core/util/status.h"

namespace loom::channelconfig {
class PolicyManager;
}  // namespace loom::channelconfig

namespace loom::orderer {

inline constexpr char kBlockValidationPolicyPath[] = "/Channel/Orderer/BlockValidation";

Status CheckDeliveredBlock(const common::Block& block, uint64_t number,
                           const std::optional<std::string>& previous_hash,
                           const channelconfig::PolicyManager& policies, std::string_view genesis_header_hash,
                           crypto::Clock::time_point at = crypto::Clock::now());

}  // namespace loom::orderer
