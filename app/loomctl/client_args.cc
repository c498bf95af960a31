#include "app/loomctl/client_args.h"

#include <cstdio>

#include "app/lab/connection_profile_reader.h"
#include "app/lab/workspace.h"
#include "app/lab/workspace_select.h"
#include "core/msp/signing_identity.h"

namespace loom::ctl {
namespace {

std::optional<uint64_t> ParseNumber(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19)
    return std::nullopt;
  return std::stoull(text);
}

}  // namespace

std::optional<std::string> ParseClientArgs(const std::vector<std::string>& args,
                                           const std::set<std::string>& extra, ClientArgs& out) {
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_positional || arg.rfind("--", 0) != 0) {
      out.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "--json") {
      out.json = true;
      continue;
    }
    if (arg == "--no-wait" && extra.count(arg)) {
      out.no_wait = true;
      continue;
    }
    static const std::set<std::string> kValued = {"--workspace", "--profile", "--msp",     "--msp-id",
                                                  "--org",       "--user",    "--channel", "--peer",
                                                  "--timeout",   "--from",    "--to"};
    bool is_extra = arg == "--from" || arg == "--to";
    if (!kValued.count(arg) || (is_extra && !extra.count(arg))) return "unknown flag " + arg;
    if (i + 1 >= args.size()) return arg + " needs a value";
    const std::string& value = args[++i];
    if (arg == "--workspace") out.workspace = value;
    if (arg == "--profile") out.profile = value;
    if (arg == "--msp") out.msp_dir = value;
    if (arg == "--msp-id") out.msp_id = value;
    if (arg == "--org") out.org = value;
    if (arg == "--user") out.user = value;
    if (arg == "--channel") out.channel = value;
    if (arg == "--peer") out.peers.push_back(value);
    if (arg == "--timeout" || arg == "--from" || arg == "--to") {
      std::optional<uint64_t> number = ParseNumber(value);
      if (!number || (arg == "--timeout" && (*number == 0 || *number > 3600)))
        return arg + " needs a whole number" + (arg == "--timeout" ? " of seconds (1..3600)" : "") +
               ", not '" + value + "'";
      if (arg == "--timeout") out.timeout_seconds = static_cast<int>(*number);
      if (arg == "--from") out.from = *number;
      if (arg == "--to") out.to = *number;
    }
  }
  if (!out.profile.empty() && !out.workspace.empty()) return "give --workspace or --profile, not both";
  if (!out.profile.empty() && (out.msp_dir.empty() || out.msp_id.empty()))
    return "--profile needs --msp DIR and --msp-id ID (the identity to use)";
  if (out.profile.empty() && (!out.msp_dir.empty() || !out.msp_id.empty()))
    return "--msp/--msp-id go with --profile (with a workspace use --org/--user)";
  return std::nullopt;
}

Result<ClientConnection> Connect(const ClientArgs& args) {
  ClientConnection out;
  if (!args.profile.empty()) {
    LOOM_ASSIGN_OR_RETURN(out.endpoints, lab::ReadConnectionProfile(args.profile));
    LOOM_ASSIGN_OR_RETURN(msp::SigningIdentity identity, msp::LoadSigningIdentity(args.msp_dir, args.msp_id));
    out.identity = std::make_shared<protocol::KeySigner>(identity.private_key(), identity.Serialize());
    out.source = args.profile;
  } else {
    LOOM_ASSIGN_OR_RETURN(std::string dir, lab::SelectWorkspaceDir(args.workspace));
    LOOM_ASSIGN_OR_RETURN(lab::Workspace workspace, lab::Workspace::Open(dir));
    out.endpoints = workspace.Endpoints();
    std::string org = args.org;
    if (org.empty()) {
      if (out.endpoints.peers.empty()) return Status::FailedPrecondition(dir + ": the network has no peers");
      org = out.endpoints.peers.front().org;
    }
    LOOM_ASSIGN_OR_RETURN(out.identity, workspace.Signer(org, args.user.empty() ? "User1" : args.user));
    out.source = dir;
  }
  if (!args.channel.empty()) lab::AssumeChannel(&out.endpoints, args.channel);
  return out;
}

int UsageError(const std::string& command, const std::string& message, const std::string& usage) {
  std::fprintf(stderr, "loomctl %s: %s\n%s", command.c_str(), message.c_str(), usage.c_str());
  return 2;
}

int Failure(const std::string& command, const Status& status) {
  std::fprintf(stderr, "loomctl %s: %s\n", command.c_str(), status.message().c_str());
  return 1;
}

std::string CommonClientUsage() {
  return "network and identity:\n"
         "  --workspace DIR           a Loom workspace (default: $LOOM_WORKSPACE, else the one under "
         "./.loom/)\n"
         "  --org ORG --user USER     the workspace identity (default: the first peer org's User1)\n"
         "  --profile FILE            a Fabric connection profile (YAML or JSON) instead of a workspace,\n"
         "  --msp DIR --msp-id ID     with the identity to use\n"
         "  --channel C               assume every node of a profile without channels serves C\n"
         "  --timeout SECONDS         deadline of each network call (default 30)\n"
         "  --json                    print JSON (field names in docs/cli.md)\n";
}

bool WantsHelp(const std::vector<std::string>& args) {
  for (const std::string& arg : args)
    if (arg == "-h" || arg == "--help") return true;
  return !args.empty() && args[0] == "help";
}

}  // namespace loom::ctl
