// The config files a workspace writes for its nodes, in the formats of
// core/orderer/orderer_config.h (loom-orderer) and core/peer/peer_config.h
// (loom-peer). All paths are absolute, so a node can be started from any
// working folder. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "app/lab/workspace.h"

namespace loom::lab {

// loom-orderer's config: name, listen/operations/cluster addresses, msp, data_dir.
std::string OrdererConfigYaml(const NodeSpec& orderer);

// loom-peer's config: name, listen/chaincode/operations addresses, msp,
// data_dir, the orderers' listen addresses (where it pulls blocks from) and
// the validation workers.
std::string PeerConfigYaml(const NodeSpec& peer, const std::vector<std::string>& orderer_addresses,
                           unsigned validation_workers);

}  // namespace loom::lab
