#include "core/peer/peer_config.h"

#include <algorithm>
#include <array>
#include <set>
#include <thread>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "core/config/yaml_reader.h"
#include "core/orderer/node_config_common.h"

namespace loom::peer {
namespace {

using config::YamlMap;
using config::YamlReader;
using orderer::NodeConfigFile;
using orderer::NodeConfigReader;

const std::vector<std::string> kRootFields = {
    "name",     "listen_address", "chaincode_address", "operations_address", "tls",       "msp",
    "data_dir", "orderers",       "orderer_tls",       "validation",         "chaincode", "chaincodes",
    "limits"};
const std::vector<std::string> kOrdererTlsFields = {"root_ca", "client_cert", "client_key"};
const std::vector<std::string> kValidationFields = {"workers"};
const std::vector<std::string> kChaincodeFields = {"execute_timeout", "startup_timeout"};
const std::vector<std::string> kLaunchFields = {"name", "type", "path", "address"};

constexpr std::array<std::pair<ChaincodeType, std::string_view>, 3> kChaincodeTypes = {{
    {ChaincodeType::kNative, "native"},
    {ChaincodeType::kNode, "node"},
    {ChaincodeType::kCcaas, "ccaas"},
}};

class Parser {
 public:
  explicit Parser(const NodeConfigReader& node) : node_(node), reader_(node.yaml()) {}

  Status Parse(const YAML::Node& root, PeerNodeConfig* out) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root, "", kRootFields));
    LOOM_RETURN_IF_ERROR(map.Require({"name", "listen_address", "chaincode_address", "msp", "data_dir"}));
    LOOM_RETURN_IF_ERROR(node_.ReadName(map, &out->name));
    LOOM_ASSIGN_OR_RETURN(out->listen_address, node_.Address(map, "listen_address"));
    LOOM_ASSIGN_OR_RETURN(out->chaincode_address, node_.Address(map, "chaincode_address"));
    LOOM_RETURN_IF_ERROR(node_.ReadOptionalAddress(map, "operations_address", &out->operations_address));
    LOOM_ASSIGN_OR_RETURN(out->data_dir, node_.PathField(map, "data_dir"));
    LOOM_RETURN_IF_ERROR(node_.ReadMsp(map, &out->msp_dir, &out->msp_id));
    LOOM_RETURN_IF_ERROR(node_.ReadTls(map, &out->tls));
    if (map.Has("orderers")) LOOM_RETURN_IF_ERROR(ParseOrderers(map, &out->orderers));
    if (map.Has("orderer_tls")) LOOM_RETURN_IF_ERROR(ParseOrdererTls(map, &out->orderer_tls));
    LOOM_RETURN_IF_ERROR(ParseValidation(map, out));
    if (map.Has("chaincode")) LOOM_RETURN_IF_ERROR(ParseChaincodeTimeouts(map, out));
    if (map.Has("chaincodes")) LOOM_RETURN_IF_ERROR(ParseChaincodes(map, &out->chaincodes));
    LOOM_RETURN_IF_ERROR(node_.ReadLimits(map, &out->limits));
    return Status::Ok();
  }

 private:
  Status ParseOrderers(const YamlMap& root, std::vector<HostPort>* orderers) {
    return reader_.ForEachItem(root.Get("orderers"), root.PathOf("orderers"),
                               [&](const YAML::Node& item, const std::string& path) -> Status {
                                 LOOM_ASSIGN_OR_RETURN(std::string text, reader_.String(item, path));
                                 LOOM_ASSIGN_OR_RETURN(HostPort address, node_.AddressText(text, path));
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
    LOOM_ASSIGN_OR_RETURN(tls->root_ca_file, node_.PathField(map, "root_ca"));
    if (map.Has("client_cert") != map.Has("client_key")) {
      return reader_.Error(map.path(), "'client_cert' and 'client_key' go together");
    }
    if (map.Has("client_cert")) {
      LOOM_ASSIGN_OR_RETURN(tls->client_cert_file, node_.PathField(map, "client_cert"));
      LOOM_ASSIGN_OR_RETURN(tls->client_key_file, node_.PathField(map, "client_key"));
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
            LOOM_ASSIGN_OR_RETURN(launch.address, node_.Address(map, "address"));
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
            LOOM_ASSIGN_OR_RETURN(launch.path, node_.PathField(map, "path"));
          }
          chaincodes->push_back(std::move(launch));
          return Status::Ok();
        });
  }

  const NodeConfigReader& node_;
  const YamlReader& reader_;
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
  PeerNodeConfig out;
  LOOM_RETURN_IF_ERROR(orderer::ParseNodeConfigText(
      text, source_name, base_dir, [&](const NodeConfigReader& reader, const YAML::Node& root) {
        return Parser(reader).Parse(root, &out);
      }));
  return out;
}

Result<PeerNodeConfig> LoadPeerConfigFile(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(NodeConfigFile file, orderer::ReadNodeConfigFile(path));
  return ParsePeerConfig(file.text, path, file.base_dir);
}

}  // namespace loom::peer
