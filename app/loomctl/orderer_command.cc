// loomctl orderer: administer a running loom-orderer through its admin
// service (loom.OrdererAdmin), as an admin of the orderer's MSP.
//   loomctl orderer join --node HOST:PORT --msp DIR --msp-id ID [TLS...] BLOCKFILE
//   loomctl orderer list --node HOST:PORT --msp DIR --msp-id ID [TLS...]
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "app/loomctl/admin_client.h"
#include "loom/orderer_admin.grpc.pb.h"

namespace loom::ctl {
namespace {

constexpr const char* kCommand = "loomctl orderer";

const std::string& Usage() {
  static const std::string usage =
      AdminUsage("orderer",
                 "usage: loomctl orderer join --node HOST:PORT --msp DIR --msp-id ID [options] BLOCKFILE\n"
                 "       loomctl orderer list --node HOST:PORT --msp DIR --msp-id ID [options]\n"
                 "  join     the orderer joins the channel whose genesis block is BLOCKFILE, at run time\n"
                 "  list     the channels the orderer serves, with their heights and consensus types\n");
  return usage;
}

int Join(const std::vector<std::string>& args) {
  AdminClientOptions options;
  loom::AdminRequest request;
  if (auto exit_code = ParseJoinRequest(kCommand, Usage(), args, options, request)) return *exit_code;
  loom::JoinChannelResponse response;
  int failed = CallAdmin("loomctl orderer join", options, std::move(request),
                         [&](const auto& channel, auto& context, const auto& signed_request) {
                           return loom::OrdererAdmin::NewStub(channel)->JoinChannel(&context, signed_request,
                                                                                    &response);
                         });
  if (failed != 0) return failed;
  const loom::ChannelInfo& channel = response.channel();
  std::printf("%s channel %s on %s (%s, height %llu)\n",
              response.already_joined() ? "already serving" : "joined", channel.channel_id().c_str(),
              options.node.c_str(), channel.consensus_type().c_str(),
              static_cast<unsigned long long>(channel.height()));
  return 0;
}

int List(const std::vector<std::string>& args) {
  AdminClientOptions options;
  loom::AdminRequest request;
  if (auto exit_code = ParseListRequest(kCommand, Usage(), args, options, request)) return *exit_code;
  loom::ListChannelsResponse response;
  int failed = CallAdmin("loomctl orderer list", options, std::move(request),
                         [&](const auto& channel, auto& context, const auto& signed_request) {
                           return loom::OrdererAdmin::NewStub(channel)->ListChannels(&context, signed_request,
                                                                                     &response);
                         });
  if (failed != 0) return failed;
  if (response.channels().empty()) {
    std::printf("%s serves no channels\n", options.node.c_str());
    return 0;
  }
  size_t width = 7;
  for (const auto& channel : response.channels()) width = std::max(width, channel.channel_id().size());
  std::printf("%-*s  %10s  %s\n", static_cast<int>(width), "CHANNEL", "HEIGHT", "CONSENSUS");
  for (const auto& channel : response.channels()) {
    std::printf("%-*s  %10llu  %s\n", static_cast<int>(width), channel.channel_id().c_str(),
                static_cast<unsigned long long>(channel.height()), channel.consensus_type().c_str());
  }
  return 0;
}

}  // namespace

int RunOrdererCommand(const std::vector<std::string>& args) {
  return RunAdminSubcommand(kCommand, Usage(), {{"join", Join}, {"list", List}}, args);
}

}  // namespace loom::ctl
