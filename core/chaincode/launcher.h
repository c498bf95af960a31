// Launcher: starts a chaincode the way Fabric's peer does, from a LaunchSpec
// (what an installed package says):
//  * native — the executable with `--peer.address <peer_address>`;
//  * node   — `npm start -- --peer.address <peer_address>` in the package
//             folder (Fabric's node chaincode start command);
//  * ccaas  — no process: the peer dials the chaincode server at `address`
//             and calls protos.Chaincode/Connect.
// Processes get CORE_CHAINCODE_ID_NAME=<chaincode id>, CORE_PEER_ADDRESS,
// CORE_PEER_TLS_ENABLED=false and CORE_PEER_LOCALMSPID (plus the spec's own
// variables), and write stdout/stderr to <log_dir>/<chaincode id>.log.
// Waiting for the chaincode's REGISTER is the runtime's job.
//
// Thread-safe; `support` must outlive the launcher.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/chaincode/chaincode_support.h"
#include "core/chaincode/process.h"
#include "core/util/status.h"

namespace loom::chaincode {

enum class LaunchType { kNative, kNode, kCcaas };

struct LaunchSpec {
  LaunchType type = LaunchType::kNative;
  std::string path;                        // native: the executable; node: the package folder
  std::string address;                     // ccaas: the chaincode server, host:port
  std::string chaincode_id;                // what it registers as ("" = the chaincode name)
  std::map<std::string, std::string> env;  // extra environment for processes
};

// How to launch a chaincode, by name (the peer's installed packages).
// NotFound when none is installed under that name.
using LaunchSpecSource = std::function<Result<LaunchSpec>(const std::string& chaincode_name)>;

struct LauncherOptions {
  std::string peer_address;  // the chaincode listen address, host:port
  // Asked at each launch when `peer_address` is empty: a peer binding port 0
  // learns its chaincode address only after the launcher is made.
  std::function<std::string()> peer_address_source;
  std::string local_msp_id;
  std::string log_dir;              // created when missing
  std::string npm_command = "npm";  // for node chaincode
};

// A launched chaincode: its process (null for ccaas) or its dialled handler.
struct LaunchedChaincode {
  std::unique_ptr<ChaincodeProcess> process;
  std::shared_ptr<Handler> dialled;
  std::string log_path;  // "" for ccaas
};

class Launcher {
 public:
  Launcher(LauncherOptions options, ChaincodeSupport* support);

  // Starts (or dials) `chaincode_name` per `spec`. `on_exit` runs when a
  // started process ends. Unavailable naming the chaincode when it cannot be
  // started; InvalidArgument for a spec missing its path or address.
  Result<LaunchedChaincode> Launch(const std::string& chaincode_name, const LaunchSpec& spec,
                                   std::function<void()> on_exit);

  const LauncherOptions& options() const { return options_; }

 private:
  const LauncherOptions options_;
  ChaincodeSupport* const support_;
};

// The id `spec` registers as for `chaincode_name`.
std::string ChaincodeIdOf(const std::string& chaincode_name, const LaunchSpec& spec);

}  // namespace loom::chaincode
