#include "core/raft/net_address.h"

#include <netinet/in.h>
#include <uv.h>

#include <cstring>

namespace loom::raft {

Result<HostPort> SplitHostPort(const std::string& address) {
  HostPort out;
  std::string port_text;
  if (!address.empty() && address[0] == '[') {
    size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return Status::InvalidArgument("address \"" + address + "\": expected [ipv6]:port");
    }
    out.host = address.substr(1, close - 1);
    port_text = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument("address \"" + address + "\": expected host:port");
    }
    out.host = address.substr(0, colon);
    port_text = address.substr(colon + 1);
  }
  if (out.host.empty()) return Status::InvalidArgument("address \"" + address + "\": empty host");
  if (port_text.empty() || port_text.size() > 5) {
    return Status::InvalidArgument("address \"" + address + "\": expected a port number after ':'");
  }
  uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("address \"" + address + "\": port \"" + port_text +
                                     "\" is not a number");
    }
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) {
    return Status::InvalidArgument("address \"" + address + "\": port " + port_text + " is above 65535");
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

bool NumericSocketAddress(const HostPort& host_port, sockaddr_storage* out) {
  std::memset(out, 0, sizeof *out);
  std::string host = host_port.host == "localhost" ? "127.0.0.1" : host_port.host;
  if (uv_ip4_addr(host.c_str(), host_port.port, reinterpret_cast<sockaddr_in*>(out)) == 0) return true;
  if (uv_ip6_addr(host.c_str(), host_port.port, reinterpret_cast<sockaddr_in6*>(out)) == 0) return true;
  return false;
}

std::string FormatSocketAddress(const sockaddr* addr) {
  char host[64] = {0};
  if (addr->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(addr);
    uv_ip4_name(v4, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (addr->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(addr);
    uv_ip6_name(v6, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  return "?";
}

}  // namespace loom::raft
