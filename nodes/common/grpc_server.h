// The gRPC server side both node executables share: credentials from the
// node's tls settings and one server on an address with the node's limits
// (message size, concurrent streams per connection).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/orderer/node_config_common.h"
#include "core/util/status.h"

namespace grpc {
class Server;
class ServerCredentials;
class Service;
}  // namespace grpc

namespace loom::nodes {

// Insecure when TLS is off; else the node's certificate and key, and when
// `client_ca_file` is set, client certificates required and verified
// against it. Errors name the file that cannot be read.
Result<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const orderer::TlsSettings& tls);

struct ListeningServer {
  std::unique_ptr<grpc::Server> server;
  std::string address;  // the bound host:port (port 0 resolved)
};

// One started gRPC server on `address` with `services` (which must outlive
// it). IoError "<what>: cannot listen on ..." (no prefix when `what` is
// empty) when the address cannot be bound.
Result<ListeningServer> Serve(const orderer::HostPort& address,
                              const std::shared_ptr<grpc::ServerCredentials>& credentials,
                              const std::vector<grpc::Service*>& services, const orderer::NodeLimits& limits,
                              std::string_view what);

}  // namespace loom::nodes
