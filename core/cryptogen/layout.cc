#include "core/cryptogen/layout.h"

#include <filesystem>

namespace loom::cryptogen {
namespace {

std::string Join(const std::string& root, const std::string& domain, const std::string& rest) {
  return (std::filesystem::path(root) / domain / rest).string();
}

}  // namespace

std::string UserName(std::string_view user, std::string_view domain) {
  return std::string(user) + "@" + std::string(domain);
}

std::string OrgFolder(const std::string& root, const config::Org& org) {
  return (std::filesystem::path(root) / org.domain).string();
}

std::string OrgMspFolder(const std::string& root, const config::Org& org) {
  return Join(root, org.domain, "msp");
}

std::string CaCertificateFile(const std::string& root, const config::Org& org) {
  return Join(root, org.domain, "ca/ca." + org.domain + "-cert.pem");
}

std::string TlsCaCertificateFile(const std::string& root, const config::Org& org) {
  return Join(root, org.domain, "tlsca/tlsca." + org.domain + "-cert.pem");
}

std::string PeerFolder(const std::string& root, const config::Org& org, std::string_view node) {
  return Join(root, org.domain, "peers/" + config::NodeFqdn(node, org.domain));
}

std::string OrdererFolder(const std::string& root, const config::Org& org, std::string_view node) {
  return Join(root, org.domain, "orderers/" + config::NodeFqdn(node, org.domain));
}

std::string UserFolder(const std::string& root, const config::Org& org, std::string_view user) {
  return Join(root, org.domain, "users/" + UserName(user, org.domain));
}

}  // namespace loom::cryptogen
