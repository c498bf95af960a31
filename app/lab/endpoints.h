// Where a network's nodes listen, and who they are: what the lab's clients
// (loomctl invoke/query/blocks/explain, the trace collector, loom-bench) need
// to reach a network. A Loom workspace produces it (Workspace::Endpoints);
// so does a Fabric common connection profile (loomctl attach).
//
// Every node serves its Fabric services and loom.Observer on `endpoint`.
// Plain values; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "core/client/network_client.h"

namespace loom::lab {

struct PeerEndpoint {
  std::string name;   // FQDN, "peer0.org1.example.com"
  std::string org;    // scenario org name ("Org1"); the MSP id when unknown
  std::string mspid;  // "Org1MSP"
  client::Endpoint endpoint;
  std::string operations_address;     // "host:port" of /healthz and /metrics; empty when unknown
  std::vector<std::string> channels;  // channels the peer joined
};

struct OrdererEndpoint {
  std::string name;  // FQDN, "orderer.example.com"
  std::string org;
  std::string mspid;
  client::Endpoint endpoint;
  std::string operations_address;
  std::vector<std::string> channels;
};

struct NetworkEndpoints {
  std::vector<PeerEndpoint> peers;
  std::vector<OrdererEndpoint> orderers;
  std::vector<std::string> channels;

  // The peers / orderers that joined `channel`, in declaration order.
  std::vector<const PeerEndpoint*> PeersOf(const std::string& channel) const;
  std::vector<const OrdererEndpoint*> OrderersOf(const std::string& channel) const;
};

}  // namespace loom::lab
