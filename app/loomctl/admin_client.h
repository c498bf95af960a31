// The client side shared by the loomctl commands that administer a running
// node through its admin service (loomctl orderer, loomctl peer): the common
// flags, loading the caller's admin identity, signing a loom.AdminRequest,
// dialing the node (plain or TLS, optionally mutual) and reporting failures.
//
// Every message is printed to stderr prefixed with the command's name, e.g.
// "loomctl peer join: ...", so the caller only prints what succeeded.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loom/orderer_admin.pb.h"

namespace loom::ctl {

// The flags every admin subcommand takes, plus its positional arguments.
struct AdminClientOptions {
  std::string node;
  std::string msp_dir;
  std::string msp_id;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  int timeout_seconds = 30;
  std::vector<std::string> positional;
};

// Parses args[1..] (args[0] is the subcommand) into `options`; returns a
// one-line usage message when a flag is unknown, lacks its value, or a
// required flag (--node, --msp, --msp-id) or TLS partner flag is missing.
std::optional<std::string> ParseAdminClientOptions(const std::vector<std::string>& args,
                                                   AdminClientOptions& options);

// The usage text of `loomctl <node_kind>`: its own `subcommand_lines`
// followed by the flags every admin subcommand takes.
std::string AdminUsage(const std::string& node_kind, const std::string& subcommand_lines);

// Prints "<command>: <message>" and the usage text to stderr; returns 2,
// the exit code of a usage error.
int AdminUsageError(const std::string& command, const std::string& message, const std::string& usage);

// A subcommand: gets the arguments from the subcommand's name on, returns
// the exit code.
using AdminSubcommand = int (*)(const std::vector<std::string>& args);

// Runs the subcommand named by args[0]; help/--help/-h print `usage` to
// stdout (exit 0); a missing or unknown name is a usage error.
int RunAdminSubcommand(const std::string& command, const std::string& usage,
                       const std::vector<std::pair<std::string, AdminSubcommand>>& subcommands,
                       const std::vector<std::string>& args);

// Parses `<command> join [flags] BLOCKFILE`: the flags, and the one
// BLOCKFILE read into a JoinChannel request. On failure prints why and
// returns the exit code: 2 for a usage error, 1 for an unreadable file.
std::optional<int> ParseJoinRequest(const std::string& command, const std::string& usage,
                                    const std::vector<std::string>& args, AdminClientOptions& options,
                                    loom::AdminRequest& request);

// Parses `<command> <subcommand> [flags]` (no arguments) into `options` and a
// ListChannels request; on a usage error prints it and returns 2.
std::optional<int> ParseListRequest(const std::string& command, const std::string& usage,
                                    const std::vector<std::string>& args, AdminClientOptions& options,
                                    loom::AdminRequest& request);

// Makes one unary call on a channel to the node: creates the stub from
// `channel`, fills the response it captured and returns the call's status.
using AdminCall =
    std::function<grpc::Status(const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext& context,
                               const loom::SignedAdminRequest& request)>;

// Loads the admin identity, signs `request`, dials options.node and runs
// `call` with the deadline options.timeout_seconds. Returns 0 when the call
// succeeded; otherwise prints why under `command` (e.g. "loomctl peer join"),
// telling an unreachable node from a refusal, and returns 1.
int CallAdmin(const std::string& command, const AdminClientOptions& options, loom::AdminRequest request,
              const AdminCall& call);

}  // namespace loom::ctl
