// What the config files of every loom node (loom-orderer, loom-peer) share:
// the address, TLS and limits types, and a reader for the common settings
//
//   name: node.example.com               # required, not empty
//   listen_address: 127.0.0.1:7050       # host:port, port 0 = ephemeral
//   operations_address: 127.0.0.1:9443   # optional
//   tls: {enabled: true, cert: ..., key: ..., client_ca: ...}
//   msp: {dir: msp, id: OrdererMSP}
//   data_dir: data
//   limits: {max_concurrent_streams: 1000, max_message_size: 100MB, shutdown_grace: 2s}
//
// with errors "file:line:col: field: what is wrong" (unknown fields get a
// did-you-mean) and relative paths resolved against the config file's
// folder. Each node's parser decides which fields it requires and reads its
// own fields with the same reader. Pure, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/config/source_map.h"
#include "core/config/yaml_reader.h"
#include "core/util/status.h"

namespace loom::orderer {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
  bool operator==(const HostPort&) const = default;
};

// "host:port" or "[v6]:port"; the host must not be empty, the port 0..65535.
Result<HostPort> ParseHostPort(std::string_view text);

struct TlsSettings {
  bool enabled = false;
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // empty: clients are not asked for a certificate
};

struct NodeLimits {
  uint32_t max_concurrent_streams = 1000;
  uint64_t max_message_bytes = 100ull << 20;
  // How long a graceful shutdown waits for Broadcast/Deliver streams that are
  // still open before cancelling them.
  std::chrono::milliseconds shutdown_grace{2000};
};

// Reads fields of one node config document; every error is positioned.
class NodeConfigReader {
 public:
  NodeConfigReader(config::SourceMap* sources, std::string base_dir)
      : reader_(sources), base_dir_(std::move(base_dir)) {}

  const config::YamlReader& yaml() const { return reader_; }

  // `name`: a string that must not be empty.
  Status ReadName(const config::YamlMap& root, std::string* name) const;
  // A host:port at `key` (which must be present).
  Result<HostPort> Address(const config::YamlMap& map, std::string_view key) const;
  // A host:port given as `text`, found at `path`.
  Result<HostPort> AddressText(const std::string& text, const std::string& path) const;
  // A host:port at `key` when present; `address` stays unset otherwise.
  Status ReadOptionalAddress(const config::YamlMap& map, std::string_view key,
                             std::optional<HostPort>* address) const;
  // A non-empty path, made absolute against the config file's folder.
  Result<std::string> PathField(const config::YamlMap& map, std::string_view key) const;
  // `msp: {dir, id}`, both required and not empty.
  Status ReadMsp(const config::YamlMap& root, std::string* msp_dir, std::string* msp_id) const;
  // `tls:` when present; cert and key are required when enabled.
  Status ReadTls(const config::YamlMap& root, TlsSettings* tls) const;
  // `limits:` when present; each limit keeps its default when absent.
  Status ReadLimits(const config::YamlMap& root, NodeLimits* limits) const;

 private:
  config::YamlReader reader_;
  std::string base_dir_;
};

// Loads `text` as one YAML document named `source_name` and runs `parse` on
// its root with a reader resolving paths against `base_dir` (left relative
// when empty). Exceptions from yaml-cpp become InvalidArgument.
using NodeConfigParse = std::function<Status(const NodeConfigReader& reader, const YAML::Node& root)>;
Status ParseNodeConfigText(std::string_view text, const std::string& source_name, const std::string& base_dir,
                           const NodeConfigParse& parse);

// A config file's text and the folder its relative paths are resolved
// against ("." for a bare file name). NotFound names the missing file.
struct NodeConfigFile {
  std::string text;
  std::string base_dir;
};
Result<NodeConfigFile> ReadNodeConfigFile(const std::string& path);

}  // namespace loom::orderer
