#include "core/orderer/orderer_config.h"

#include <charconv>
#include <filesystem>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config/source_map.h"
#include "core/config/yaml_document.h"
#include "core/config/yaml_reader.h"
#include "core/util/file_util.h"

namespace loom::orderer {
namespace {

using config::YamlMap;
using config::YamlReader;

const std::vector<std::string> kRootFields = {
    "name", "listen_address", "tls", "msp", "data_dir", "operations_address", "cluster_address", "limits"};
const std::vector<std::string> kTlsFields = {"enabled", "cert", "key", "client_ca"};
const std::vector<std::string> kMspFields = {"dir", "id"};
const std::vector<std::string> kLimitFields = {"max_concurrent_streams", "max_message_size",
                                               "shutdown_grace"};

class Parser {
 public:
  Parser(config::SourceMap* sources, std::string base_dir)
      : reader_(sources), base_dir_(std::move(base_dir)) {}

  Status Parse(const YAML::Node& root, OrdererNodeConfig* out) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root, "", kRootFields));
    LOOM_RETURN_IF_ERROR(map.Require({"name", "listen_address", "msp", "data_dir"}));
    LOOM_RETURN_IF_ERROR(map.Read("name", &out->name));
    if (out->name.empty()) return reader_.Error("name", "must not be empty");
    LOOM_ASSIGN_OR_RETURN(out->listen_address, Address(map, "listen_address"));
    if (map.Has("operations_address")) {
      LOOM_ASSIGN_OR_RETURN(out->operations_address, Address(map, "operations_address"));
    }
    if (map.Has("cluster_address")) {
      LOOM_ASSIGN_OR_RETURN(out->cluster_address, Address(map, "cluster_address"));
    }
    LOOM_ASSIGN_OR_RETURN(out->data_dir, PathField(map, "data_dir"));
    LOOM_RETURN_IF_ERROR(ParseMsp(map, out));
    if (map.Has("tls")) LOOM_RETURN_IF_ERROR(ParseTls(map, &out->tls));
    if (map.Has("limits")) LOOM_RETURN_IF_ERROR(ParseLimits(map, &out->limits));
    return Status::Ok();
  }

 private:
  Result<HostPort> Address(const YamlMap& map, std::string_view key) {
    std::string text;
    LOOM_RETURN_IF_ERROR(map.Read(key, &text));
    auto address = ParseHostPort(text);
    if (!address.ok()) return reader_.Error(map.PathOf(key), address.status().message());
    return *address;
  }

  // A non-empty path, made absolute against the config file's folder.
  Result<std::string> PathField(const YamlMap& map, std::string_view key) {
    std::string text;
    LOOM_RETURN_IF_ERROR(map.Read(key, &text));
    if (text.empty()) return reader_.Error(map.PathOf(key), "must not be empty");
    std::filesystem::path path(text);
    if (path.is_relative() && !base_dir_.empty()) path = std::filesystem::path(base_dir_) / path;
    return path.lexically_normal().string();
  }

  Status ParseMsp(const YamlMap& root, OrdererNodeConfig* out) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map,
                          YamlMap::Open(reader_, root.Get("msp"), root.PathOf("msp"), kMspFields));
    LOOM_RETURN_IF_ERROR(map.Require({"dir", "id"}));
    LOOM_ASSIGN_OR_RETURN(out->msp_dir, PathField(map, "dir"));
    LOOM_RETURN_IF_ERROR(map.Read("id", &out->msp_id));
    if (out->msp_id.empty()) return reader_.Error(map.PathOf("id"), "must not be empty");
    return Status::Ok();
  }

  Status ParseTls(const YamlMap& root, TlsSettings* tls) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map,
                          YamlMap::Open(reader_, root.Get("tls"), root.PathOf("tls"), kTlsFields));
    LOOM_RETURN_IF_ERROR(map.Read("enabled", &tls->enabled));
    if (map.Has("cert")) {
      LOOM_ASSIGN_OR_RETURN(tls->cert_file, PathField(map, "cert"));
    }
    if (map.Has("key")) {
      LOOM_ASSIGN_OR_RETURN(tls->key_file, PathField(map, "key"));
    }
    if (map.Has("client_ca")) {
      LOOM_ASSIGN_OR_RETURN(tls->client_ca_file, PathField(map, "client_ca"));
    }
    if (tls->enabled) {
      if (tls->cert_file.empty()) return reader_.Error(map.path(), "TLS is enabled but 'cert' is missing");
      if (tls->key_file.empty()) return reader_.Error(map.path(), "TLS is enabled but 'key' is missing");
    }
    return Status::Ok();
  }

  Status ParseLimits(const YamlMap& root, NodeLimits* limits) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map,
                          YamlMap::Open(reader_, root.Get("limits"), root.PathOf("limits"), kLimitFields));
    LOOM_RETURN_IF_ERROR(map.Read("max_concurrent_streams", &limits->max_concurrent_streams));
    if (limits->max_concurrent_streams == 0) {
      return reader_.Error(map.PathOf("max_concurrent_streams"), "must be at least 1");
    }
    LOOM_RETURN_IF_ERROR(map.ReadByteSize("max_message_size", &limits->max_message_bytes));
    // gRPC takes the limit as an int.
    if (limits->max_message_bytes < 1024 || limits->max_message_bytes > INT32_MAX) {
      return reader_.Error(map.PathOf("max_message_size"), "must be between 1KB and 2GB");
    }
    LOOM_RETURN_IF_ERROR(map.Read("shutdown_grace", &limits->shutdown_grace));
    return Status::Ok();
  }

  YamlReader reader_;
  std::string base_dir_;
};

}  // namespace

std::string HostPort::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> ParseHostPort(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not host:port");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Status::InvalidArgument("'" + std::string(text) + "': write an IPv6 host in brackets, [::1]:7050");
  }
  if (host.empty()) return Status::InvalidArgument("'" + std::string(text) + "' has no host");
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return Status::InvalidArgument("'" + std::string(text) + "': the port must be a number from 0 to 65535");
  }
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

Result<OrdererNodeConfig> ParseOrdererConfig(std::string_view text, const std::string& source_name,
                                             const std::string& base_dir) {
  config::SourceMap sources(source_name);
  LOOM_ASSIGN_OR_RETURN(YAML::Node root, config::LoadSingleDocument(text, sources));
  OrdererNodeConfig out;
  Parser parser(&sources, base_dir);
  try {
    LOOM_RETURN_IF_ERROR(parser.Parse(root, &out));
  } catch (const std::exception& error) {
    // yaml-cpp should not throw for the reads above; keep the promise anyway.
    return Status::InvalidArgument(source_name + ": " + error.what());
  }
  return out;
}

Result<OrdererNodeConfig> LoadOrdererConfigFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().IsNotFound()) return Status::NotFound("config file " + path + " does not exist");
    return text.status();
  }
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  if (base_dir.empty()) base_dir = ".";
  return ParseOrdererConfig(*text, path, base_dir);
}

}  // namespace loom::orderer
