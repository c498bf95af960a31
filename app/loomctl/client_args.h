// The arguments shared by the client commands (invoke, query, blocks, tx,
// explain, attach): which network (a workspace, or a Fabric connection
// profile), who the client is, output form and deadlines — and turning them
// into the lab's NetworkEndpoints plus a signing identity.
//
//   --workspace DIR        a Loom workspace (default: $LOOM_WORKSPACE, else
//                          the single workspace under ./.loom/)
//   --org ORG --user USER  the workspace identity (default: the first peer
//                          org's User1)
//   --profile FILE         a connection profile instead of a workspace, with
//   --msp DIR --msp-id ID  the identity to use (both required with --profile)
//   --channel C            (profiles without a channels section: the channel
//                          every node is assumed to serve; tx/explain: where
//                          to look)
//   --peer NAME            a peer (FQDN or prefix); repeatable for invoke
//   --timeout SECONDS      deadline of each network call (default 30)
//   --json                 JSON output
// Plus the command's own flags (see ClientArgSpec). Errors print as one line
// "loomctl <command>: ..." on stderr.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/lab/endpoints.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::ctl {

struct ClientArgs {
  std::string workspace, profile, msp_dir, msp_id, org, user, channel;
  std::vector<std::string> peers;
  int timeout_seconds = 30;
  bool json = false;
  // Command-specific flags.
  std::optional<uint64_t> from, to;
  bool no_wait = false;
  std::vector<std::string> positional;
};

// Extra flags a command accepts beyond the common ones: "--from", "--to",
// "--no-wait". After "--" every argument is positional.
std::optional<std::string> ParseClientArgs(const std::vector<std::string>& args,
                                           const std::set<std::string>& extra, ClientArgs& out);

struct ClientConnection {
  lab::NetworkEndpoints endpoints;
  std::shared_ptr<protocol::Signer> identity;
  std::string source;  // the workspace folder or profile file
};

// The network and identity the arguments name.
Result<ClientConnection> Connect(const ClientArgs& args);

// Prints "loomctl <command>: <message>" (and `usage` for usage errors);
// returns the exit code (2 usage, 1 failure).
int UsageError(const std::string& command, const std::string& message, const std::string& usage);
int Failure(const std::string& command, const Status& status);

// The usage lines of the common flags.
std::string CommonClientUsage();

// Whether args asks for help (-h, --help, help).
bool WantsHelp(const std::vector<std::string>& args);

}  // namespace loom::ctl
