#include "core/msp/msp_folder.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "core/msp/msp_config_yaml.h"
#include "core/util/file_util.h"

namespace loom::msp {
namespace {

namespace fs = std::filesystem;

struct PemFile {
  std::string path;
  std::string text;
};

// The regular files of `dir` in name order (dot files skipped); nullopt when
// the folder does not exist.
Result<std::optional<std::vector<std::string>>> ListFiles(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return std::optional<std::vector<std::string>>();
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument(dir + ": expected a folder, found a file");
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) continue;
    if (it->is_directory(ec)) continue;
    files.push_back(it->path().string());
  }
  if (ec) return Status::IoError(dir + ": cannot list folder: " + ec.message());
  std::sort(files.begin(), files.end());
  return std::optional<std::vector<std::string>>(std::move(files));
}

// The certificates of every file of a folder, one PEM text each. A file
// holding one certificate contributes its text unchanged (as Fabric does).
Result<std::vector<std::string>> ReadCertificateFolder(const std::string& dir) {
  LOOM_ASSIGN_OR_RETURN(auto files, ListFiles(dir));
  std::vector<std::string> pems;
  if (!files) return pems;
  for (const auto& path : *files) {
    LOOM_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    auto certs = crypto::Certificate::AllFromPem(text);
    if (!certs.ok()) return Status::InvalidArgument(path + ": " + certs.status().message());
    if (certs->size() == 1) {
      pems.push_back(std::move(text));
    } else {
      for (const auto& cert : *certs) pems.push_back(cert.ToPem());
    }
  }
  return pems;
}

void AddAll(google::protobuf::RepeatedPtrField<std::string>* field, std::vector<std::string> values) {
  for (auto& value : values) field->Add(std::move(value));
}

// Reads the certificate a config.yaml entry names (relative to the folder).
Result<std::string> ReadOuCertificate(const std::string& dir, const std::string& relative,
                                      const std::string& config_path, const std::string& field) {
  if (relative.empty()) return std::string();
  std::string path = (fs::path(dir) / relative).string();
  auto text = ReadFile(path);
  if (!text.ok()) return Status::InvalidArgument(config_path + ": " + field + ": " + text.status().message());
  auto cert = crypto::Certificate::FromPem(*text);
  if (!cert.ok())
    return Status::InvalidArgument(config_path + ": " + field + ": " + path + ": " + cert.status().message());
  return std::move(text).value();
}

Status AddConfigYaml(const std::string& dir, ::msp::FabricMSPConfig& config) {
  std::string path = (fs::path(dir) / "config.yaml").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  LOOM_ASSIGN_OR_RETURN(MspConfigYaml yaml, ParseMspConfigYaml(text, path));
  for (size_t i = 0; i < yaml.organizational_unit_identifiers.size(); ++i) {
    const auto& entry = yaml.organizational_unit_identifiers[i];
    auto* identifier = config.add_organizational_unit_identifiers();
    LOOM_ASSIGN_OR_RETURN(*identifier->mutable_certificate(),
                          ReadOuCertificate(dir, entry.certificate, path,
                                            "OrganizationalUnitIdentifiers[" + std::to_string(i) + "]"));
    identifier->set_organizational_unit_identifier(entry.organizational_unit_identifier);
  }
  if (!yaml.node_ous_enabled) return Status::Ok();
  auto* node_ous = config.mutable_fabric_node_ous();
  node_ous->set_enable(true);
  struct Slot {
    const std::optional<OuIdentifierEntry>& entry;
    ::msp::FabricOUIdentifier* (::msp::FabricNodeOUs::*mutable_field)();
    const char* name;
  };
  for (const Slot& slot :
       {Slot{yaml.client_ou, &::msp::FabricNodeOUs::mutable_client_ou_identifier, "ClientOUIdentifier"},
        Slot{yaml.peer_ou, &::msp::FabricNodeOUs::mutable_peer_ou_identifier, "PeerOUIdentifier"},
        Slot{yaml.admin_ou, &::msp::FabricNodeOUs::mutable_admin_ou_identifier, "AdminOUIdentifier"},
        Slot{yaml.orderer_ou, &::msp::FabricNodeOUs::mutable_orderer_ou_identifier, "OrdererOUIdentifier"}}) {
    if (!slot.entry) continue;
    ::msp::FabricOUIdentifier* identifier = (node_ous->*slot.mutable_field)();
    identifier->set_organizational_unit_identifier(slot.entry->organizational_unit_identifier);
    LOOM_ASSIGN_OR_RETURN(
        *identifier->mutable_certificate(),
        ReadOuCertificate(dir, slot.entry->certificate, path, std::string("NodeOUs.") + slot.name));
  }
  return Status::Ok();
}

}  // namespace

Result<::msp::FabricMSPConfig> ToFabricMspConfig(const std::string& dir, const std::string& mspid) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir + ": MSP folder does not exist");
  if (mspid.empty()) return Status::InvalidArgument(dir + ": the MSP id is empty");
  ::msp::FabricMSPConfig config;
  config.set_name(mspid);
  std::string cacerts = (fs::path(dir) / "cacerts").string();
  LOOM_ASSIGN_OR_RETURN(auto roots, ReadCertificateFolder(cacerts));
  if (roots.empty()) {
    return Status::InvalidArgument(cacerts +
                                   ": missing or empty: an MSP folder needs at least one CA certificate");
  }
  AddAll(config.mutable_root_certs(), std::move(roots));
  LOOM_ASSIGN_OR_RETURN(auto intermediates,
                        ReadCertificateFolder((fs::path(dir) / "intermediatecerts").string()));
  AddAll(config.mutable_intermediate_certs(), std::move(intermediates));
  LOOM_ASSIGN_OR_RETURN(auto admins, ReadCertificateFolder((fs::path(dir) / "admincerts").string()));
  AddAll(config.mutable_admins(), std::move(admins));
  LOOM_ASSIGN_OR_RETURN(auto tls_roots, ReadCertificateFolder((fs::path(dir) / "tlscacerts").string()));
  if (!tls_roots.empty()) {
    LOOM_ASSIGN_OR_RETURN(auto tls_intermediates,
                          ReadCertificateFolder((fs::path(dir) / "tlsintermediatecerts").string()));
    AddAll(config.mutable_tls_intermediate_certs(), std::move(tls_intermediates));
  }
  AddAll(config.mutable_tls_root_certs(), std::move(tls_roots));
  std::string crls = (fs::path(dir) / "crls").string();
  LOOM_ASSIGN_OR_RETURN(auto crl_files, ListFiles(crls));
  if (crl_files && !crl_files->empty()) {
    return Status::InvalidArgument(crls + ": certificate revocation lists are not supported");
  }
  LOOM_RETURN_IF_ERROR(AddConfigYaml(dir, config));
  config.mutable_crypto_config()->set_signature_hash_family("SHA2");
  config.mutable_crypto_config()->set_identity_identifier_hash_function("SHA256");
  return config;
}

Result<std::optional<SignerMaterial>> ReadSignerMaterial(const std::string& dir, bool require_key) {
  std::string signcerts = (fs::path(dir) / "signcerts").string();
  LOOM_ASSIGN_OR_RETURN(auto cert_files, ListFiles(signcerts));
  if (!cert_files || cert_files->empty()) return std::optional<SignerMaterial>();
  if (cert_files->size() > 1) {
    return Status::InvalidArgument(signcerts + ": holds " + std::to_string(cert_files->size()) +
                                   " files; expected exactly one signing certificate");
  }
  SignerMaterial material;
  material.certificate_path = cert_files->front();
  LOOM_ASSIGN_OR_RETURN(std::string cert_text, ReadFile(material.certificate_path));
  auto cert = crypto::Certificate::FromPem(cert_text);
  if (!cert.ok()) return Status::InvalidArgument(material.certificate_path + ": " + cert.status().message());
  material.certificate = std::move(cert).value();
  crypto::PublicKey cert_key = material.certificate.public_key();
  if (!cert_key.valid()) {
    return Status::InvalidArgument(material.certificate_path +
                                   ": the certificate's key is not an ECDSA P-256 key");
  }

  std::string keystore = (fs::path(dir) / "keystore").string();
  LOOM_ASSIGN_OR_RETURN(auto key_files, ListFiles(keystore));
  if (!key_files || key_files->empty()) {
    if (!require_key) return std::optional<SignerMaterial>(std::move(material));
    return Status::NotFound(keystore + ": missing or empty: no private key for " + material.certificate_path);
  }
  for (const auto& path : *key_files) {
    LOOM_ASSIGN_OR_RETURN(std::string key_text, ReadFile(path));
    auto key = crypto::PrivateKey::FromPem(key_text);
    if (!key.ok()) return Status::InvalidArgument(path + ": " + key.status().message());
    if (key->public_key() == cert_key) {
      material.key_path = path;
      material.key = std::move(key).value();
      return std::optional<SignerMaterial>(std::move(material));
    }
  }
  return Status::InvalidArgument(keystore + ": no private key matches the signing certificate " +
                                 material.certificate_path);
}

Result<Msp> LoadMspFolder(const std::string& dir, const std::string& mspid) {
  LOOM_ASSIGN_OR_RETURN(::msp::FabricMSPConfig config, ToFabricMspConfig(dir, mspid));
  auto msp = Msp::FromFabricMspConfig(config);
  if (!msp.ok()) return msp.status().WithContext(dir);
  LOOM_RETURN_IF_ERROR(ReadSignerMaterial(dir, /*require_key=*/false).status());
  return msp;
}

}  // namespace loom::msp
