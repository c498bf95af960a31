// How a chaincode process was asked to run, from the flags and environment
// Fabric's peer (or an operator, for chaincode-as-a-service) starts it with:
//   dial the peer:  --peer.address HOST:PORT (or CORE_PEER_ADDRESS),
//                   CORE_CHAINCODE_ID_NAME=<name the peer knows it by>
//   serve:          CHAINCODE_SERVER_ADDRESS=HOST:PORT, CHAINCODE_ID=<package id>
// CORE_PEER_TLS_ENABLED must be false or unset: Loom's shim has no TLS yet.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace loom::shim {

struct StartConfig {
  enum class Mode { kDialPeer, kServe };
  Mode mode = Mode::kDialPeer;
  std::string peer_address;    // kDialPeer: where the peer's chaincode listener is
  std::string server_address;  // kServe: where to serve protos.Chaincode
  std::string chaincode_name;  // sent in REGISTER
  std::string local_msp_id;    // CORE_PEER_LOCALMSPID, when set
};

// Looks an environment variable up; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
// The process environment.
std::optional<std::string> ProcessEnv(const std::string& name);

// `args` are the command-line arguments after the program name. Accepts
// Go's flag forms: -peer.address X, --peer.address X, --peer.address=X.
// InvalidArgument naming the flag or variable and what is wrong.
Result<StartConfig> ParseStartConfig(const std::vector<std::string>& args, const EnvLookup& env);

}  // namespace loom::shim
