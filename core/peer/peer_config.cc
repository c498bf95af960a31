#include "core/peer/peer_config.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>
#include <thread>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "core/config/source_map.h"
#include "core/config/yaml_document.h"
#include "core/config/yaml_reader.h"
#include "core/util/file_util.h"

namespace loom::peer {
namespace {

using config::YamlMap;
using config::YamlReader;

const std::vector<std::string> kRootFields = {
    "name",     "listen_address", "chaincode_address", "operations_address", "tls",       "msp",
    "data_dir", "orderers",       "orderer_tls",       "validation",         "chaincode", "chaincodes",
    "limits"};
const std::vector<std::string> kTlsFields = {"enabled", "cert", "key", "client_ca"};
const std::vector<std::string> kMspFields = {"dir", "id"};
const std::vector<std::string> kOrdererTlsFields = {"root_ca", "client_cert", "client_key"};
const std::vector<std::string> kValidationFields = {"workers"};
const std::vector<std::string> kChaincodeFields = {"execute_timeout", "startup_timeout"};
const std::vector<std::string> kLaunchFields = {"name", "type", "path", "address"};
const std::vector<std::string> kLimitFields = {"max_concurrent_streams", "max_message_size",
                                               "shutdown_grace"};

constexpr std::array<std::pair<ChaincodeType, std::string_view>, 3> kChaincodeTypes = {{
    {ChaincodeType::kNative, "native"},
    {ChaincodeType::kNode, "node"},
    {ChaincodeType::kCcaas, "ccaas"},
}};

class Parser {
 public:
  Parser(config::SourceMap* sources, std::string base_dir)
      : reader_(sources), base_dir_(std::move(base_dir)) {}

  Status Parse(const YAML::Node& root, PeerNodeConfig* out) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root, "", kRootFields));
    LOOM_RETURN_IF_ERROR(map.Require({"name", "listen_address", "chaincode_address", "msp", "data_dir"}));
    LOOM_RETURN_IF_ERROR(map.Read("name", &out->name));
    if (out->name.empty()) return reader_.Error("name", "must not be empty");
    LOOM_ASSIGN_OR_RETURN(out->listen_address, Address(map, "listen_address"));
    LOOM_ASSIGN_OR_RETURN(out->chaincode_address, Address(map, "chaincode_address"));
    if (map.Has("operations_address")) {
      LOOM_ASSIGN_OR_RETURN(out->operations_address, Address(map, "operations_address"));
    }
    LOOM_ASSIGN_OR_RETURN(out->data_dir, PathField(map, "data_dir"));
    LOOM_RETURN_IF_ERROR(ParseMsp(map, out));
    if (map.Has("tls")) LOOM_RETURN_IF_ERROR(ParseTls(map, &out->tls));
    if (map.Has("orderers")) LOOM_RETURN_IF_ERROR(ParseOrderers(map, &out->orderers));
    if (map.Has("orderer_tls")) LOOM_RETURN_IF_ERROR(ParseOrdererTls(map, &out->orderer_tls));
    LOOM_RETURN_IF_ERROR(ParseValidation(map, out));
    if (map.Has("chaincode")) LOOM_RETURN_IF_ERROR(ParseChaincodeTimeouts(map, out));
    if (map.Has("chaincodes")) LOOM_RETURN_IF_ERROR(ParseChaincodes(map, &out->chaincodes));
    if (map.Has("limits")) LOOM_RETURN_IF_ERROR(ParseLimits(map, &out->limits));
    return Status::Ok();
  }

 private:
  Result<HostPort> AddressText(const std::string& text, const std::string& path) {
    auto address = orderer::ParseHostPort(text);
    if (!address.ok()) return reader_.Error(path, address.status().message());
    return *address;
  }

  Result<HostPort> Address(const YamlMap& map, std::string_view key) {
    std::string text;
    LOOM_RETURN_IF_ERROR(map.Read(key, &text));
    return AddressText(text, map.PathOf(key));
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

  Status ParseMsp(const YamlMap& root, PeerNodeConfig* out) {
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

  Status ParseOrderers(const YamlMap& root, std::vector<HostPort>* orderers) {
    return reader_.ForEachItem(root.Get("orderers"), root.PathOf("orderers"),
                               [&](const YAML::Node& item, const std::string& path) -> Status {
                                 LOOM_ASSIGN_OR_RETURN(std::string text, reader_.String(item, path));
                                 LOOM_ASSIGN_OR_RETURN(HostPort address, AddressText(text, path));
                                 if (address.port == 0)
                                   return reader_.Error(path, "an orderer's port cannot be 0");
                                 orderers->push_back(std::move(address));
                                 return Status::Ok();
                               });
  }

  Status ParseOrdererTls(const YamlMap& root, OrdererTlsSettings* tls) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root.Get("orderer_tls"),
                                                     root.PathOf("orderer_tls"), kOrdererTlsFields));
    LOOM_RETURN_IF_ERROR(map.Require({"root_ca"}));
    LOOM_ASSIGN_OR_RETURN(tls->root_ca_file, PathField(map, "root_ca"));
    if (map.Has("client_cert") != map.Has("client_key")) {
      return reader_.Error(map.path(), "'client_cert' and 'client_key' go together");
    }
    if (map.Has("client_cert")) {
      LOOM_ASSIGN_OR_RETURN(tls->client_cert_file, PathField(map, "client_cert"));
      LOOM_ASSIGN_OR_RETURN(tls->client_key_file, PathField(map, "client_key"));
    }
    return Status::Ok();
  }

  Status ParseValidation(const YamlMap& root, PeerNodeConfig* out) {
    out->validation_workers = 0;
    if (root.Has("validation")) {
      LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root.Get("validation"),
                                                       root.PathOf("validation"), kValidationFields));
      LOOM_RETURN_IF_ERROR(map.Read("workers", &out->validation_workers));
      if (map.Has("workers") && (out->validation_workers == 0 || out->validation_workers > 1024)) {
        return reader_.Error(map.PathOf("workers"), "must be between 1 and 1024");
      }
    }
    if (out->validation_workers == 0)
      out->validation_workers = std::max(1u, std::thread::hardware_concurrency());
    return Status::Ok();
  }

  Status ParseChaincodeTimeouts(const YamlMap& root, PeerNodeConfig* out) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root.Get("chaincode"), root.PathOf("chaincode"),
                                                     kChaincodeFields));
    LOOM_RETURN_IF_ERROR(map.Read("execute_timeout", &out->execute_timeout));
    if (out->execute_timeout.count() <= 0) {
      return reader_.Error(map.PathOf("execute_timeout"), "must be longer than 0");
    }
    LOOM_RETURN_IF_ERROR(map.Read("startup_timeout", &out->startup_timeout));
    if (out->startup_timeout.count() <= 0) {
      return reader_.Error(map.PathOf("startup_timeout"), "must be longer than 0");
    }
    return Status::Ok();
  }

  Status ParseChaincodes(const YamlMap& root, std::vector<ChaincodeLaunch>* chaincodes) {
    std::set<std::string> names;
    return reader_.ForEachItem(
        root.Get("chaincodes"), root.PathOf("chaincodes"),
        [&](const YAML::Node& item, const std::string& path) -> Status {
          LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, item, path, kLaunchFields));
          LOOM_RETURN_IF_ERROR(map.Require({"name", "type"}));
          ChaincodeLaunch launch;
          LOOM_RETURN_IF_ERROR(map.Read("name", &launch.name));
          if (launch.name.empty()) return reader_.Error(map.PathOf("name"), "must not be empty");
          if (!names.insert(launch.name).second) {
            return reader_.Error(map.PathOf("name"), "chaincode '" + launch.name + "' is listed twice");
          }
          LOOM_RETURN_IF_ERROR(map.ReadEnum("type", kChaincodeTypes, &launch.type));
          if (launch.type == ChaincodeType::kCcaas) {
            LOOM_RETURN_IF_ERROR(map.Forbid("path", "a ccaas chaincode is reached at its 'address'"));
            if (!map.Has("address")) return reader_.Error(map.path(), "a ccaas chaincode needs an 'address'");
            LOOM_ASSIGN_OR_RETURN(launch.address, Address(map, "address"));
            if (launch.address->port == 0)
              return reader_.Error(map.PathOf("address"), "the port cannot be 0");
          } else {
            LOOM_RETURN_IF_ERROR(map.Forbid(
                "address", "only a ccaas chaincode has an address; this one is launched from 'path'"));
            if (!map.Has("path")) {
              return reader_.Error(map.path(), std::string("a ") +
                                                   std::string(ChaincodeTypeName(launch.type)) +
                                                   " chaincode needs a 'path'");
            }
            LOOM_ASSIGN_OR_RETURN(launch.path, PathField(map, "path"));
          }
          chaincodes->push_back(std::move(launch));
          return Status::Ok();
        });
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

std::string_view ChaincodeTypeName(ChaincodeType type) {
  for (const auto& [value, name] : kChaincodeTypes) {
    if (value == type) return name;
  }
  return "unknown";
}

Result<PeerNodeConfig> ParsePeerConfig(std::string_view text, const std::string& source_name,
                                       const std::string& base_dir) {
  config::SourceMap sources(source_name);
  LOOM_ASSIGN_OR_RETURN(YAML::Node root, config::LoadSingleDocument(text, sources));
  PeerNodeConfig out;
  Parser parser(&sources, base_dir);
  try {
    LOOM_RETURN_IF_ERROR(parser.Parse(root, &out));
  } catch (const std::exception& error) {
    // yaml-cpp should not throw for the reads above; keep the promise anyway.
    return Status::InvalidArgument(source_name + ": " + error.what());
  }
  return out;
}

Result<PeerNodeConfig> LoadPeerConfigFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().IsNotFound()) return Status::NotFound("config file " + path + " does not exist");
    return text.status();
  }
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  if (base_dir.empty()) base_dir = ".";
  return ParsePeerConfig(*text, path, base_dir);
}

}  // namespace loom::peer
