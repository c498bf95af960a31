// PeerAdmin: the logic of Loom's peer admin service (loom.PeerAdmin,
// core/proto/loom/peer_admin.proto) without gRPC — who may administer the
// peer, what a block must be to join a channel, joining and listing.
//
// A request is a loom.SignedAdminRequest, accepted when
// orderer::AuthorizeAdminRequest (core/orderer/admin_request.h) accepts it
// for the peer's own MSP, as the orderer's admin service does; then the body
// must be the operation called (InvalidArgument).
//
// Joining: the block must be a genesis block (orderer::ParseGenesisBlock)
// whose config has an Application group (a peer keeps application
// channels). A channel the peer keeps already is answered from the
// directory — the same block 0 is success with already_joined, a different
// one AlreadyExists; otherwise the directory joins it. Joins are serialised.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/orderer/admin_request.h"
#include "core/util/status.h"
#include "loom/orderer_admin.pb.h"
#include "loom/peer_admin.pb.h"

namespace loom::peer {

// The channels a peer keeps, as the admin service sees them. Implemented by
// the node; thread-safe.
class PeerChannelDirectory {
 public:
  virtual ~PeerChannelDirectory() = default;
  // Ids of the channels kept, sorted.
  virtual std::vector<std::string> ChannelIds() const = 0;
  // Id, committed height, last state hash; NotFound when not kept.
  virtual Result<loom::PeerChannelInfo> Describe(const std::string& channel_id) const = 0;
  // The header hash of the channel's block 0; NotFound when not kept.
  virtual Result<std::string> GenesisHeaderHash(const std::string& channel_id) const = 0;
  // Creates, opens and serves the channel of this genesis block, or fails
  // leaving nothing behind.
  virtual Result<loom::PeerChannelInfo> Join(const common::Block& genesis) = 0;
};

// The peer's own MSP, the request time window and the peer's clock.
using PeerAdminOptions = orderer::AdminAuthOptions;

struct PeerJoinOutcome {
  loom::PeerChannelInfo channel;
  bool already_joined = false;
  std::string caller;  // who asked, for the node's log
};

class PeerAdmin {
 public:
  // `channels` must outlive the admin.
  PeerAdmin(PeerChannelDirectory* channels, PeerAdminOptions options);

  using Authorized = orderer::AuthorizedAdminRequest;
  // The checks above, except the body's.
  Result<Authorized> Authorize(const loom::SignedAdminRequest& signed_request) const;

  Result<PeerJoinOutcome> JoinChannel(const loom::SignedAdminRequest& signed_request);
  // Every kept channel, by id.
  Result<std::vector<loom::PeerChannelInfo>> ListChannels(
      const loom::SignedAdminRequest& signed_request) const;

 private:
  PeerChannelDirectory* channels_;
  PeerAdminOptions options_;
  std::mutex join_mutex_;  // one join at a time
};

}  // namespace loom::peer
