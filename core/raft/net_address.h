// "host:port" addresses of the cluster port.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "core/util/status.h"

namespace loom::raft {

struct HostPort {
  std::string host;  // without brackets for IPv6
  uint16_t port = 0;
};

// Splits "host:port" or "[v6]:port". InvalidArgument naming `address` when the
// port is missing, not a number or above 65535, or the host is empty.
Result<HostPort> SplitHostPort(const std::string& address);

// Fills `out` when `host` is an IPv4 dotted quad, "localhost" (127.0.0.1) or
// an IPv6 literal; false when it is a name that needs DNS.
bool NumericSocketAddress(const HostPort& host_port, sockaddr_storage* out);

// "127.0.0.1:41234" / "[::1]:41234".
std::string FormatSocketAddress(const sockaddr* addr);

}  // namespace loom::raft
