#include "app/lab/endpoints.h"

#include <algorithm>

namespace loom::lab {
namespace {

template <typename Node>
std::vector<const Node*> NodesOf(const std::vector<Node>& nodes, const std::string& channel) {
  std::vector<const Node*> out;
  for (const Node& node : nodes) {
    if (std::find(node.channels.begin(), node.channels.end(), channel) != node.channels.end()) {
      out.push_back(&node);
    }
  }
  return out;
}

}  // namespace

std::vector<const PeerEndpoint*> NetworkEndpoints::PeersOf(const std::string& channel) const {
  return NodesOf(peers, channel);
}

std::vector<const OrdererEndpoint*> NetworkEndpoints::OrderersOf(const std::string& channel) const {
  return NodesOf(orderers, channel);
}

}  // namespace loom::lab
