// A workspace's network as a Fabric common connection profile (the format
// Fabric's SDKs read; `loomctl attach` reads it back):
//
//   name, version "1.0.0",
//   client: {organization: <first org with peers>, connection: {timeout: ...}}
//   organizations: <org name>: {mspid, peers: [fqdn...], orderers: [fqdn...]
//                  (orderer orgs), adminPrivateKey: {path}, signedCert: {path}}
//                  — the org Admin's key and certificate in cryptogen's layout
//   peers:    <fqdn>: {url: grpc://HOST:PORT, grpcOptions: {ssl-target-name-override,
//                      hostnameOverride}}
//   orderers: <fqdn>: {url: grpc://HOST:PORT, grpcOptions: {...}}
//   channels: <name>: {orderers: [fqdn...], peers: <fqdn>: {endorsingPeer,
//                      chaincodeQuery, ledgerQuery, eventSource: true}}
//
// Nodes serve plaintext gRPC, hence grpc:// and no tlsCACerts. Pure; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "app/lab/workspace.h"

namespace loom::lab {

nlohmann::ordered_json ConnectionProfile(const Workspace& workspace);

// The profile as YAML and as JSON text (same content).
std::string ConnectionProfileYaml(const Workspace& workspace);
std::string ConnectionProfileJson(const Workspace& workspace);

}  // namespace loom::lab
