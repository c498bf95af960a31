#include "tests/unit/msp/msp_test_util.h"

#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

#include "core/crypto/hash.h"
#include "core/msp/msp_config_yaml.h"

namespace loom::msp::testing {
namespace {

template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result.ok()) throw std::runtime_error(std::string(what) + ": " + result.status().ToString());
  return std::move(result).value();
}

crypto::DistinguishedName CaName(const std::string& cn, const std::string& domain) {
  crypto::DistinguishedName name;
  name.common_name = cn;
  name.organization = domain;
  name.locality = "San Francisco";
  name.province = "California";
  name.country = "US";
  return name;
}

crypto::CertificateAuthority MakeRoot(const std::string& domain, Clock::time_point not_before) {
  crypto::CertificateTemplate tmpl;
  tmpl.subject = CaName("ca." + domain, domain);
  tmpl.use = crypto::CertificateUse::kCa;
  tmpl.not_before = not_before;
  tmpl.not_after = not_before + std::chrono::hours(24 * 365 * 20);
  auto key = Must(crypto::PrivateKey::Generate(), "root key");
  return Must(crypto::CertificateAuthority::CreateRoot(tmpl, key), "root CA");
}

crypto::CertificateAuthority MakeIntermediate(const crypto::CertificateAuthority& root,
                                              const std::string& domain, Clock::time_point not_before) {
  crypto::CertificateTemplate tmpl;
  tmpl.subject = CaName("ica." + domain, domain);
  tmpl.use = crypto::CertificateUse::kCa;
  tmpl.not_before = not_before;
  tmpl.not_after = not_before + std::chrono::hours(24 * 365 * 20);
  auto key = Must(crypto::PrivateKey::Generate(), "intermediate key");
  auto cert = Must(root.Issue(tmpl, key.public_key()), "intermediate CA");
  return crypto::CertificateAuthority(cert, key);
}

}  // namespace

TestOrg::TestOrg(std::string domain, Clock::time_point ca_not_before)
    : domain_(std::move(domain)),
      root_(MakeRoot(domain_, ca_not_before)),
      intermediate_(MakeIntermediate(root_, domain_, ca_not_before)) {}

IssuedIdentity TestOrg::Issue(const std::string& common_name, const IssueOptions& options) const {
  crypto::CertificateTemplate tmpl;
  tmpl.subject.common_name = common_name;
  tmpl.subject.organizational_units = options.ous;
  tmpl.subject.locality = "San Francisco";
  tmpl.subject.province = "California";
  tmpl.subject.country = "US";
  tmpl.use = options.as_ca ? crypto::CertificateUse::kCa : crypto::CertificateUse::kSigning;
  tmpl.not_before = options.not_before;
  tmpl.not_after = options.not_after;
  auto key = Must(crypto::PrivateKey::Generate(), "identity key");
  const auto& issuer = options.from_intermediate ? intermediate_ : root_;
  auto cert = Must(issuer.Issue(tmpl, key.public_key()), "identity certificate");
  return {cert, key};
}

::msp::FabricMSPConfig TestOrg::Config(const std::string& mspid, bool node_ous,
                                       const std::vector<crypto::Certificate>& admins,
                                       bool with_intermediate) const {
  ::msp::FabricMSPConfig config;
  config.set_name(mspid);
  config.add_root_certs(root().ToPem());
  if (with_intermediate) config.add_intermediate_certs(intermediate().ToPem());
  for (const auto& admin : admins) config.add_admins(admin.ToPem());
  config.add_tls_root_certs(root().ToPem());
  config.mutable_crypto_config()->set_signature_hash_family("SHA2");
  config.mutable_crypto_config()->set_identity_identifier_hash_function("SHA256");
  if (node_ous) {
    auto* ous = config.mutable_fabric_node_ous();
    ous->set_enable(true);
    for (auto [identifier, ou] : {std::pair{ous->mutable_client_ou_identifier(), "client"},
                                  std::pair{ous->mutable_peer_ou_identifier(), "peer"},
                                  std::pair{ous->mutable_admin_ou_identifier(), "admin"},
                                  std::pair{ous->mutable_orderer_ou_identifier(), "orderer"}}) {
      identifier->set_certificate(with_intermediate ? intermediate().ToPem() : root().ToPem());
      identifier->set_organizational_unit_identifier(ou);
    }
  }
  return config;
}

void TestOrg::WriteFolder(const std::filesystem::path& dir,
                          const std::optional<IssuedIdentity>& signer) const {
  std::string ca_file = "ca." + domain_ + "-cert.pem";
  WriteText(dir / "cacerts" / ca_file, root().ToPem());
  WriteText(dir / "tlscacerts" / ("tlsca." + domain_ + "-cert.pem"), root().ToPem());
  WriteText(dir / "config.yaml", NodeOusConfigYaml("cacerts/" + ca_file));
  if (signer) {
    WriteText(dir / "signcerts" / (signer->certificate.CommonName() + "-cert.pem"),
              signer->certificate.ToPem());
    WriteText(dir / "keystore" / "priv_sk", signer->key.ToPem());
  }
}

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace loom::msp::testing
