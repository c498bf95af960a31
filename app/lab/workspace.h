// A workspace: everything one running Loom network needs, in one folder.
//
//   <dir>/scenario.yaml              the scenario, as given (a copy)
//   <dir>/workspace.json             ports and node list, fixed at creation
//   <dir>/crypto/                    cryptogen layout (core/cryptogen/layout.h),
//                                    incl. users/User1@<domain>/msp per org
//   <dir>/channel/<channel>.block    genesis blocks with the real addresses
//   <dir>/chaincode/<name>-<version>.tar.gz   packages (Fabric's format)
//   <dir>/nodes/<fqdn>/config.yaml   the node's loom-peer / loom-orderer config
//   <dir>/nodes/<fqdn>/data/         its ledger
//   <dir>/nodes/<fqdn>/node.log      its stdout + stderr
//   <dir>/nodes/<fqdn>/node.pid      ProcessRecord (app/lab/process.h) while started
//   <dir>/connection-profile.yaml    Fabric common connection profile (and .json)
//   <dir>/traces/                    the trace store (TraceCollector)
//
// Prepare creates what is missing and keeps what exists (keys, ports,
// ledgers), so a second Prepare of the same scenario changes nothing; a
// different scenario for an existing workspace is refused. Ports are picked
// free at creation (127.0.0.1) and kept: a node restarts on its old address.
// The default folder is ".loom/<network>" under the current directory.
//
// A Workspace value is a snapshot of the files; thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/lab/endpoints.h"
#include "core/config/scenario.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::lab {

struct NodeSpec {
  config::NodeInfo info;              // kind, org, mspid, name, fqdn
  std::string listen_address;         // "127.0.0.1:PORT": Fabric services + loom.Observer + admin
  std::string operations_address;     // "127.0.0.1:PORT": /healthz, /metrics
  std::string cluster_address;        // orderers: the Raft cluster port ("" for solo)
  std::string chaincode_address;      // peers: where chaincodes dial in
  std::vector<std::string> channels;  // channels the node serves
  std::string folder;                 // <dir>/nodes/<fqdn>
  std::string config_file;            // <folder>/config.yaml
  std::string data_dir;               // <folder>/data
  std::string log_file;               // <folder>/node.log
  std::string pid_file;               // <folder>/node.pid
  std::string msp_dir;                // the node's signing MSP in crypto/
  std::string tls_dir;                // the node's tls/ folder in crypto/
};

class Workspace {
 public:
  // Creates or completes the workspace for the scenario file in `dir` (""
  // = DefaultDir). Errors name the scenario field or the file at fault.
  static Result<Workspace> Prepare(const std::string& scenario_file, const std::string& dir = {});
  // An existing workspace; FailedPrecondition "<dir> is not a Loom workspace"
  // when workspace.json is missing.
  static Result<Workspace> Open(const std::string& dir);
  // ".loom/<network>".
  static std::string DefaultDir(const config::Scenario& scenario);

  const std::string& dir() const { return dir_; }
  const config::Scenario& scenario() const { return scenario_; }
  const std::vector<NodeSpec>& nodes() const { return nodes_; }
  // By FQDN, or by any unambiguous prefix of it ("peer0.org1"); nullptr otherwise.
  const NodeSpec* FindNode(std::string_view name) const;

  std::string crypto_dir() const;
  std::string GenesisBlockFile(std::string_view channel) const;
  std::string PackageFile(const config::Chaincode& chaincode) const;
  std::string ConnectionProfileFile(bool json = false) const;
  std::string TraceDir() const;

  // Where every node listens, from the workspace's own records.
  NetworkEndpoints Endpoints() const;
  // A signer for `user` ("Admin", "User1", ...) of the org named `org`
  // (scenario org name or MSP id).
  Result<std::shared_ptr<protocol::Signer>> Signer(std::string_view org, std::string_view user) const;

 private:
  std::string dir_;
  config::Scenario scenario_;
  std::vector<NodeSpec> nodes_;
};

}  // namespace loom::lab
