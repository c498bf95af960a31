#include "core/orderer/node_config_common.h"

#include <charconv>
#include <exception>
#include <filesystem>
#include <vector>

#include "core/config/yaml_document.h"
#include "core/util/file_util.h"

namespace loom::orderer {
namespace {

using config::YamlMap;

const std::vector<std::string> kTlsFields = {"enabled", "cert", "key", "client_ca"};
const std::vector<std::string> kMspFields = {"dir", "id"};
const std::vector<std::string> kLimitFields = {"max_concurrent_streams", "max_message_size",
                                               "shutdown_grace"};

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

Status NodeConfigReader::ReadName(const YamlMap& root, std::string* name) const {
  LOOM_RETURN_IF_ERROR(root.Read("name", name));
  if (name->empty()) return reader_.Error(root.PathOf("name"), "must not be empty");
  return Status::Ok();
}

Result<HostPort> NodeConfigReader::AddressText(const std::string& text, const std::string& path) const {
  auto address = ParseHostPort(text);
  if (!address.ok()) return reader_.Error(path, address.status().message());
  return *address;
}

Result<HostPort> NodeConfigReader::Address(const YamlMap& map, std::string_view key) const {
  std::string text;
  LOOM_RETURN_IF_ERROR(map.Read(key, &text));
  return AddressText(text, map.PathOf(key));
}

Status NodeConfigReader::ReadOptionalAddress(const YamlMap& map, std::string_view key,
                                             std::optional<HostPort>* address) const {
  if (!map.Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*address, Address(map, key));
  return Status::Ok();
}

Result<std::string> NodeConfigReader::PathField(const YamlMap& map, std::string_view key) const {
  std::string text;
  LOOM_RETURN_IF_ERROR(map.Read(key, &text));
  if (text.empty()) return reader_.Error(map.PathOf(key), "must not be empty");
  std::filesystem::path path(text);
  if (path.is_relative() && !base_dir_.empty()) path = std::filesystem::path(base_dir_) / path;
  return path.lexically_normal().string();
}

Status NodeConfigReader::ReadMsp(const YamlMap& root, std::string* msp_dir, std::string* msp_id) const {
  LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root.Get("msp"), root.PathOf("msp"), kMspFields));
  LOOM_RETURN_IF_ERROR(map.Require({"dir", "id"}));
  LOOM_ASSIGN_OR_RETURN(*msp_dir, PathField(map, "dir"));
  LOOM_RETURN_IF_ERROR(map.Read("id", msp_id));
  if (msp_id->empty()) return reader_.Error(map.PathOf("id"), "must not be empty");
  return Status::Ok();
}

Status NodeConfigReader::ReadTls(const YamlMap& root, TlsSettings* tls) const {
  if (!root.Has("tls")) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root.Get("tls"), root.PathOf("tls"), kTlsFields));
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

Status NodeConfigReader::ReadLimits(const YamlMap& root, NodeLimits* limits) const {
  if (!root.Has("limits")) return Status::Ok();
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

Status ParseNodeConfigText(std::string_view text, const std::string& source_name, const std::string& base_dir,
                           const NodeConfigParse& parse) {
  config::SourceMap sources(source_name);
  LOOM_ASSIGN_OR_RETURN(YAML::Node root, config::LoadSingleDocument(text, sources));
  NodeConfigReader reader(&sources, base_dir);
  try {
    return parse(reader, root);
  } catch (const std::exception& error) {
    // yaml-cpp should not throw for the reads the parsers make; keep the promise anyway.
    return Status::InvalidArgument(source_name + ": " + error.what());
  }
}

Result<NodeConfigFile> ReadNodeConfigFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().IsNotFound()) return Status::NotFound("config file " + path + " does not exist");
    return text.status();
  }
  NodeConfigFile file{std::move(*text), std::filesystem::path(path).parent_path().string()};
  if (file.base_dir.empty()) file.base_dir = ".";
  return file;
}

}  // namespace loom::orderer
