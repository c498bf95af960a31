// Fabric's MSP folder layout (what cryptogen and fabric-ca write):
//
//   <dir>/cacerts/               root CA certificates (required)
//   <dir>/intermediatecerts/     intermediate CA certificates
//   <dir>/admincerts/            admin certificates (legacy; optional)
//   <dir>/tlscacerts/            TLS root CA certificates
//   <dir>/tlsintermediatecerts/  TLS intermediate CA certificates
//   <dir>/signcerts/             the local signing certificate
//   <dir>/keystore/              the local private key (PKCS#8 PEM)
//   <dir>/config.yaml            NodeOUs and OU identifiers (msp_config_yaml.h)
//
// Every file in a certificate folder must hold one or more PEM certificates;
// files are read in name order, dot files are skipped. Errors name the file
// or folder and what is wrong. Functions only read; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"
#include "core/msp/msp.h"
#include "core/util/status.h"
#include "msp/msp_config.pb.h"

namespace loom::msp {

// The verifying FabricMSPConfig of a folder, as Fabric's GetVerifyingMspConfig
// builds it: name = mspid, root_certs, intermediate_certs, admins,
// organizational_unit_identifiers, fabric_node_ous (certificates read from
// the paths config.yaml names), crypto_config {SHA2, SHA256},
// tls_root_certs, tls_intermediate_certs; signing_identity left empty.
// Certificate bytes are the files' PEM text (one entry per certificate).
Result<::msp::FabricMSPConfig> ToFabricMspConfig(const std::string& dir, const std::string& mspid);

// The local signing material of a folder: the certificate in signcerts/ and
// the keystore/ key whose public key matches it.
struct SignerMaterial {
  std::string certificate_path;
  crypto::Certificate certificate;
  std::string key_path;
  crypto::PrivateKey key;
};

// nullopt when signcerts/ is absent or empty. InvalidArgument when signcerts/
// holds more than one certificate or garbage, when keystore/ holds an
// unreadable key, or when no key matches the certificate; NotFound when the
// keystore is missing or empty and `require_key` is set.
Result<std::optional<SignerMaterial>> ReadSignerMaterial(const std::string& dir, bool require_key);

// ToFabricMspConfig + Msp::FromFabricMspConfig. When the folder also holds
// signcerts/ and a keystore/, checks that a key matches the certificate.
Result<Msp> LoadMspFolder(const std::string& dir, const std::string& mspid);

}  // namespace loom::msp
