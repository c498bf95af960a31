// PeerNode: a running loom-peer — its signing identity, its channels (those
// found in the data folder, those joined at start, and those joined at run
// time through the admin service), each with a PeerChannel committing what a
// BlockDeliverer pulls from the orderers; protos.Deliver (for clients),
// loom.PeerAdmin and loom.Observer on the listen address; a second gRPC
// server on the chaincode address for the chaincode runtime's services; the
// operations endpoint (/healthz, /metrics) when configured.
//
// Services wired in from outside (the endorser on the listen address,
// ChaincodeSupport on the chaincode address) come from
// PeerNodeStartOptions::services: a factory called once the channels are
// open, with what it needs from the node (PeerNodeContext), returning the
// services to register.
//
// Start fails with a message naming what is wrong (MSP folder, a block file,
// a channel folder, an address that cannot be bound). Shutdown stops the
// deliverers, ends Deliver waits (SERVICE_UNAVAILABLE), stops the channels
// (accepted blocks commit first), gives streams up to `grace`, then stops
// the gRPC servers. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/policies.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/ledger/state_db.h"
#include "core/peer/peer_channel.h"
#include "core/peer/peer_config.h"
#include "core/util/status.h"

namespace grpc {
class Service;
}  // namespace grpc
namespace loom::ops {
class MetricsRegistry;
class HealthRegistry;
}  // namespace loom::ops
namespace loom::protocol {
class Signer;
}  // namespace loom::protocol
namespace loom::trace {
class TraceHub;
}  // namespace loom::trace
namespace loom::util {
class WorkerPool;
}  // namespace loom::util

namespace loom::peer {

// The endorsement policy of `chaincode` at the committed state, given the
// channel's config in effect (lifecycle::EndorsementPolicyFor has this
// shape). NotFound when the chaincode is not defined.
using ChannelEndorsementPolicy = std::function<Result<common::SignaturePolicyEnvelope>(
    const ledger::StateSnapshot& committed, const channelconfig::ChannelConfig& config,
    const std::string& chaincode)>;

// The interim policy used until chaincode definitions decide: every
// chaincode's policy is OR over the `member` principal of every application
// org of the channel's config. NotFound for a channel without orgs.
Result<common::SignaturePolicyEnvelope> AnyApplicationMemberPolicy(const ledger::StateSnapshot& committed,
                                                                   const channelconfig::ChannelConfig& config,
                                                                   const std::string& chaincode);

// What a service wired into the node may use. Valid until the node is
// destroyed; the functions are thread-safe.
struct PeerNodeContext {
  const PeerNodeConfig* config = nullptr;
  const protocol::Signer* signer = nullptr;  // the peer's identity
  trace::TraceHub* trace = nullptr;
  ops::MetricsRegistry* metrics = nullptr;
  ops::HealthRegistry* health = nullptr;
  util::WorkerPool* workers = nullptr;  // for blocking work
  // The channel, or nullptr when the peer does not keep it.
  std::function<std::shared_ptr<PeerChannel>(const std::string& channel_id)> find_channel;
  std::function<std::vector<std::string>()> channel_ids;
};

struct PeerNodeServices {
  std::vector<std::unique_ptr<grpc::Service>> listen;     // on listen_address
  std::vector<std::unique_ptr<grpc::Service>> chaincode;  // on chaincode_address
  // Called first at Shutdown (before channels stop); optional.
  std::function<void()> stop;
};

struct PeerNodeStartOptions {
  std::vector<std::string> join_blocks;  // genesis block files to join (or re-open)
  ChannelEndorsementPolicy endorsement_policy = AnyApplicationMemberPolicy;
  // The validation plugin a chaincode's definition names
  // (lifecycle::ValidationPluginFor); optional: "vscc" for every chaincode.
  ValidationPluginSource validation_plugin;
  // Extra services; optional.
  std::function<Result<PeerNodeServices>(const PeerNodeContext&)> services;
  // One line for the node's log, from any thread.
  std::function<void(const std::string& line)> log;
};

class PeerNode {
 public:
  static Result<std::unique_ptr<PeerNode>> Start(const PeerNodeConfig& config, PeerNodeStartOptions options);
  ~PeerNode();

  // "127.0.0.1:41234": the addresses actually bound (port 0 resolved). The
  // chaincode address is empty when no chaincode service was wired in.
  std::string listen_address() const;
  std::string chaincode_address() const;
  std::optional<std::string> operations_address() const;
  std::vector<std::string> channel_ids() const;
  std::shared_ptr<PeerChannel> FindChannel(const std::string& channel_id) const;
  // Lines worth logging from start-up (recovery notes, channels opened).
  const std::vector<std::string>& start_notes() const;

  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(2));

 private:
  struct State;
  explicit PeerNode(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace loom::peer
