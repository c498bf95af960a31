#include "app/lab/connection_profile_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/util/file_util.h"

namespace loom::lab {
namespace {

std::string Scalar(const YAML::Node& node) {
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

Result<client::Endpoint> ReadNode(const YAML::Node& node, const std::string& where,
                                  const std::string& base_dir) {
  if (!node.IsMap()) return Status::InvalidArgument(where + ": expected a map");
  std::string url = Scalar(node["url"]);
  if (url.empty()) return Status::InvalidArgument(where + ".url: missing");
  client::Endpoint endpoint;
  bool tls = false;
  if (url.rfind("grpcs://", 0) == 0) {
    tls = true;
    endpoint.address = url.substr(8);
  } else if (url.rfind("grpc://", 0) == 0) {
    endpoint.address = url.substr(7);
  } else if (url.find("://") != std::string::npos) {
    return Status::InvalidArgument(where + ".url: '" + url + "' is neither grpc:// nor grpcs://");
  } else {
    endpoint.address = url;
  }
  if (endpoint.address.find(':') == std::string::npos)
    return Status::InvalidArgument(where + ".url: '" + url + "' has no port");
  YAML::Node ca = node["tlsCACerts"];
  if (ca && ca.IsMap()) {
    std::string pem = Scalar(ca["pem"]);
    if (pem.empty() && !Scalar(ca["path"]).empty()) {
      std::filesystem::path path = Scalar(ca["path"]);
      if (path.is_relative()) path = std::filesystem::path(base_dir) / path;
      Result<std::string> read = ReadFile(path.string());
      if (!read.ok()) return read.status().WithContext(where + ".tlsCACerts.path");
      pem = *read;
    }
    if (tls) endpoint.tls_root_certs_pem = pem;
  }
  if (tls && endpoint.tls_root_certs_pem.empty())
    return Status::InvalidArgument(where + ": grpcs:// needs tlsCACerts (pem or path)");
  YAML::Node options = node["grpcOptions"];
  if (options && options.IsMap()) {
    endpoint.tls_server_name = Scalar(options["ssl-target-name-override"]);
    if (endpoint.tls_server_name.empty()) endpoint.tls_server_name = Scalar(options["hostnameOverride"]);
  }
  return endpoint;
}

// Names listed under `node`: a sequence of names, or a map keyed by name.
std::vector<std::string> Names(const YAML::Node& node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) out.push_back(Scalar(item));
  } else if (node.IsMap()) {
    for (const auto& item : node) out.push_back(item.first.as<std::string>());
  }
  return out;
}

template <typename Node>
void AddChannel(std::vector<Node>& nodes, const std::string& name, const std::string& channel) {
  for (Node& node : nodes) {
    if (node.name == name &&
        std::find(node.channels.begin(), node.channels.end(), channel) == node.channels.end())
      node.channels.push_back(channel);
  }
}

Result<NetworkEndpoints> Parse(const YAML::Node& root, const std::string& name, const std::string& base_dir) {
  if (!root.IsMap()) return Status::InvalidArgument(name + ": not a connection profile (expected a map)");
  YAML::Node organizations = root["organizations"];
  if (!organizations || !organizations.IsMap() || organizations.size() == 0)
    return Status::InvalidArgument(name + ": organizations: missing");
  // node name -> (org, mspid)
  std::map<std::string, std::pair<std::string, std::string>> owner;
  for (const auto& org : organizations) {
    std::string org_name = org.first.as<std::string>();
    std::string where = name + ": organizations." + org_name;
    if (!org.second.IsMap()) return Status::InvalidArgument(where + ": expected a map");
    std::string mspid = Scalar(org.second["mspid"]);
    if (mspid.empty()) return Status::InvalidArgument(where + ": mspid missing");
    for (const std::string& node : Names(org.second["peers"])) owner[node] = {org_name, mspid};
    for (const std::string& node : Names(org.second["orderers"])) owner[node] = {org_name, mspid};
  }

  NetworkEndpoints endpoints;
  YAML::Node peers = root["peers"];
  if (peers && !peers.IsMap()) return Status::InvalidArgument(name + ": peers: expected a map");
  for (const auto& peer : peers) {
    PeerEndpoint out;
    out.name = peer.first.as<std::string>();
    LOOM_ASSIGN_OR_RETURN(out.endpoint, ReadNode(peer.second, name + ": peers." + out.name, base_dir));
    auto found = owner.find(out.name);
    if (found == owner.end())
      return Status::InvalidArgument(name + ": peers." + out.name + ": no organization lists this peer");
    out.org = found->second.first;
    out.mspid = found->second.second;
    endpoints.peers.push_back(std::move(out));
  }
  YAML::Node orderers = root["orderers"];
  if (orderers && !orderers.IsMap()) return Status::InvalidArgument(name + ": orderers: expected a map");
  for (const auto& orderer : orderers) {
    OrdererEndpoint out;
    out.name = orderer.first.as<std::string>();
    LOOM_ASSIGN_OR_RETURN(out.endpoint, ReadNode(orderer.second, name + ": orderers." + out.name, base_dir));
    auto found = owner.find(out.name);
    if (found != owner.end()) {  // Fabric's profiles often list orderers under no org
      out.org = found->second.first;
      out.mspid = found->second.second;
    }
    endpoints.orderers.push_back(std::move(out));
  }
  if (endpoints.peers.empty()) return Status::InvalidArgument(name + ": peers: missing");

  YAML::Node channels = root["channels"];
  if (channels && !channels.IsMap()) return Status::InvalidArgument(name + ": channels: expected a map");
  for (const auto& channel : channels) {
    std::string channel_name = channel.first.as<std::string>();
    endpoints.channels.push_back(channel_name);
    if (!channel.second.IsMap()) continue;
    for (const std::string& peer : Names(channel.second["peers"])) {
      if (std::none_of(endpoints.peers.begin(), endpoints.peers.end(),
                       [&](const auto& p) { return p.name == peer; }))
        return Status::InvalidArgument(name + ": channels." + channel_name + ".peers: unknown peer " + peer);
      AddChannel(endpoints.peers, peer, channel_name);
    }
    for (const std::string& orderer : Names(channel.second["orderers"])) {
      if (std::none_of(endpoints.orderers.begin(), endpoints.orderers.end(),
                       [&](const auto& o) { return o.name == orderer; }))
        return Status::InvalidArgument(name + ": channels." + channel_name + ".orderers: unknown orderer " +
                                       orderer);
      AddChannel(endpoints.orderers, orderer, channel_name);
    }
  }
  return endpoints;
}

}  // namespace

Result<NetworkEndpoints> ParseConnectionProfile(std::string_view text, const std::string& name,
                                                const std::string& base_dir) {
  try {
    return Parse(YAML::Load(std::string(text)), name, base_dir);
  } catch (const YAML::Exception& error) {
    return Status::InvalidArgument(name + ": line " + std::to_string(error.mark.line + 1) + ", column " +
                                   std::to_string(error.mark.column + 1) + ": " + error.msg);
  }
}

Result<NetworkEndpoints> ReadConnectionProfile(const std::string& file) {
  LOOM_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  std::string base = std::filesystem::path(file).parent_path().string();
  return ParseConnectionProfile(text, file, base.empty() ? "." : base);
}

void AssumeChannel(NetworkEndpoints* endpoints, const std::string& channel) {
  if (std::find(endpoints->channels.begin(), endpoints->channels.end(), channel) == endpoints->channels.end())
    endpoints->channels.push_back(channel);
  for (PeerEndpoint& peer : endpoints->peers)
    if (peer.channels.empty()) peer.channels.push_back(channel);
  for (OrdererEndpoint& orderer : endpoints->orderers)
    if (orderer.channels.empty()) orderer.channels.push_back(channel);
}

}  // namespace loom::lab
