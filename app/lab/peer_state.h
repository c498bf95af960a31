// What each peer has committed, per channel — its height and the state hash
// after its last block — read through the peer's admin service
// (loom.PeerAdmin/ListChannels) as the Admin of the peer's org, and the
// check that every peer of a channel ended in the same state (the fault
// scripts' "did everyone converge?" and `loomctl run`'s closing line).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "app/lab/workspace.h"
#include "core/util/status.h"

namespace loom::lab {

struct PeerChannelState {
  std::string peer;  // FQDN
  std::string channel;
  uint64_t height = 0;
  std::string state_hash_hex;  // after the last committed block
};

// Every channel `peer` keeps. Unavailable naming the peer when it does not answer.
Result<std::vector<PeerChannelState>> ReadPeerChannels(const Workspace& workspace, const NodeSpec& peer,
                                                       std::chrono::milliseconds timeout);

struct ChannelAgreement {
  std::string channel;
  uint64_t height = 0;                  // the height every peer reached
  std::vector<PeerChannelState> peers;  // one per peer of the channel
  bool agreed = false;                  // same height and same state hash everywhere
};

// Waits until every peer of `channel` reports the same height (the highest
// any of them reports once they stop moving) or `deadline` passes, then
// compares their state hashes. DeadlineExceeded naming the peers still behind.
Result<ChannelAgreement> WaitForAgreement(const Workspace& workspace, const std::string& channel,
                                          std::chrono::steady_clock::time_point deadline);

}  // namespace loom::lab
