// The loom-peer node's configuration file (YAML).
//
//   name: peer0.org1.example.com         # required; used in logs and traces
//   listen_address: 127.0.0.1:7051       # required; Endorser, Deliver, admin, Observer;
//                                        # port 0 = ephemeral
//   chaincode_address: 127.0.0.1:7052    # required; where chaincodes dial in; port 0 ok
//   operations_address: 127.0.0.1:9443   # optional; /healthz and /metrics
//   tls:                                 # optional; as loom-orderer's
//     enabled: true
//     cert: tls/server.crt
//     key: tls/server.key
//     client_ca: tls/ca.crt
//   msp: {dir: msp, id: Org1MSP}         # required: the peer's signing identity
//   data_dir: data                       # required; one folder per channel inside
//   orderers: [127.0.0.1:7050]           # optional; see below
//   orderer_tls:                         # optional; TLS to the orderers (plaintext when absent)
//     root_ca: orderer-tls-ca.pem        # required in the section: the orderers' TLS CA
//     client_cert: tls/client.crt        # optional, with client_key: mutual TLS
//     client_key: tls/client.key
//   validation:
//     workers: 4                         # default: the machine's cores
//   chaincode:
//     execute_timeout: 30s               # default 30s
//     startup_timeout: 60s               # default 60s
//   chaincodes:                          # optional; launched without an installed package
//     - {name: assets, type: native, path: bin/assets}
//     - {name: basic, type: node, path: chaincode/basic}
//     - {name: ext, type: ccaas, address: 127.0.0.1:9999}
//   limits: {max_concurrent_streams: 1000, max_message_size: 100MB, shutdown_grace: 2s}
//
// `orderers`, when given, OVERRIDES the orderer endpoints of every channel's
// config: blocks are pulled from these addresses only. When absent the peer
// uses the endpoints in each channel's config (Orderer.Addresses and the
// orgs' OrdererEndpoints), as Fabric does. The override exists for labs and
// tests whose genesis blocks name addresses that are not the ones bound.
//
// Chaincode `type`: native (an executable at `path`), node (a fabric-shim
// package folder at `path`), ccaas (a running chaincode server at
// `address`). Names are unique.
//
// Relative paths are resolved against the config file's folder. Errors are
// InvalidArgument "file:line:col: field: what is wrong"; unknown fields get
// a did-you-mean. Pure, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/orderer/node_config_common.h"
#include "core/util/status.h"

namespace loom::peer {

using orderer::HostPort;
using orderer::NodeLimits;
using orderer::TlsSettings;

enum class ChaincodeType { kNative, kNode, kCcaas };

std::string_view ChaincodeTypeName(ChaincodeType type);

struct ChaincodeLaunch {
  std::string name;
  ChaincodeType type = ChaincodeType::kNative;
  std::string path;                 // native, node: absolute path
  std::optional<HostPort> address;  // ccaas
};

// How the peer's block deliverers reach the orderers over TLS.
struct OrdererTlsSettings {
  std::string root_ca_file;  // empty: plaintext
  std::string client_cert_file;
  std::string client_key_file;
};

struct PeerNodeConfig {
  std::string name;
  HostPort listen_address;
  HostPort chaincode_address;
  std::optional<HostPort> operations_address;
  TlsSettings tls;
  std::string msp_dir;
  std::string msp_id;
  std::string data_dir;
  // Empty: each channel's configured orderer endpoints.
  std::vector<HostPort> orderers;
  OrdererTlsSettings orderer_tls;
  uint32_t validation_workers = 0;  // set to the core count when not configured
  std::chrono::milliseconds execute_timeout{30000};
  std::chrono::milliseconds startup_timeout{60000};
  std::vector<ChaincodeLaunch> chaincodes;
  NodeLimits limits;
};

// Parses config text. `source_name` names it in errors; relative paths are
// resolved against `base_dir` (left relative when it is empty).
Result<PeerNodeConfig> ParsePeerConfig(std::string_view text, const std::string& source_name,
                                       const std::string& base_dir);

// Reads and parses a config file (paths relative to its folder).
Result<PeerNodeConfig> LoadPeerConfigFile(const std::string& path);

}  // namespace loom::peer
