// A small client for the lab tests: invoke a chaincode on a workspace's
// channel the way Fabric's SDK does (endorse at every peer of the channel,
// assemble, broadcast to the first orderer that answers, wait for the commit on every
// peer), and read the result of a query at one peer. Every wait has a deadline.
#pragma once

#include <string>
#include <vector>

#include "app/lab/workspace.h"
#include "core/client/network_client.h"
#include "core/util/status.h"

namespace loom::lab::testing {

// The commit of the transaction (its block and validation code).
Result<client::TxCommit> Invoke(const Workspace& workspace, const std::string& channel,
                                const std::string& chaincode, const std::vector<std::string>& args);

// The chaincode's response payload at `peer` (nothing is ordered).
Result<std::string> Query(const Workspace& workspace, const NodeSpec& peer, const std::string& channel,
                          const std::string& chaincode, const std::vector<std::string>& args);

}  // namespace loom::lab::testing
