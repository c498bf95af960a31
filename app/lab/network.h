// The network controller: starts, watches, breaks and stops the nodes of a
// workspace (workspace.h) as real processes (process.h), and deploys
// chaincodes on it through Fabric's lifecycle. loomctl up/down/status/...,
// loom-bench and the fault scripts drive networks through it.
//
// State lives on disk, not in this object: each started node has a pid file
// (pid + start ticks) in its folder, so a Network attached by another
// process (a later loomctl) sees and controls the same nodes; a pid the
// system has given to another program is never signalled. Nodes outlive the
// process that started them.
//
// Up starts orderers first, then peers (each with --config and --join for
// every channel's genesis block), waits until each answers /healthz (and,
// for Raft, until every channel has elected a leader), then deploys the scenario's chaincodes (skipping
// definitions already committed, so an up after a down resumes). A node that exits during up fails it with
// the node's name and log tail; the nodes already started are stopped again (the message says so). A recorded
// port that something else holds fails up before anything starts.
//
// Thread-compatible: one thread per Network object; several Network objects
// (processes) on one workspace do not coordinate beyond the pid files.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/lab/workspace.h"
#include "core/config/scenario.h"
#include "core/util/status.h"

namespace loom::lab {

struct NodeStatus {
  std::string name;  // FQDN
  std::string org;
  std::string role;                         // "peer" | "orderer"
  int pid = 0;                              // 0 when stopped
  std::string state;                        // "running" | "paused" | "stopped" | "unhealthy"
  std::map<std::string, uint64_t> heights;  // per channel, from /metrics ledger_blockchain_height
  std::string raft_role;                    // "leader" | "follower" | "" (solo, peers, unknown)
  uint64_t raft_term = 0;
  double cpu_percent = 0;  // of one core, over ~200 ms
  uint64_t rss_bytes = 0;
  std::string listen_address, operations_address;
};

struct UpOptions {
  std::function<void(std::string_view step)> progress;  // one line per step; may be empty
  std::chrono::seconds timeout{60};                     // for the whole start-up
};

class Network {
 public:
  // AlreadyExists when a node of the workspace is running.
  static Result<Network> Up(const Workspace& workspace, const UpOptions& options = {});
  // FailedPrecondition "workspace X is not running" when no node runs.
  static Result<Network> Attach(const Workspace& workspace);

  // Stops every node gracefully (SIGTERM, then SIGKILL after a grace
  // period), peers first; keeps the data. purge also deletes the folder.
  loom::Status Down(bool purge = false);
  // Every node of the workspace, in workspace order. Takes ~200 ms (CPU samples).
  Result<std::vector<NodeStatus>> Status() const;

  // NotFound naming the node when the workspace has no such node (FQDN or
  // unambiguous prefix); FailedPrecondition when it is not running.
  loom::Status Kill(std::string_view node);    // SIGKILL
  loom::Status Pause(std::string_view node);   // SIGSTOP
  loom::Status Resume(std::string_view node);  // SIGCONT
  // Stops the node if it runs, starts it again from its data and waits until healthy.
  loom::Status Restart(std::string_view node);

  // Packages (the workspace's package file when present, else from
  // chaincode.path), installs on every peer of the channel, approves for
  // each member org, commits the definition (endorsed by a peer of every
  // member org), and waits until every peer of the channel has it
  // committed: the package id. An already committed identical definition
  // is not committed again.
  Result<std::string> DeployChaincode(const config::Chaincode& chaincode);

  // FQDN of the ordering service's Raft leader (for the fault alias
  // "leader"); NotFound when no running orderer reports leading (solo: the
  // orderer itself).
  Result<std::string> RaftLeader() const;

  const Workspace& workspace() const { return workspace_; }

 private:
  explicit Network(Workspace workspace) : workspace_(std::move(workspace)) {}

  Workspace workspace_;
  std::function<void(std::string_view)> progress_;  // Up's, while it deploys
};

}  // namespace loom::lab
