// The network half of a Fabric client, over Fabric's gRPC services: send a
// proposal to a peer's Endorser, broadcast an envelope to an orderer, and
// watch a peer's filtered blocks for a transaction's commit. For loomctl's
// invoke/query and Loom's tests; Fabric's SDKs do the same.
//
// Every call has a deadline; network failures come back as Unavailable /
// DeadlineExceeded naming the endpoint. Connections are plaintext unless
// TLS root certificates are given. Thread-safe except where noted.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/common.pb.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"
#include "orderer/ab.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace grpc {
class Channel;
class ClientContext;
}  // namespace grpc

namespace loom::client {

struct Endpoint {
  std::string address;             // host:port
  std::string tls_root_certs_pem;  // empty: plaintext
  std::string tls_server_name;     // optional override of the name the certificate must carry
};

// A connection to `endpoint` (gRPC connects lazily, on the first call).
std::shared_ptr<grpc::Channel> Dial(const Endpoint& endpoint);

// protos.Endorser/ProcessProposal. The peer's answer, whatever its status;
// an error only when no answer came.
Result<protos::ProposalResponse> Endorse(const std::shared_ptr<grpc::Channel>& peer,
                                         const protos::SignedProposal& proposal,
                                         std::chrono::milliseconds timeout);

// orderer.AtomicBroadcast/Broadcast of one envelope: the orderer's answer
// (SUCCESS or why not); an error only when no answer came.
Result<::orderer::BroadcastResponse> Broadcast(const std::shared_ptr<grpc::Channel>& orderer,
                                               const common::Envelope& envelope,
                                               std::chrono::milliseconds timeout);

struct TxCommit {
  uint64_t block_number = 0;
  protos::TxValidationCode code = protos::VALID;
};

// Watches a peer's protos.Deliver/DeliverFiltered stream of one channel from
// the block that is newest when it starts, remembering each transaction's
// validation code. Start it BEFORE broadcasting, so the commit cannot be
// missed. One thread reads the stream; Wait may be called from any thread.
class CommitWatcher {
 public:
  // Opens the stream (signed by `signer`, who must be a channel reader) and
  // waits until the peer accepted the request or `timeout` passes.
  static Result<std::unique_ptr<CommitWatcher>> Start(const std::shared_ptr<grpc::Channel>& peer,
                                                      const std::string& channel,
                                                      const protocol::Signer& signer,
                                                      std::chrono::milliseconds timeout);
  ~CommitWatcher();
  CommitWatcher(const CommitWatcher&) = delete;
  CommitWatcher& operator=(const CommitWatcher&) = delete;

  // The commit of `tx_id`, waiting until `deadline`; DeadlineExceeded when it
  // did not commit by then, Unavailable when the stream ended (with the
  // peer's status).
  Result<TxCommit> Wait(const std::string& tx_id, std::chrono::steady_clock::time_point deadline);
  // Blocks seen so far (each block's number + 1 of the last one; 0 = none).
  uint64_t height_seen() const;

 private:
  CommitWatcher() = default;
  void ReadLoop();

  std::unique_ptr<grpc::ClientContext> context_;
  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::thread reader_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, TxCommit, std::less<>> commits_;
  uint64_t height_seen_ = 0;
  bool first_response_ = false;
  std::optional<Status> ended_;  // why the stream ended
};

}  // namespace loom::client
