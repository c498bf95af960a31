#include "chaincode/shim/start_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace loom::shim {
namespace {

constexpr char kPeerAddressFlag[] = "peer.address";

std::string NonEmpty(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> value = env(name);
  return value ? *value : std::string();
}

// HOST:PORT with a port in 1..65535 (HOST may be a bracketed IPv6 address).
Status CheckHostPort(const std::string& what, const std::string& address) {
  const size_t colon = address.rfind(':');
  const std::string expected = what + " \"" + address + "\": expected HOST:PORT";
  if (colon == std::string::npos || colon == 0) return Status::InvalidArgument(expected);
  const std::string port_text = address.substr(colon + 1);
  int port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
      port > 65535) {
    return Status::InvalidArgument(expected + " with a port in 1..65535");
  }
  return Status::Ok();
}

Result<bool> ParseBool(const std::string& name, const std::string& value) {
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "1" || lower == "t") return true;
  if (lower == "false" || lower == "0" || lower == "f" || lower.empty()) return false;
  return Status::InvalidArgument(name + "=\"" + value + "\": expected true or false");
}

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<StartConfig> ParseStartConfig(const std::vector<std::string>& args, const EnvLookup& env) {
  std::optional<std::string> peer_address_flag;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string name = arg;
    if (name.rfind("--", 0) == 0) {
      name.erase(0, 2);
    } else if (name.rfind('-', 0) == 0) {
      name.erase(0, 1);
    } else {
      return Status::InvalidArgument("unexpected argument \"" + arg +
                                     "\" (a chaincode accepts only --peer.address HOST:PORT)");
    }
    std::optional<std::string> value;
    if (size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.erase(equals);
    }
    if (name != kPeerAddressFlag) {
      return Status::InvalidArgument("unknown flag \"" + arg +
                                     "\" (a chaincode accepts only --peer.address HOST:PORT)");
    }
    if (!value) {
      if (i + 1 >= args.size())
        return Status::InvalidArgument("flag --peer.address needs a value: HOST:PORT");
      value = args[++i];
    }
    peer_address_flag = *value;
  }

  StartConfig config;
  config.local_msp_id = NonEmpty(env, "CORE_PEER_LOCALMSPID");
  LOOM_ASSIGN_OR_RETURN(bool tls, ParseBool("CORE_PEER_TLS_ENABLED", NonEmpty(env, "CORE_PEER_TLS_ENABLED")));
  if (tls) {
    return Status::InvalidArgument(
        "CORE_PEER_TLS_ENABLED=true: Loom's C++ chaincode shim does not support TLS to the peer yet; "
        "run the peer's chaincode listener without TLS and set CORE_PEER_TLS_ENABLED=false");
  }

  // Chaincode-as-a-service: the peer dials us.
  config.server_address = NonEmpty(env, "CHAINCODE_SERVER_ADDRESS");
  if (!config.server_address.empty()) {
    if (peer_address_flag) {
      return Status::InvalidArgument(
          "both --peer.address and CHAINCODE_SERVER_ADDRESS are set: a chaincode either dials the peer or "
          "serves it, not both");
    }
    LOOM_RETURN_IF_ERROR(CheckHostPort("CHAINCODE_SERVER_ADDRESS", config.server_address));
    config.chaincode_name = NonEmpty(env, "CHAINCODE_ID");
    if (config.chaincode_name.empty()) {
      return Status::InvalidArgument(
          "CHAINCODE_SERVER_ADDRESS is set, so CHAINCODE_ID must be too (the package id the peer knows this "
          "chaincode by)");
    }
    config.mode = StartConfig::Mode::kServe;
    return config;
  }

  config.mode = StartConfig::Mode::kDialPeer;
  config.peer_address = peer_address_flag ? *peer_address_flag : NonEmpty(env, "CORE_PEER_ADDRESS");
  if (config.peer_address.empty()) {
    return Status::InvalidArgument(
        "no peer address: pass --peer.address HOST:PORT (or set CORE_PEER_ADDRESS), or set "
        "CHAINCODE_SERVER_ADDRESS and CHAINCODE_ID to run as a chaincode server");
  }
  LOOM_RETURN_IF_ERROR(
      CheckHostPort(peer_address_flag ? "--peer.address" : "CORE_PEER_ADDRESS", config.peer_address));
  config.chaincode_name = NonEmpty(env, "CORE_CHAINCODE_ID_NAME");
  if (config.chaincode_name.empty()) {
    return Status::InvalidArgument(
        "'CORE_CHAINCODE_ID_NAME' must be set (the name the peer knows this chaincode by)");
  }
  return config;
}

}  // namespace loom::shim
