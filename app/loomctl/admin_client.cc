#include "app/loomctl/admin_client.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "core/msp/signing_identity.h"
#include "core/orderer/orderer_admin.h"
#include "core/protocol/signer.h"
#include "core/util/file_util.h"
#include "core/util/status.h"

namespace loom::ctl {
namespace {

// Admin requests carry whole genesis blocks, larger than gRPC's default limit.
constexpr int kMaxSendMessageBytes = 100 << 20;

Result<std::shared_ptr<grpc::Channel>> Dial(const AdminClientOptions& options) {
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
  arguments.SetMaxSendMessageSize(kMaxSendMessageBytes);
  return grpc::CreateCustomChannel(options.node, credentials, arguments);
}

// The caller's admin identity, as a signer of admin requests.
Result<std::unique_ptr<protocol::Signer>> LoadSigner(const AdminClientOptions& options) {
  auto identity = msp::LoadSigningIdentity(options.msp_dir, options.msp_id);
  if (!identity.ok()) return identity.status().WithContext("--msp " + options.msp_dir);
  return std::unique_ptr<protocol::Signer>(
      std::make_unique<protocol::KeySigner>(identity->private_key(), identity->Serialize()));
}

// Everything before the call itself, in the order a user fixes it: the
// identity, the connection's files, then the signature.
Result<std::pair<std::shared_ptr<grpc::Channel>, loom::SignedAdminRequest>> Prepare(
    const AdminClientOptions& options, loom::AdminRequest request) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<protocol::Signer> signer, LoadSigner(options));
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, Dial(options));
  LOOM_ASSIGN_OR_RETURN(loom::SignedAdminRequest signed_request,
                        orderer::SignAdminRequest(std::move(request), *signer));
  return std::make_pair(std::move(channel), std::move(signed_request));
}

int CallFailed(const std::string& command, const AdminClientOptions& options, const grpc::Status& status) {
  const bool unreachable = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                           status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  std::fprintf(stderr, "%s: %s%s%s: %s\n", command.c_str(), unreachable ? "cannot reach " : "",
               options.node.c_str(), unreachable ? "" : " refused", status.error_message().c_str());
  return 1;
}

}  // namespace

std::optional<std::string> ParseAdminClientOptions(const std::vector<std::string>& args,
                                                   AdminClientOptions& options) {
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

std::string AdminUsage(const std::string& node_kind, const std::string& subcommand_lines) {
  return subcommand_lines +
         "  --msp DIR, --msp-id ID   the signing identity (MSP folder with signcerts/ and keystore/)\n"
         "                           of an admin of the " +
         node_kind +
         "'s own MSP\n"
         "options:\n"
         "  --tls-ca FILE            connect with TLS, trusting the " +
         node_kind +
         "'s TLS CA certificate FILE\n"
         "  --tls-cert FILE --tls-key FILE   the client certificate for mutual TLS\n"
         "  --timeout SECONDS        deadline of the call (default 30)\n";
}

int AdminUsageError(const std::string& command, const std::string& message, const std::string& usage) {
  std::fprintf(stderr, "%s: %s\n%s", command.c_str(), message.c_str(), usage.c_str());
  return 2;
}

std::optional<int> ParseJoinRequest(const std::string& command, const std::string& usage,
                                    const std::vector<std::string>& args, AdminClientOptions& options,
                                    loom::AdminRequest& request) {
  if (auto error = ParseAdminClientOptions(args, options)) return AdminUsageError(command, *error, usage);
  if (options.positional.size() != 1) return AdminUsageError(command, "join takes one BLOCKFILE", usage);
  auto block = ReadFile(options.positional[0]);
  if (!block.ok()) {
    std::fprintf(stderr, "%s join: %s\n", command.c_str(), block.status().message().c_str());
    return 1;
  }
  request.mutable_join_channel()->set_genesis_block(*block);
  return std::nullopt;
}

std::optional<int> ParseListRequest(const std::string& command, const std::string& usage,
                                    const std::vector<std::string>& args, AdminClientOptions& options,
                                    loom::AdminRequest& request) {
  if (auto error = ParseAdminClientOptions(args, options)) return AdminUsageError(command, *error, usage);
  if (!options.positional.empty()) return AdminUsageError(command, args[0] + " takes no arguments", usage);
  request.mutable_list_channels();
  return std::nullopt;
}

int RunAdminSubcommand(const std::string& command, const std::string& usage,
                       const std::vector<std::pair<std::string, AdminSubcommand>>& subcommands,
                       const std::vector<std::string>& args) {
  if (args.empty()) return AdminUsageError(command, "missing subcommand", usage);
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(usage.c_str(), stdout);
    return 0;
  }
  for (const auto& [name, run] : subcommands) {
    if (args[0] == name) return run(args);
  }
  return AdminUsageError(command, "unknown subcommand '" + args[0] + "'", usage);
}

int CallAdmin(const std::string& command, const AdminClientOptions& options, loom::AdminRequest request,
              const AdminCall& call) {
  auto prepared = Prepare(options, std::move(request));
  if (!prepared.ok()) {
    std::fprintf(stderr, "%s: %s\n", command.c_str(), prepared.status().message().c_str());
    return 1;
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(options.timeout_seconds));
  grpc::Status status = call(prepared->first, context, prepared->second);
  if (!status.ok()) return CallFailed(command, options, status);
  return 0;
}

}  // namespace loom::ctl
