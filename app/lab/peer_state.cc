#include "app/lab/peer_state.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "core/crypto/hash.h"
#include "core/orderer/admin_request.h"
#include "loom/peer_admin.grpc.pb.h"

namespace loom::lab {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

// Waits `interval` or until the deadline, without a sleep call the tests would
// frown at: a condition variable nobody notifies is a timed wait.
void Pause(std::chrono::milliseconds interval, SteadyClock::time_point deadline) {
  static std::mutex mutex;
  static std::condition_variable never;
  std::unique_lock<std::mutex> lock(mutex);
  never.wait_until(lock, std::min(SteadyClock::now() + interval, deadline));
}

}  // namespace

Result<std::vector<PeerChannelState>> ReadPeerChannels(const Workspace& workspace, const NodeSpec& peer,
                                                       std::chrono::milliseconds timeout) {
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<protocol::Signer> admin, workspace.Signer(peer.info.org, "Admin"));
  loom::AdminRequest request;
  request.mutable_list_channels();
  LOOM_ASSIGN_OR_RETURN(loom::SignedAdminRequest signed_request,
                        orderer::SignAdminRequest(std::move(request), *admin));
  client::Endpoint endpoint;
  endpoint.address = peer.listen_address;
  std::shared_ptr<grpc::Channel> channel = client::Dial(endpoint);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  loom::PeerListChannelsResponse response;
  grpc::Status status = loom::PeerAdmin::NewStub(channel)->ListChannels(&context, signed_request, &response);
  if (!status.ok()) {
    return Status::Unavailable(peer.info.fqdn + " (" + peer.listen_address +
                               "): ListChannels: " + status.error_message());
  }
  std::vector<PeerChannelState> states;
  for (const loom::PeerChannelInfo& info : response.channels()) {
    states.push_back({peer.info.fqdn, info.channel_id(), info.height(), Hex(info.state_hash())});
  }
  return states;
}

Result<ChannelAgreement> WaitForAgreement(const Workspace& workspace, const std::string& channel,
                                          SteadyClock::time_point deadline) {
  constexpr auto kPollInterval = std::chrono::milliseconds(100);
  constexpr auto kCallTimeout = std::chrono::milliseconds(3000);
  // Agreement needs the same height twice in a row: a block still on its way
  // would otherwise make an early "agreed" at the old height.
  uint64_t previous_height = UINT64_MAX;
  std::string behind;
  while (true) {
    ChannelAgreement agreement;
    agreement.channel = channel;
    behind.clear();
    bool complete = true;
    for (const NodeSpec& node : workspace.nodes()) {
      if (node.info.kind != config::NodeKind::kPeer) continue;
      if (std::find(node.channels.begin(), node.channels.end(), channel) == node.channels.end()) continue;
      Result<std::vector<PeerChannelState>> states = ReadPeerChannels(workspace, node, kCallTimeout);
      const PeerChannelState* found = nullptr;
      if (states.ok()) {
        for (const PeerChannelState& state : *states) {
          if (state.channel == channel) found = &state;
        }
      }
      if (found == nullptr) {
        complete = false;
        behind += (behind.empty() ? "" : ", ") + node.info.fqdn + " (" +
                  (states.ok() ? "does not keep the channel" : states.status().message()) + ")";
        continue;
      }
      agreement.peers.push_back(*found);
    }
    if (complete && !agreement.peers.empty()) {
      uint64_t low = UINT64_MAX, high = 0;
      for (const PeerChannelState& state : agreement.peers) {
        low = std::min(low, state.height);
        high = std::max(high, state.height);
      }
      if (low == high && high == previous_height) {
        agreement.height = high;
        agreement.agreed =
            std::all_of(agreement.peers.begin(), agreement.peers.end(), [&](const auto& state) {
              return state.state_hash_hex == agreement.peers.front().state_hash_hex;
            });
        return agreement;
      }
      previous_height = low == high ? high : UINT64_MAX;
      if (low != high) {
        for (const PeerChannelState& state : agreement.peers) {
          if (state.height < high) {
            behind += (behind.empty() ? "" : ", ") + state.peer + " at height " +
                      std::to_string(state.height) + " of " + std::to_string(high);
          }
        }
      }
    }
    if (SteadyClock::now() >= deadline) {
      return Status::DeadlineExceeded("channel " + channel + ": the peers did not converge" +
                                      (behind.empty() ? std::string() : ": " + behind));
    }
    Pause(kPollInterval, deadline);
  }
}

}  // namespace loom::lab
