// loomctl peer: administer a running loom-peer through its admin service
// (loom.PeerAdmin), as an admin of the peer's MSP.
//   loomctl peer join --node HOST:PORT --msp DIR --msp-id ID [TLS...] BLOCKFILE
//   loomctl peer channels --node HOST:PORT --msp DIR --msp-id ID [TLS...]
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "app/loomctl/admin_client.h"
#include "core/crypto/hash.h"
#include "loom/peer_admin.grpc.pb.h"

namespace loom::ctl {
namespace {

constexpr const char* kCommand = "loomctl peer";

const std::string& Usage() {
  static const std::string usage =
      AdminUsage("peer",
                 "usage: loomctl peer join --node HOST:PORT --msp DIR --msp-id ID [options] BLOCKFILE\n"
                 "       loomctl peer channels --node HOST:PORT --msp DIR --msp-id ID [options]\n"
                 "  join      the peer joins the channel whose genesis block is BLOCKFILE, at run time\n"
                 "  channels  the channels the peer keeps: height and state hash of the last block\n");
  return usage;
}

int Join(const std::vector<std::string>& args) {
  AdminClientOptions options;
  loom::AdminRequest request;
  if (auto exit_code = ParseJoinRequest(kCommand, Usage(), args, options, request)) return *exit_code;
  loom::PeerJoinChannelResponse response;
  int failed =
      CallAdmin("loomctl peer join", options, std::move(request),
                [&](const auto& channel, auto& context, const auto& signed_request) {
                  return loom::PeerAdmin::NewStub(channel)->JoinChannel(&context, signed_request, &response);
                });
  if (failed != 0) return failed;
  std::printf("%s channel %s on %s (height %llu)\n", response.already_joined() ? "already keeping" : "joined",
              response.channel().channel_id().c_str(), options.node.c_str(),
              static_cast<unsigned long long>(response.channel().height()));
  return 0;
}

int Channels(const std::vector<std::string>& args) {
  AdminClientOptions options;
  loom::AdminRequest request;
  if (auto exit_code = ParseListRequest(kCommand, Usage(), args, options, request)) return *exit_code;
  loom::PeerListChannelsResponse response;
  int failed =
      CallAdmin("loomctl peer channels", options, std::move(request),
                [&](const auto& channel, auto& context, const auto& signed_request) {
                  return loom::PeerAdmin::NewStub(channel)->ListChannels(&context, signed_request, &response);
                });
  if (failed != 0) return failed;
  if (response.channels().empty()) {
    std::printf("%s keeps no channels\n", options.node.c_str());
    return 0;
  }
  size_t width = 7;
  for (const auto& channel : response.channels()) width = std::max(width, channel.channel_id().size());
  std::printf("%-*s  %10s  %s\n", static_cast<int>(width), "CHANNEL", "HEIGHT", "STATE HASH");
  for (const auto& channel : response.channels()) {
    std::printf("%-*s  %10llu  %s\n", static_cast<int>(width), channel.channel_id().c_str(),
                static_cast<unsigned long long>(channel.height()),
                crypto::HexEncode(channel.state_hash()).c_str());
  }
  return 0;
}

}  // namespace

int RunPeerCommand(const std::vector<std::string>& args) {
  return RunAdminSubcommand(kCommand, Usage(), {{"join", Join}, {"channels", Channels}}, args);
}

}  // namespace loom::ctl
