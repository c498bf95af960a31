// Client identities of a test network's org whose signing certificate,
// issued by the org's own CA, has a validity window the test chooses — for
// tests of what happens when a certificate expires.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"
#include "core/cryptogen/layout.h"
#include "core/msp/serialized_identity.h"
#include "core/protocol/signer.h"
#include "core/util/file_util.h"
#include "tests/support/orderer_network.h"

namespace loom::orderer::testing {

// `org_name`'s CA, from the network's crypto folder.
inline crypto::CertificateAuthority OrgCa(const loom::testing::OrdererNetwork& network,
                                          const std::string& org_name) {
  const config::Org& org = network.Org(org_name);
  const std::string ca_dir = cryptogen::OrgFolder(network.crypto_dir(), org) + "/ca/";
  auto ca_cert = crypto::Certificate::FromPem(ReadFile(ca_dir + "ca." + org.domain + "-cert.pem").value());
  auto ca_key = crypto::PrivateKey::FromPem(ReadFile(ca_dir + "priv_sk").value());
  EXPECT_TRUE(ca_cert.ok() && ca_key.ok());
  return crypto::CertificateAuthority(*ca_cert, *ca_key);
}

// A signer for "<name>@<domain>" (OU client) of `org_name`, valid from
// `not_before` to `not_after`.
inline std::shared_ptr<protocol::Signer> ShortLivedClient(const loom::testing::OrdererNetwork& network,
                                                          const std::string& org_name,
                                                          const std::string& name,
                                                          crypto::Clock::time_point not_before,
                                                          crypto::Clock::time_point not_after) {
  const config::Org& org = network.Org(org_name);
  crypto::CertificateAuthority ca = OrgCa(network, org_name);
  crypto::CertificateTemplate tmpl;
  tmpl.subject.common_name = name + "@" + org.domain;
  tmpl.subject.organizational_units = {"client"};
  tmpl.use = crypto::CertificateUse::kSigning;
  tmpl.not_before = not_before;
  tmpl.not_after = not_after;
  crypto::PrivateKey key = crypto::PrivateKey::Generate().value();
  auto cert = ca.Issue(tmpl, key.public_key());
  EXPECT_TRUE(cert.ok()) << cert.status().ToString();
  return std::make_shared<protocol::KeySigner>(key, msp::EncodeSerializedIdentity(org.mspid, cert->ToPem()));
}

}  // namespace loom::orderer::testing
