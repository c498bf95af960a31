// loomctl peer: administer a running loom-peer through its admin service
// (loom.PeerAdmin), as an admin of the peer's MSP.
//   loomctl peer join --node HOST:PORT --msp DIR --msp-id ID [TLS...] BLOCKFILE
//   loomctl peer channels --node HOST:PORT --msp DIR --msp-id ID [TLS...]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/hash.h"
#include "core/msp/signing_identity.h"
#include "core/orderer/orderer_admin.h"
#include "core/protocol/signer.h"
#include "core/util/file_util.h"
#include "loom/peer_admin.grpc.pb.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl peer join --node HOST:PORT --msp DIR --msp-id ID [options] BLOCKFILE\n"
    "       loomctl peer channels --node HOST:PORT --msp DIR --msp-id ID [options]\n"
    "  join      the peer joins the channel whose genesis block is BLOCKFILE, at run time\n"
    "  channels  the channels the peer keeps: height and state hash of the last block\n"
    "  --msp DIR, --msp-id ID   the signing identity (MSP folder with signcerts/ and keystore/)\n"
    "                           of an admin of the peer's own MSP\n"
    "options:\n"
    "  --tls-ca FILE            connect with TLS, trusting the peer's TLS CA certificate FILE\n"
    "  --tls-cert FILE --tls-key FILE   the client certificate for mutual TLS\n"
    "  --timeout SECONDS        deadline of the call (default 30)\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "loomctl peer: %s\n%s", message.c_str(), kUsage);
  return 2;
}

struct Options {
  std::string node;
  std::string msp_dir;
  std::string msp_id;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  int timeout_seconds = 30;
  std::vector<std::string> positional;
};

std::optional<std::string> ParseOptions(const std::vector<std::string>& args, Options& options) {
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto take = [&](std::string& into) -> bool {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    bool ok = true;
    if (arg == "--node") {
      ok = take(options.node);
    } else if (arg == "--msp") {
      ok = take(options.msp_dir);
    } else if (arg == "--msp-id") {
      ok = take(options.msp_id);
    } else if (arg == "--tls-ca") {
      ok = take(options.tls_ca);
    } else if (arg == "--tls-cert") {
      ok = take(options.tls_cert);
    } else if (arg == "--tls-key") {
      ok = take(options.tls_key);
    } else if (arg == "--timeout") {
      std::string text;
      ok = take(text) && !text.empty() && text.size() < 6 &&
           text.find_first_not_of("0123456789") == std::string::npos && std::stoi(text) > 0;
      if (!ok) return "--timeout needs a whole number of seconds > 0";
      options.timeout_seconds = std::stoi(text);
    } else if (!arg.empty() && arg[0] == '-') {
      return "unknown option '" + arg + "'";
    } else {
      options.positional.push_back(arg);
    }
    if (!ok) return arg + " needs a value";
  }
  if (options.node.empty()) return "--node HOST:PORT is required";
  if (options.msp_dir.empty() || options.msp_id.empty()) return "--msp DIR and --msp-id ID are required";
  if (options.tls_cert.empty() != options.tls_key.empty()) return "--tls-cert and --tls-key go together";
  if (!options.tls_cert.empty() && options.tls_ca.empty()) return "--tls-cert needs --tls-ca";
  return std::nullopt;
}

struct Session {
  std::unique_ptr<loom::PeerAdmin::Stub> stub;
  std::unique_ptr<protocol::Signer> signer;
};

Result<Session> Connect(const Options& options) {
  Session session;
  auto identity = msp::LoadSigningIdentity(options.msp_dir, options.msp_id);
  if (!identity.ok()) return identity.status().WithContext("--msp " + options.msp_dir);
  session.signer = std::make_unique<protocol::KeySigner>(identity->private_key(), identity->Serialize());
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options.tls_ca.empty()) {
    grpc::SslCredentialsOptions tls;
    LOOM_ASSIGN_OR_RETURN(tls.pem_root_certs, ReadFile(options.tls_ca));
    if (!options.tls_cert.empty()) {
      LOOM_ASSIGN_OR_RETURN(tls.pem_cert_chain, ReadFile(options.tls_cert));
      LOOM_ASSIGN_OR_RETURN(tls.pem_private_key, ReadFile(options.tls_key));
    }
    credentials = grpc::SslCredentials(tls);
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxSendMessageSize(100 << 20);
  session.stub = loom::PeerAdmin::NewStub(grpc::CreateCustomChannel(options.node, credentials, arguments));
  return session;
}

int CallFailed(const char* subcommand, const Options& options, const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    std::fprintf(stderr, "loomctl peer %s: cannot reach %s: %s\n", subcommand, options.node.c_str(),
                 status.error_message().c_str());
  } else {
    std::fprintf(stderr, "loomctl peer %s: %s refused: %s\n", subcommand, options.node.c_str(),
                 status.error_message().c_str());
  }
  return 1;
}

// Signs `request` and opens a session; prints why not.
std::optional<std::pair<Session, loom::SignedAdminRequest>> Prepare(const char* subcommand,
                                                                    const Options& options,
                                                                    loom::AdminRequest request) {
  auto session = Connect(options);
  if (!session.ok()) {
    std::fprintf(stderr, "loomctl peer %s: %s\n", subcommand, session.status().message().c_str());
    return std::nullopt;
  }
  auto signed_request = orderer::SignAdminRequest(std::move(request), *session->signer);
  if (!signed_request.ok()) {
    std::fprintf(stderr, "loomctl peer %s: %s\n", subcommand, signed_request.status().message().c_str());
    return std::nullopt;
  }
  return std::make_pair(std::move(*session), std::move(*signed_request));
}

void SetDeadline(grpc::ClientContext& context, const Options& options) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(options.timeout_seconds));
}

int Join(const std::vector<std::string>& args) {
  Options options;
  if (auto error = ParseOptions(args, options)) return UsageError(*error);
  if (options.positional.size() != 1) return UsageError("join takes one BLOCKFILE");
  auto block = ReadFile(options.positional[0]);
  if (!block.ok()) {
    std::fprintf(stderr, "loomctl peer join: %s\n", block.status().message().c_str());
    return 1;
  }
  loom::AdminRequest request;
  request.mutable_join_channel()->set_genesis_block(*block);
  auto prepared = Prepare("join", options, std::move(request));
  if (!prepared) return 1;
  grpc::ClientContext context;
  SetDeadline(context, options);
  loom::PeerJoinChannelResponse response;
  grpc::Status status = prepared->first.stub->JoinChannel(&context, prepared->second, &response);
  if (!status.ok()) return CallFailed("join", options, status);
  std::printf("%s channel %s on %s (height %llu)\n", response.already_joined() ? "already keeping" : "joined",
              response.channel().channel_id().c_str(), options.node.c_str(),
              static_cast<unsigned long long>(response.channel().height()));
  return 0;
}

int Channels(const std::vector<std::string>& args) {
  Options options;
  if (auto error = ParseOptions(args, options)) return UsageError(*error);
  if (!options.positional.empty()) return UsageError("channels takes no arguments");
  loom::AdminRequest request;
  request.mutable_list_channels();
  auto prepared = Prepare("channels", options, std::move(request));
  if (!prepared) return 1;
  grpc::ClientContext context;
  SetDeadline(context, options);
  loom::PeerListChannelsResponse response;
  grpc::Status status = prepared->first.stub->ListChannels(&context, prepared->second, &response);
  if (!status.ok()) return CallFailed("channels", options, status);
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
  if (args.empty()) return UsageError("missing subcommand");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (args[0] == "join") return Join(args);
  if (args[0] == "channels") return Channels(args);
  return UsageError("unknown subcommand '" + args[0] + "'");
}

}  // namespace loom::ctl
