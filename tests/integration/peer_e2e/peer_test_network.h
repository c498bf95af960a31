// A network of real processes for the peer's end-to-end tests: a solo
// loom-orderer and two loom-peers (Org1, Org2) on 127.0.0.1 with ephemeral
// ports, each peer launching the given chaincode executables (or, started
// without chaincodes, only what is installed and approved); the chaincode
// definitions committed through `_lifecycle` (endorsed by both orgs, as
// LifecycleEndorsement = MAJORITY wants). A client (User1@Org1, core/client)
// endorses at the peers, assembles, broadcasts, and waits for commits on
// every peer's DeliverFiltered stream. Every wait has a deadline.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/client/network_client.h"
#include "core/client/proposal.h"
#include "core/util/status.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"

namespace loom::testing {

inline constexpr char kTestChannel[] = "mychannel";

struct TestChaincode {
  std::string name;
  std::string executable;
  std::string validation_plugin = "vscc";
};

// An endorsed (not yet broadcast) transaction.
struct Endorsed {
  client::SignedProposal proposal;
  std::vector<protos::ProposalResponse> responses;  // one per peer asked that answered
  Result<common::Envelope> envelope = Status::Internal("not assembled");
};

class PeerTestNetwork {
 public:
  static constexpr auto kCallTimeout = std::chrono::milliseconds(30000);
  static constexpr auto kCommitTimeout = std::chrono::seconds(30);

  // `execute_timeout_seconds` is the peers' chaincode execute timeout.
  static Result<std::unique_ptr<PeerTestNetwork>> Start(const std::string& name,
                                                        const std::vector<TestChaincode>& chaincodes,
                                                        int execute_timeout_seconds = 30);
  // The same network with peers that have NO `chaincodes:` list and no
  // definitions: chaincodes reach them only by install, approve and commit.
  static Result<std::unique_ptr<PeerTestNetwork>> StartWithoutChaincodes(const std::string& name);
  ~PeerTestNetwork();

  const protocol::Signer& client() const { return *client_; }
  size_t peer_count() const { return peer_channels_.size(); }

  // Peer i (0: Org1, 1: Org2): its connection, listen address, org's MSP id,
  // and the MSP folder of its org's Admin (an admin of the peer's MSP).
  const std::shared_ptr<grpc::Channel>& peer_channel(size_t peer) const { return peer_channels_[peer]; }
  std::string peer_address(size_t peer) const { return peers_[peer]->address(); }
  std::string peer_msp_id(size_t peer) const;
  std::string admin_msp_dir(size_t peer) const { return user_msp_dir(peer, "Admin"); }
  std::string user_msp_dir(size_t peer, const std::string& user) const;
  // A signer for `user` ("Admin", "User1") of peer i's org.
  Result<std::shared_ptr<protocol::Signer>> OrgSigner(size_t peer, const std::string& user) const;
  // Peer i's data folder (chaincode-logs/<package id>.log shows which
  // package a chaincode was launched from).
  std::string peer_data_dir(size_t peer) const;
  std::string orderer_address() const { return orderer_->address(); }
  const std::shared_ptr<grpc::Channel>& orderer_channel() const { return orderer_channel_; }

  // Endorses `proposal` at `peers` (indexes; all when empty) and assembles.
  Endorsed EndorseProposal(const client::SignedProposal& proposal, std::vector<size_t> peers = {}) const;
  Endorsed Endorse(const std::string& chaincode, const std::vector<std::string>& args,
                   std::vector<size_t> peers = {}) const;
  Status Broadcast(const Endorsed& endorsed) const;
  // Commit watchers on every peer; start them before broadcasting.
  Result<std::vector<std::unique_ptr<client::CommitWatcher>>> WatchAll() const;
  // The commit of `tx_id` on every watched peer; they must agree on its code.
  Result<client::TxCommit> WaitAll(const std::vector<std::unique_ptr<client::CommitWatcher>>& watchers,
                                   const std::string& tx_id) const;
  // Broadcast, then the commit on every peer.
  Result<client::TxCommit> Submit(const Endorsed& endorsed) const;
  // A read-only call at one peer: the chaincode's response.
  protos::Response Query(size_t peer, const std::string& chaincode,
                         const std::vector<std::string>& args) const;
  // Every node's log, for a failing test.
  std::string Logs() const;

 private:
  PeerTestNetwork() = default;
  static Result<std::unique_ptr<PeerTestNetwork>> StartPeers(const std::string& name,
                                                             const std::vector<TestChaincode>& chaincodes,
                                                             int execute_timeout_seconds,
                                                             bool chaincode_list);
  Status CommitDefinition(const TestChaincode& chaincode) const;

  std::unique_ptr<ScratchDir> scratch_;
  std::unique_ptr<OrdererNetwork> network_;
  std::shared_ptr<protocol::Signer> client_;
  std::unique_ptr<OrdererProcess> orderer_;
  std::shared_ptr<grpc::Channel> orderer_channel_;
  std::vector<std::unique_ptr<OrdererProcess>> peers_;
  std::vector<std::shared_ptr<grpc::Channel>> peer_channels_;
};

}  // namespace loom::testing
