// Deploying a chaincode on a running workspace network the way Fabric's
// `peer lifecycle chaincode` does: install the package on every peer of the
// channel (skipped where already installed), approve the definition for
// each member org (signed by the org's Admin, endorsed by every peer of the
// org: each peer records the package it will run while simulating the
// approval), commit it (endorsed by a peer of every member org, which
// satisfies any LifecycleEndorsement of the member orgs) in the same block,
// and wait until every peer of the channel has committed it. A definition already committed with the same
// sequence and version is left as it is. Errors name the step, the node and
// the peer's answer. Blocking; thread-compatible.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "app/lab/workspace.h"
#include "core/config/scenario.h"
#include "core/util/status.h"

namespace loom::lab {

struct DeployOptions {
  std::function<void(std::string_view step)> progress;
};

// `package_bytes`: a Fabric chaincode package labelled PackageLabel(chaincode)
// (chaincode_deploy_package.h).
// The chaincode's channel must be set. Returns the package id.
Result<std::string> DeployChaincodePackage(const Workspace& workspace, const config::Chaincode& chaincode,
                                           const std::string& package_bytes,
                                           const DeployOptions& options = {});

}  // namespace loom::lab
