#include "core/msp/msp_config_yaml.h"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>

namespace loom::msp {
namespace {

// Turns yaml-cpp's exceptions and type errors into one positioned message.
class YamlReader {
 public:
  explicit YamlReader(std::string_view file_name) : file_name_(file_name) {}

  Status Error(const YAML::Mark& mark, const std::string& what) const {
    if (mark.is_null()) return Status::InvalidArgument(file_name_ + ": " + what);
    return Status::InvalidArgument(file_name_ + ":" + std::to_string(mark.line + 1) + ":" +
                                   std::to_string(mark.column + 1) + ": " + what);
  }

  Status ExpectMap(const YAML::Node& node, const std::string& path,
                   std::initializer_list<const char*> known_keys) const {
    if (!node.IsMap()) return Error(node.Mark(), path + ": expected a mapping");
    for (const auto& item : node) {
      if (!item.first.IsScalar()) return Error(item.first.Mark(), path + ": keys must be strings");
      std::string key = item.first.Scalar();
      bool known = false;
      std::string expected;
      for (const char* candidate : known_keys) {
        known = known || key == candidate;
        expected += (expected.empty() ? "" : ", ") + std::string(candidate);
      }
      if (!known) {
        return Error(item.first.Mark(),
                     path + ": unknown key '" + key + "' (expected one of " + expected + ")");
      }
    }
    return Status::Ok();
  }

  Result<std::string> String(const YAML::Node& node, const std::string& path) const {
    if (!node || node.IsNull()) return std::string();
    if (!node.IsScalar()) return Error(node.Mark(), path + ": expected a string");
    return node.Scalar();
  }

  Result<bool> Bool(const YAML::Node& node, const std::string& path) const {
    if (!node || node.IsNull()) return false;
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      return Error(node.Mark(), path + ": expected true or false");
    }
    return value;
  }

  Result<OuIdentifierEntry> OuIdentifier(const YAML::Node& node, const std::string& path) const {
    LOOM_RETURN_IF_ERROR(ExpectMap(node, path, {"Certificate", "OrganizationalUnitIdentifier"}));
    OuIdentifierEntry entry;
    LOOM_ASSIGN_OR_RETURN(entry.certificate, String(node["Certificate"], path + ".Certificate"));
    LOOM_ASSIGN_OR_RETURN(
        entry.organizational_unit_identifier,
        String(node["OrganizationalUnitIdentifier"], path + ".OrganizationalUnitIdentifier"));
    return entry;
  }

  // A NodeOU identifier; absent or with an empty OU means "not configured".
  Result<std::optional<OuIdentifierEntry>> NodeOu(const YAML::Node& parent, const char* key) const {
    YAML::Node node = parent[key];
    if (!node || node.IsNull()) return std::optional<OuIdentifierEntry>();
    LOOM_ASSIGN_OR_RETURN(OuIdentifierEntry entry, OuIdentifier(node, std::string("NodeOUs.") + key));
    if (entry.organizational_unit_identifier.empty()) return std::optional<OuIdentifierEntry>();
    return std::optional<OuIdentifierEntry>(std::move(entry));
  }

  Result<MspConfigYaml> Document(const YAML::Node& root) const {
    MspConfigYaml config;
    if (!root || root.IsNull()) return config;
    LOOM_RETURN_IF_ERROR(ExpectMap(root, "config", {"OrganizationalUnitIdentifiers", "NodeOUs"}));
    if (YAML::Node list = root["OrganizationalUnitIdentifiers"]; list && !list.IsNull()) {
      if (!list.IsSequence()) return Error(list.Mark(), "OrganizationalUnitIdentifiers: expected a list");
      for (size_t i = 0; i < list.size(); ++i) {
        std::string path = "OrganizationalUnitIdentifiers[" + std::to_string(i) + "]";
        LOOM_ASSIGN_OR_RETURN(OuIdentifierEntry entry, OuIdentifier(list[i], path));
        if (entry.certificate.empty()) return Error(list[i].Mark(), path + ".Certificate: missing");
        if (entry.organizational_unit_identifier.empty()) {
          return Error(list[i].Mark(), path + ".OrganizationalUnitIdentifier: missing");
        }
        config.organizational_unit_identifiers.push_back(std::move(entry));
      }
    }
    YAML::Node node_ous = root["NodeOUs"];
    if (!node_ous || node_ous.IsNull()) return config;
    LOOM_RETURN_IF_ERROR(ExpectMap(
        node_ous, "NodeOUs",
        {"Enable", "ClientOUIdentifier", "PeerOUIdentifier", "AdminOUIdentifier", "OrdererOUIdentifier"}));
    LOOM_ASSIGN_OR_RETURN(config.node_ous_enabled, Bool(node_ous["Enable"], "NodeOUs.Enable"));
    LOOM_ASSIGN_OR_RETURN(config.client_ou, NodeOu(node_ous, "ClientOUIdentifier"));
    LOOM_ASSIGN_OR_RETURN(config.peer_ou, NodeOu(node_ous, "PeerOUIdentifier"));
    LOOM_ASSIGN_OR_RETURN(config.admin_ou, NodeOu(node_ous, "AdminOUIdentifier"));
    LOOM_ASSIGN_OR_RETURN(config.orderer_ou, NodeOu(node_ous, "OrdererOUIdentifier"));
    return config;
  }

 private:
  std::string file_name_;
};

}  // namespace

Result<MspConfigYaml> ParseMspConfigYaml(std::string_view text, std::string_view file_name) {
  YamlReader reader(file_name);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return reader.Document(root);
  } catch (const YAML::Exception& error) {
    return reader.Error(error.mark, error.msg);
  } catch (const std::exception& error) {
    return Status::InvalidArgument(std::string(file_name) + ": " + error.what());
  }
}

std::string NodeOusConfigYaml(std::string_view ca_certificate_path) {
  std::string path(ca_certificate_path);
  std::string text = "NodeOUs:\n  Enable: true\n";
  for (const auto& [key, ou] :
       {std::pair{"ClientOUIdentifier", "client"}, std::pair{"PeerOUIdentifier", "peer"},
        std::pair{"AdminOUIdentifier", "admin"}, std::pair{"OrdererOUIdentifier", "orderer"}}) {
    text += std::string("  ") + key + ":\n    Certificate: " + path +
            "\n    OrganizationalUnitIdentifier: " + ou + "\n";
  }
  return text;
}

}  // namespace loom::msp
