// The endorsement side of loom-peer, wired into PeerNode through its
// services factory (PeerNodeStartOptions::services): the Endorser
// (protos.Endorser on the listen address), the chaincode runtime
// (protos.ChaincodeSupport on the chaincode address; processes launched from
// the config's `chaincodes:` list, else from the installed package this
// peer's org approved for the definition in force —
// lifecycle::InstalledChaincodes) and the system chaincodes `qscc` and `_lifecycle`,
// all behind one chaincode::ExecutorRouter.
//
// Chaincode definitions decide: the endorser stamps a user chaincode's
// version from the definition in force (lifecycle::ChaincodeVersion) and
// refuses a chaincode without one; peer-local `_lifecycle` proposals
// (install, query installed) are served to admins of the peer's MSP; the committer validates against the
// definition's endorsement policy (PeerNode's endorsement_policy =
// lifecycle::EndorsementPolicyFor).
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "core/util/status.h"
#include "nodes/peer/peer_node.h"

namespace loom::peer {

// A string set once by one thread and read by others.
class SharedAddress {
 public:
  void Set(std::string address) {
    std::lock_guard lock(mutex_);
    address_ = std::move(address);
  }
  std::string Get() const {
    std::lock_guard lock(mutex_);
    return address_;
  }

 private:
  mutable std::mutex mutex_;
  std::string address_;
};

// A services factory for PeerNodeStartOptions::services. `chaincode_address`
// gives the chaincode server's bound address (known once the node started;
// chaincodes are launched lazily, on their first proposal).
std::function<Result<PeerNodeServices>(const PeerNodeContext&)> EndorsementServices(
    std::function<std::string()> chaincode_address);

}  // namespace loom::peer
