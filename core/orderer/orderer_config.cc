#include "core/orderer/orderer_config.h"

#include <vector>

#include "core/config/yaml_reader.h"

namespace loom::orderer {
namespace {

using config::YamlMap;

const std::vector<std::string> kRootFields = {
    "name", "listen_address", "tls", "msp", "data_dir", "operations_address", "cluster_address", "limits"};

Status ParseRoot(const NodeConfigReader& reader, const YAML::Node& root, OrdererNodeConfig* out) {
  LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader.yaml(), root, "", kRootFields));
  LOOM_RETURN_IF_ERROR(map.Require({"name", "listen_address", "msp", "data_dir"}));
  LOOM_RETURN_IF_ERROR(reader.ReadName(map, &out->name));
  LOOM_ASSIGN_OR_RETURN(out->listen_address, reader.Address(map, "listen_address"));
  LOOM_RETURN_IF_ERROR(reader.ReadOptionalAddress(map, "operations_address", &out->operations_address));
  LOOM_RETURN_IF_ERROR(reader.ReadOptionalAddress(map, "cluster_address", &out->cluster_address));
  LOOM_ASSIGN_OR_RETURN(out->data_dir, reader.PathField(map, "data_dir"));
  LOOM_RETURN_IF_ERROR(reader.ReadMsp(map, &out->msp_dir, &out->msp_id));
  LOOM_RETURN_IF_ERROR(reader.ReadTls(map, &out->tls));
  LOOM_RETURN_IF_ERROR(reader.ReadLimits(map, &out->limits));
  return Status::Ok();
}

}  // namespace

Result<OrdererNodeConfig> ParseOrdererConfig(std::string_view text, const std::string& source_name,
                                             const std::string& base_dir) {
  OrdererNodeConfig out;
  LOOM_RETURN_IF_ERROR(ParseNodeConfigText(
      text, source_name, base_dir,
      [&](const NodeConfigReader& reader, const YAML::Node& root) { return ParseRoot(reader, root, &out); }));
  return out;
}

Result<OrdererNodeConfig> LoadOrdererConfigFile(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(NodeConfigFile file, ReadNodeConfigFile(path));
  return ParseOrdererConfig(file.text, path, file.base_dir);
}

}  // namespace loom::orderer
