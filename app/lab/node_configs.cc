#include "app/lab/node_configs.h"

namespace loom::lab {
namespace {

// Double-quoted YAML scalar (paths may hold spaces or ':').
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string CommonHead(const NodeSpec& node) {
  return "# Written by the Loom workspace; ports are fixed when the workspace is created.\n"
         "name: " +
         node.info.fqdn + "\n" + "listen_address: " + node.listen_address + "\n" +
         "operations_address: " + node.operations_address + "\n" + "msp:\n  dir: " + Quoted(node.msp_dir) +
         "\n  id: " + node.info.mspid + "\n" + "data_dir: " + Quoted(node.data_dir) + "\n";
}

}  // namespace

std::string OrdererConfigYaml(const NodeSpec& orderer) {
  std::string text = CommonHead(orderer);
  if (!orderer.cluster_address.empty()) text += "cluster_address: " + orderer.cluster_address + "\n";
  return text;
}

std::string PeerConfigYaml(const NodeSpec& peer, const std::vector<std::string>& orderer_addresses,
                           unsigned validation_workers) {
  std::string text = CommonHead(peer);
  text += "chaincode_address: " + peer.chaincode_address + "\n";
  if (!orderer_addresses.empty()) {
    text += "orderers:\n";
    for (const std::string& address : orderer_addresses) text += "  - " + address + "\n";
  }
  text +=
      "validation:\n  workers: " + std::to_string(validation_workers == 0 ? 1 : validation_workers) + "\n";
  return text;
}

}  // namespace loom::lab
