// Where cryptogen puts each org's material (Fabric cryptogen's layout, one
// folder per org domain under the output folder):
//
//   <root>/<domain>/ca/ca.<domain>-cert.pem, priv_sk
//   <root>/<domain>/tlsca/tlsca.<domain>-cert.pem, priv_sk
//   <root>/<domain>/msp/{admincerts/,cacerts/,tlscacerts/,config.yaml}
//   <root>/<domain>/peers/<peer>.<domain>/{msp,tls}
//   <root>/<domain>/orderers/<orderer>.<domain>/{msp,tls}
//   <root>/<domain>/users/{Admin,<user>}@<domain>/{msp,tls}
//
// A node or user msp/ holds admincerts/ (empty), cacerts/, tlscacerts/,
// signcerts/<name>-cert.pem, keystore/priv_sk and config.yaml (NodeOUs);
// tls/ holds ca.crt and server.crt/server.key (users: client.crt/client.key).
// Pure path arithmetic; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/config/scenario.h"

namespace loom::cryptogen {

// "Admin@org1.example.com".
std::string UserName(std::string_view user, std::string_view domain);

std::string OrgFolder(const std::string& root, const config::Org& org);
// The org's verifying MSP (what goes into a channel config).
std::string OrgMspFolder(const std::string& root, const config::Org& org);
std::string CaCertificateFile(const std::string& root, const config::Org& org);
std::string TlsCaCertificateFile(const std::string& root, const config::Org& org);

// <org>/peers/<fqdn> or <org>/orderers/<fqdn>; `node` is the short name.
std::string PeerFolder(const std::string& root, const config::Org& org, std::string_view node);
std::string OrdererFolder(const std::string& root, const config::Org& org, std::string_view node);
// <org>/users/<user>@<domain>; `user` is "Admin" or a name from Org::users.
std::string UserFolder(const std::string& root, const config::Org& org, std::string_view user);

}  // namespace loom::cryptogen
