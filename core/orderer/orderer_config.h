// The loom-orderer node's configuration file (YAML).
//
//   name: orderer.example.com            # required; used in logs and traces
//   listen_address: 127.0.0.1:7050       # required; host:port, port 0 = ephemeral
//   tls:                                 # optional; off when absent
//     enabled: true
//     cert: tls/server.crt               # required when enabled
//     key: tls/server.key                # required when enabled
//     client_ca: tls/ca.crt              # optional; set = clients must present a certificate
//   msp:                                 # required: the orderer's signing identity
//     dir: msp
//     id: OrdererMSP
//   data_dir: data                       # required; one folder per channel inside
//   operations_address: 127.0.0.1:9443   # optional; /healthz and /metrics
//   cluster_address: 127.0.0.1:7051      # needed for etcdraft channels: the Raft port;
//                                        # must equal this node's consenter host:port
//                                        # in the channels' config
//   limits:                              # optional
//     max_concurrent_streams: 1000       # per client connection
//     max_message_size: 100MB            # largest gRPC message either way
//
// The settings every node shares are read by NodeConfigReader
// (node_config_common.h). Relative paths are resolved against the config
// file's folder. Errors are InvalidArgument "file:line:col: field: what is
// wrong". Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/orderer/node_config_common.h"
#include "core/util/status.h"

namespace loom::orderer {

struct OrdererNodeConfig {
  std::string name;
  HostPort listen_address;
  TlsSettings tls;
  std::string msp_dir;
  std::string msp_id;
  std::string data_dir;
  std::optional<HostPort> operations_address;
  std::optional<HostPort> cluster_address;
  NodeLimits limits;
};

// Parses config text. `source_name` names it in errors; relative paths are
// resolved against `base_dir` (left relative when it is empty).
Result<OrdererNodeConfig> ParseOrdererConfig(std::string_view text, const std::string& source_name,
                                             const std::string& base_dir);

// Reads and parses a config file (paths relative to its folder).
Result<OrdererNodeConfig> LoadOrdererConfigFile(const std::string& path);

}  // namespace loom::orderer
