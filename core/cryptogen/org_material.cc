#include "core/cryptogen/org_material.h"

#include <arpa/inet.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "core/config/scenario_defaults.h"
#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"
#include "core/cryptogen/layout.h"
#include "core/msp/msp_config_yaml.h"
#include "core/util/file_util.h"

namespace loom::cryptogen {
namespace {

namespace fs = std::filesystem;

// cryptogen: certificates valid from five minutes ago, for ten years.
constexpr auto kBackdate = std::chrono::minutes(5);
constexpr auto kValidity = std::chrono::hours(24 * 3650);
constexpr unsigned kKeyMode = 0600;

struct KeyPair {
  crypto::Certificate certificate;
  crypto::PrivateKey key;
};

// Who gets a signing and a TLS certificate.
struct IdentitySpec {
  std::string name;        // "peer0.org1.example.com" or "Admin@org1.example.com"
  std::string short_name;  // "peer0"; empty for users
  std::string folder;      // relative to the org folder
  std::string role;        // NodeOU: peer, orderer, admin, client
  bool is_node = false;
};

// An existing certificate and key that parse and belong together.
std::optional<KeyPair> ReadPair(const fs::path& cert_path, const fs::path& key_path) {
  auto cert_text = ReadFile(cert_path.string());
  auto key_text = ReadFile(key_path.string());
  if (!cert_text.ok() || !key_text.ok()) return std::nullopt;
  auto cert = crypto::Certificate::FromPem(*cert_text);
  auto key = crypto::PrivateKey::FromPem(*key_text);
  if (!cert.ok() || !key.ok() || !(key->public_key() == cert->public_key())) return std::nullopt;
  return KeyPair{std::move(cert).value(), std::move(key).value()};
}

std::string NormalizeIp(const std::string& text) {
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN];
  int family = text.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (inet_pton(family, text.c_str(), bytes) != 1 || inet_ntop(family, bytes, out, sizeof(out)) == nullptr) {
    return text;
  }
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> values, bool ips = false) {
  if (ips) {
    for (auto& value : values) value = NormalizeIp(value);
  }
  std::sort(values.begin(), values.end());
  return values;
}

class OrgBuilder {
 public:
  OrgBuilder(const config::Org& org, fs::path existing, const GenerateOptions& options)
      : org_(org), existing_(std::move(existing)), options_(options) {}

  Result<OrgMaterial> Build() {
    LOOM_ASSIGN_OR_RETURN(ca_, Authority("ca"));
    LOOM_ASSIGN_OR_RETURN(tls_ca_, Authority("tlsca"));
    ca_file_ = "ca." + org_.domain + "-cert.pem";
    tls_ca_file_ = "tlsca." + org_.domain + "-cert.pem";
    AddMspFolder("msp");
    for (const auto& peer : org_.peers) {
      std::string fqdn = config::NodeFqdn(peer, org_.domain);
      LOOM_RETURN_IF_ERROR(AddIdentity({fqdn, peer, "peers/" + fqdn, "peer", true}));
    }
    for (const auto& orderer : org_.orderers) {
      std::string fqdn = config::NodeFqdn(orderer, org_.domain);
      LOOM_RETURN_IF_ERROR(AddIdentity({fqdn, orderer, "orderers/" + fqdn, "orderer", true}));
    }
    std::string admin = UserName(config::kAdminUser, org_.domain);
    LOOM_RETURN_IF_ERROR(AddIdentity({admin, "", "users/" + admin, "admin", false}));
    for (const auto& user : org_.users) {
      std::string name = UserName(user, org_.domain);
      LOOM_RETURN_IF_ERROR(AddIdentity({name, "", "users/" + name, "client", false}));
    }
    return std::move(material_);
  }

 private:
  crypto::DistinguishedName Name(const std::string& common_name) const {
    crypto::DistinguishedName name;
    name.common_name = common_name;
    name.locality = "San Francisco";
    name.province = "California";
    name.country = "US";
    return name;
  }

  crypto::CertificateTemplate Template(crypto::DistinguishedName subject, crypto::CertificateUse use) const {
    crypto::CertificateTemplate tmpl;
    tmpl.subject = std::move(subject);
    tmpl.use = use;
    tmpl.not_before = options_.now - kBackdate;
    tmpl.not_after = options_.now + kValidity;
    return tmpl;
  }

  std::optional<KeyPair> Existing(const std::string& cert_rel, const std::string& key_rel) const {
    if (options_.force) return std::nullopt;
    return ReadPair(existing_ / cert_rel, existing_ / key_rel);
  }

  bool StillValid(const crypto::Certificate& cert) const { return cert.NotAfter() > options_.now; }

  // The CA "<prefix>.<domain>" in folder <prefix>/: kept when still right,
  // created otherwise.
  Result<crypto::CertificateAuthority> Authority(const std::string& prefix) {
    std::string common_name = prefix + "." + org_.domain;
    std::string cert_rel = prefix + "/" + common_name + "-cert.pem";
    std::string key_rel = prefix + "/priv_sk";
    std::optional<KeyPair> pair = Existing(cert_rel, key_rel);
    bool keep = pair && pair->certificate.IsCa() && pair->certificate.CommonName() == common_name &&
                pair->certificate.Organizations() == std::vector<std::string>{org_.domain} &&
                pair->certificate.IsIssuedBy(pair->certificate) && StillValid(pair->certificate);
    if (!keep) {
      crypto::DistinguishedName subject = Name(common_name);
      subject.organization = org_.domain;
      LOOM_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate());
      LOOM_ASSIGN_OR_RETURN(auto authority, crypto::CertificateAuthority::CreateRoot(
                                                Template(subject, crypto::CertificateUse::kCa), key));
      pair = KeyPair{authority.certificate(), key};
    }
    ++(keep ? material_.identities_kept : material_.identities_written);
    material_.tree.AddFile(cert_rel, pair->certificate.ToPem());
    material_.tree.AddFile(key_rel, pair->key.ToPem(), kKeyMode);
    return crypto::CertificateAuthority(pair->certificate, pair->key);
  }

  // A verifying MSP folder: admincerts/ (empty: NodeOUs), cacerts/,
  // tlscacerts/, config.yaml.
  void AddMspFolder(const std::string& folder) {
    material_.tree.directories.insert(folder + "/admincerts");
    material_.tree.AddFile(folder + "/cacerts/" + ca_file_, ca_.certificate().ToPem());
    material_.tree.AddFile(folder + "/tlscacerts/" + tls_ca_file_, tls_ca_.certificate().ToPem());
    material_.tree.AddFile(folder + "/config.yaml", msp::NodeOusConfigYaml("cacerts/" + ca_file_));
  }

  // Keeps the pair at cert_rel/key_rel when `still_right`, else issues one.
  Result<KeyPair> KeepOrIssue(const std::string& cert_rel, const std::string& key_rel,
                              const crypto::CertificateAuthority& issuer,
                              const crypto::CertificateTemplate& tmpl,
                              bool (OrgBuilder::*still_right)(const crypto::Certificate&,
                                                              const crypto::CertificateTemplate&) const,
                              bool* issued) {
    std::optional<KeyPair> pair = Existing(cert_rel, key_rel);
    if (pair && pair->certificate.IsIssuedBy(issuer.certificate()) && !pair->certificate.IsCa() &&
        StillValid(pair->certificate) && (this->*still_right)(pair->certificate, tmpl)) {
      return std::move(pair).value();
    }
    *issued = true;
    LOOM_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate());
    LOOM_ASSIGN_OR_RETURN(crypto::Certificate cert, issuer.Issue(tmpl, key.public_key()));
    return KeyPair{std::move(cert), std::move(key)};
  }

  bool SigningStillRight(const crypto::Certificate& cert, const crypto::CertificateTemplate& tmpl) const {
    return cert.CommonName() == tmpl.subject.common_name &&
           cert.OrganizationalUnits() == tmpl.subject.organizational_units;
  }

  bool TlsStillRight(const crypto::Certificate& cert, const crypto::CertificateTemplate& tmpl) const {
    return cert.CommonName() == tmpl.subject.common_name &&
           Sorted(cert.DnsNames()) == Sorted(tmpl.dns_names) &&
           Sorted(cert.IpAddresses(), true) == Sorted(tmpl.ip_addresses, true);
  }

  Status AddIdentity(const IdentitySpec& spec) {
    bool issued = false;
    std::string msp_folder = spec.folder + "/msp";
    crypto::DistinguishedName signing_subject = Name(spec.name);
    signing_subject.organizational_units = {spec.role};
    std::string signcert_rel = msp_folder + "/signcerts/" + spec.name + "-cert.pem";
    std::string key_rel = msp_folder + "/keystore/priv_sk";
    LOOM_ASSIGN_OR_RETURN(
        KeyPair signing,
        KeepOrIssue(signcert_rel, key_rel, ca_, Template(signing_subject, crypto::CertificateUse::kSigning),
                    &OrgBuilder::SigningStillRight, &issued));

    crypto::CertificateTemplate tls_template =
        Template(Name(spec.name),
                 spec.is_node ? crypto::CertificateUse::kTlsServer : crypto::CertificateUse::kTlsClient);
    if (spec.is_node) {
      tls_template.dns_names = {spec.name, spec.short_name, "localhost"};
      tls_template.ip_addresses = {"127.0.0.1", "::1"};
    }
    std::string tls_prefix = spec.folder + "/tls/" + (spec.is_node ? "server" : "client");
    LOOM_ASSIGN_OR_RETURN(KeyPair tls, KeepOrIssue(tls_prefix + ".crt", tls_prefix + ".key", tls_ca_,
                                                   tls_template, &OrgBuilder::TlsStillRight, &issued));

    AddMspFolder(msp_folder);
    material_.tree.AddFile(signcert_rel, signing.certificate.ToPem());
    material_.tree.AddFile(key_rel, signing.key.ToPem(), kKeyMode);
    material_.tree.AddFile(spec.folder + "/tls/ca.crt", tls_ca_.certificate().ToPem());
    material_.tree.AddFile(tls_prefix + ".crt", tls.certificate.ToPem());
    material_.tree.AddFile(tls_prefix + ".key", tls.key.ToPem(), kKeyMode);
    ++(issued ? material_.identities_written : material_.identities_kept);
    return Status::Ok();
  }

  const config::Org& org_;
  fs::path existing_;
  const GenerateOptions& options_;
  crypto::CertificateAuthority ca_{crypto::Certificate(), crypto::PrivateKey()};
  crypto::CertificateAuthority tls_ca_{crypto::Certificate(), crypto::PrivateKey()};
  std::string ca_file_;
  std::string tls_ca_file_;
  OrgMaterial material_;
};

}  // namespace

Result<OrgMaterial> BuildOrgMaterial(const config::Org& org, const std::string& existing_folder,
                                     const GenerateOptions& options) {
  return OrgBuilder(org, existing_folder, options).Build();
}

}  // namespace loom::cryptogen
