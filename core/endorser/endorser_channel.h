// What the endorser needs of a channel the peer serves, handed out by the
// peer per proposal so the endorser depends on no channel object.
//
// A peer channel's config can change at any block: the channel hands out its
// current PolicyManager as a shared_ptr snapshot, so a proposal in flight
// keeps evaluating against the config it started with while the channel
// swaps in a new one. The channel's MSP manager is the snapshot's
// `policies->msps()` (the PolicyManager owns it), so MSPs and policies of one
// proposal always come from the same config. The ledger is shared the same
// way: a proposal in flight keeps it open. A channel that owns its ledger
// (by value or unique_ptr) hands out an aliasing pointer that keeps the
// channel itself alive: std::shared_ptr<const ledger::KvLedger>(channel_ptr,
// &channel_ptr->ledger()).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/channelconfig/policy_manager.h"
#include "core/ledger/kv_ledger.h"
#include "core/util/status.h"

namespace loom::endorser {

struct EndorserChannel {
  std::string channel_id;
  std::shared_ptr<const ledger::KvLedger> ledger;  // never null
  std::shared_ptr<const channelconfig::PolicyManager>
      policies;  // never null; its msps() are the channel's MSPs
};

// The channel named `channel_id` if this peer serves it, else nullopt.
// Called from many threads at once; must be thread-safe and quick.
using ChannelLookup = std::function<std::optional<EndorserChannel>(const std::string& channel_id)>;

// The version of the chaincode definition in force on `channel` for
// `chaincode` (the lifecycle supplies it). NotFound when the chaincode is not
// defined on the channel; any other error is reported as such. System
// chaincodes (qscc, _lifecycle) are not asked. Thread-safe.
using ChaincodeVersionLookup =
    std::function<Result<std::string>(const EndorserChannel& channel, const std::string& chaincode)>;

}  // namespace loom::endorser
