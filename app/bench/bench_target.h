// What loom-bench drives, from a network's endpoints: the channel's
// endorsers (one peer per member org — the first peer of the org that joined
// the channel — enough for any policy over the member orgs, MAJORITY and AND
// included), the peer whose DeliverFiltered stream says "committed" (the
// first endorser), and the channel's first orderer (the others are the
// broadcast fail-over). Pure; thread-safe.
#pragma once

#include <memory>
#include <string>

#include "app/bench/engine.h"
#include "app/lab/endpoints.h"
#include "core/util/status.h"

namespace loom::bench {

struct ResolvedTarget {
  BenchTarget target;
  unsigned committing_peers = 0;  // every peer that joined the channel
};

// FailedPrecondition naming the channel when it has no peer or no orderer.
Result<ResolvedTarget> ResolveTarget(const lab::NetworkEndpoints& endpoints, const std::string& channel,
                                     const std::string& chaincode, std::shared_ptr<protocol::Signer> signer);

}  // namespace loom::bench
