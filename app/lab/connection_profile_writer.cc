#include "app/lab/connection_profile_writer.h"

#include <yaml-cpp/yaml.h>

#include "core/cryptogen/layout.h"

namespace loom::lab {
namespace {

using nlohmann::ordered_json;

ordered_json NodeEntry(const NodeSpec& node) {
  ordered_json entry;
  entry["url"] = "grpc://" + node.listen_address;
  entry["grpcOptions"] = {{"ssl-target-name-override", node.info.fqdn},
                          {"hostnameOverride", node.info.fqdn},
                          {"grpc.keepalive_time_ms", 120000}};
  return entry;
}

void EmitYaml(YAML::Emitter& out, const ordered_json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, child] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      EmitYaml(out, child);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& child : value) EmitYaml(out, child);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_boolean()) {
    out << value.get<bool>();
  } else if (value.is_number_integer()) {
    out << value.get<int64_t>();
  } else if (value.is_number()) {
    out << value.get<double>();
  } else {
    out << YAML::Null;
  }
}

}  // namespace

ordered_json ConnectionProfile(const Workspace& workspace) {
  const config::Scenario& scenario = workspace.scenario();
  ordered_json profile;
  profile["name"] = scenario.network;
  profile["description"] = "Loom workspace " + workspace.dir();
  profile["version"] = "1.0.0";

  std::string client_org;
  for (const config::Org& org : scenario.orgs) {
    if (!org.peers.empty()) {
      client_org = org.name;
      break;
    }
  }
  profile["client"] = {{"organization", client_org},
                       {"connection", {{"timeout", {{"peer", {{"endorser", "300"}}}, {"orderer", "300"}}}}}};

  ordered_json organizations = ordered_json::object();
  for (const config::Org& org : scenario.orgs) {
    ordered_json entry;
    entry["mspid"] = org.mspid;
    ordered_json peers = ordered_json::array();
    ordered_json orderers = ordered_json::array();
    for (const NodeSpec& node : workspace.nodes()) {
      if (node.info.org != org.name) continue;
      (node.info.kind == config::NodeKind::kPeer ? peers : orderers).push_back(node.info.fqdn);
    }
    entry["peers"] = peers;
    if (!orderers.empty()) entry["orderers"] = orderers;
    const std::string admin = cryptogen::UserFolder(workspace.crypto_dir(), org, "Admin") + "/msp";
    entry["adminPrivateKey"] = {{"path", admin + "/keystore/priv_sk"}};
    entry["signedCert"] = {
        {"path", admin + "/signcerts/" + cryptogen::UserName("Admin", org.domain) + "-cert.pem"}};
    organizations[org.name] = entry;
  }
  profile["organizations"] = organizations;

  ordered_json peers = ordered_json::object();
  ordered_json orderers = ordered_json::object();
  for (const NodeSpec& node : workspace.nodes()) {
    (node.info.kind == config::NodeKind::kPeer ? peers : orderers)[node.info.fqdn] = NodeEntry(node);
  }
  profile["orderers"] = orderers;
  profile["peers"] = peers;

  ordered_json channels = ordered_json::object();
  for (const config::Channel& channel : scenario.channels) {
    ordered_json entry;
    ordered_json channel_orderers = ordered_json::array();
    ordered_json channel_peers = ordered_json::object();
    for (const NodeSpec& node : workspace.nodes()) {
      bool member = false;
      for (const std::string& name : node.channels) member = member || name == channel.name;
      if (!member) continue;
      if (node.info.kind == config::NodeKind::kOrderer) {
        channel_orderers.push_back(node.info.fqdn);
      } else {
        channel_peers[node.info.fqdn] = {
            {"endorsingPeer", true}, {"chaincodeQuery", true}, {"ledgerQuery", true}, {"eventSource", true}};
      }
    }
    entry["orderers"] = channel_orderers;
    entry["peers"] = channel_peers;
    channels[channel.name] = entry;
  }
  profile["channels"] = channels;
  return profile;
}

std::string ConnectionProfileYaml(const Workspace& workspace) {
  YAML::Emitter out;
  EmitYaml(out, ConnectionProfile(workspace));
  return "# Fabric common connection profile of a Loom workspace (plaintext gRPC).\n" +
         std::string(out.c_str()) + "\n";
}

std::string ConnectionProfileJson(const Workspace& workspace) {
  return ConnectionProfile(workspace).dump(2) + "\n";
}

}  // namespace loom::lab
