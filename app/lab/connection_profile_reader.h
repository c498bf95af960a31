// Reads a Fabric common connection profile (YAML or JSON — the format of
// Fabric's SDKs, of fabric-samples' test-network "connection-org1.yaml" and
// of the profile a Loom workspace writes) into NetworkEndpoints:
//
//   organizations.<org>: {mspid (required), peers: [names], orderers: [names]}
//   peers.<name>:    {url (required): grpc://HOST:PORT | grpcs://HOST:PORT | HOST:PORT,
//                     tlsCACerts: {pem | path}, grpcOptions: {ssl-target-name-override |
//                     hostnameOverride}}
//   orderers.<name>: same as peers
//   channels.<name>: {peers: {<name>: {...}} or [names], orderers: [names]}
//
// A peer's org (and MSP id) is the organization listing it; grpcs:// needs
// a TLS CA (pem, or path relative to the profile's folder). A profile
// without `channels` (Fabric's test-network ones) leaves every node's
// channel list empty: AssumeChannel puts a channel the caller names on all.
// Unknown keys are ignored, as Fabric's SDKs do.
//
// Errors: InvalidArgument naming the file and the field, e.g.
// "profile.yaml: peers.peer0.org1.example.com.url: missing" or
// "...: organizations.Org1: mspid missing"; NotFound / IoError for the file
// or a tlsCACerts.path. Pure apart from reading files; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "app/lab/endpoints.h"
#include "core/util/status.h"

namespace loom::lab {

Result<NetworkEndpoints> ReadConnectionProfile(const std::string& file);
// `text` is the profile's content; `base_dir` resolves relative paths and
// `name` names it in errors.
Result<NetworkEndpoints> ParseConnectionProfile(std::string_view text, const std::string& name,
                                                const std::string& base_dir);

// Adds `channel` to the network and to every peer and orderer of it that
// lists no channel.
void AssumeChannel(NetworkEndpoints* endpoints, const std::string& channel);

}  // namespace loom::lab
