// workspace.json: what a workspace fixes when it is created — the network
// name and each node's ports — so that every later Prepare, Open and restart
// uses the same addresses.
//
//   {"format": 1, "network": "quickstart",
//    "nodes": [{"fqdn": "orderer.example.com", "listen_port": 40001,
//               "operations_port": 40002, "cluster_port": 0, "chaincode_port": 0}, ...]}
//
// Internal to the workspace; pure functions except PickPorts (binds sockets).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/config/scenario.h"
#include "core/util/status.h"

namespace loom::lab {

struct NodePorts {
  uint16_t listen = 0;
  uint16_t operations = 0;
  uint16_t cluster = 0;    // raft orderers only
  uint16_t chaincode = 0;  // peers only
};

struct WorkspaceRecord {
  std::string network;
  std::map<std::string, NodePorts> ports;  // by FQDN
};

std::string WorkspaceRecordJson(const WorkspaceRecord& record);
// InvalidArgument naming `source` and the field when malformed.
Result<WorkspaceRecord> ParseWorkspaceRecord(const std::string& text, const std::string& source);

// Free ports for every node of the scenario, all distinct, chosen below the
// kernel's ephemeral port range (so no outgoing connection takes one later).
Result<WorkspaceRecord> PickPorts(const config::Scenario& scenario);

// FailedPrecondition naming `source` when the record does not hold exactly
// the scenario's nodes with the ports they need.
Status CheckRecordMatches(const WorkspaceRecord& record, const config::Scenario& scenario,
                          const std::string& source);

}  // namespace loom::lab
