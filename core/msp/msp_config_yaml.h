// An MSP folder's config.yaml, exactly as Fabric (msp/configbuilder.go),
// cryptogen and fabric-ca write it:
//
//   OrganizationalUnitIdentifiers:        # optional
//     - Certificate: cacerts/ca.pem
//       OrganizationalUnitIdentifier: COP
//   NodeOUs:
//     Enable: true
//     ClientOUIdentifier:
//       Certificate: cacerts/ca.org1.example.com-cert.pem
//       OrganizationalUnitIdentifier: client
//     PeerOUIdentifier: ...
//     AdminOUIdentifier: ...
//     OrdererOUIdentifier: ...
//
// Keys are case-sensitive as in Fabric. Certificate paths are relative to the
// MSP folder. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace loom::msp {

struct OuIdentifierEntry {
  std::string certificate;  // path relative to the MSP folder; may be empty for NodeOUs
  std::string organizational_unit_identifier;
};

struct MspConfigYaml {
  std::vector<OuIdentifierEntry> organizational_unit_identifiers;
  bool node_ous_enabled = false;
  // Present only when given with a non-empty OU (Fabric ignores empty ones).
  std::optional<OuIdentifierEntry> client_ou;
  std::optional<OuIdentifierEntry> peer_ou;
  std::optional<OuIdentifierEntry> admin_ou;
  std::optional<OuIdentifierEntry> orderer_ou;
};

// Parses config.yaml text. InvalidArgument "file:line:column: what is wrong"
// for YAML syntax errors, wrong types and unknown keys. An empty document is
// a config with nothing enabled.
Result<MspConfigYaml> ParseMspConfigYaml(std::string_view text, std::string_view file_name);

// The config.yaml cryptogen writes into every MSP folder: NodeOUs enabled,
// all four roles certified by `ca_certificate_path` (relative to the folder,
// e.g. "cacerts/ca.org1.example.com-cert.pem").
std::string NodeOusConfigYaml(std::string_view ca_certificate_path);

}  // namespace loom::msp
