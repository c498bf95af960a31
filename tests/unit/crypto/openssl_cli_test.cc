// Cross-checks against the `openssl` command line: what Loom writes, OpenSSL
// accepts, and what OpenSSL writes, Loom reads.
#include <gtest/gtest.h>

#include "core/crypto/ecdsa.h"
#include "core/crypto/hash.h"
#include "core/crypto/x509.h"
#include "tests/unit/crypto/test_support.h"

namespace loom::crypto {
namespace {

using testing::MakeRoot;
using testing::ReadTextFile;
using testing::RunShell;
using testing::TempDir;
using testing::Template;
using testing::WriteTextFile;

class OpenSslCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::OpenSslCliAvailable()) GTEST_SKIP() << "the openssl command line tool is not installed";
  }

  // Runs an openssl command in the temp dir; fails the test on a non-zero exit.
  std::string Openssl(const std::string& args) {
    std::string output;
    int status = RunShell("cd '" + dir_.path().string() + "' && openssl " + args, &output);
    EXPECT_EQ(status, 0) << "openssl " << args << "\n" << output;
    return output;
  }
  int OpensslStatus(const std::string& args, std::string* output) {
    return RunShell("cd '" + dir_.path().string() + "' && openssl " + args, output);
  }
  std::string Path(const std::string& name) const { return dir_.File(name); }
  void Write(const std::string& name, const std::string& data) { WriteTextFile(Path(name), data); }
  std::string Read(const std::string& name) const { return ReadTextFile(Path(name)); }

  TempDir dir_;
};

TEST_F(OpenSslCliTest, LoomSignatureVerifiesWithOpenssl) {
  PrivateKey key = PrivateKey::Generate().value();
  Write("pub.pem", key.public_key().ToPem());
  for (int i = 0; i < 5; ++i) {
    std::string message = "transaction " + std::to_string(i);
    Write("msg", message);
    Write("sig.der", key.Sign(message).value());
    std::string output = Openssl("dgst -sha256 -verify pub.pem -signature sig.der msg");
    EXPECT_NE(output.find("Verified OK"), std::string::npos) << output;
  }
  // And openssl notices a wrong message, so the check above means something.
  Write("msg", "another message");
  std::string output;
  EXPECT_NE(OpensslStatus("dgst -sha256 -verify pub.pem -signature sig.der msg", &output), 0) << output;
}

TEST_F(OpenSslCliTest, OpensslSignatureVerifiesInLoomAfterToLowS) {
  PrivateKey key = PrivateKey::Generate().value();
  Write("key.pem", key.ToPem());
  Write("msg", "endorsement");
  // openssl does not normalise S, so about half of its signatures are high-S;
  // keep signing until both kinds have been seen.
  bool saw_high = false;
  bool saw_low = false;
  for (int attempt = 0; attempt < 64 && !(saw_high && saw_low); ++attempt) {
    Openssl("dgst -sha256 -sign key.pem -out sig.der msg");
    std::string raw = Read("sig.der");
    Result<bool> low = IsLowS(raw);
    ASSERT_TRUE(low.ok()) << low.status().ToString();
    Status raw_status = key.public_key().Verify("endorsement", raw);
    if (*low) {
      saw_low = true;
      EXPECT_TRUE(raw_status.ok()) << raw_status.ToString();
    } else {
      saw_high = true;
      EXPECT_TRUE(raw_status.IsPermissionDenied()) << raw_status.ToString();
      EXPECT_NE(raw_status.message().find("high-S"), std::string::npos) << raw_status.message();
    }
    Result<std::string> normalised = ToLowS(raw);
    ASSERT_TRUE(normalised.ok()) << normalised.status().ToString();
    EXPECT_TRUE(key.public_key().Verify("endorsement", *normalised).ok());
  }
  EXPECT_TRUE(saw_high);
  EXPECT_TRUE(saw_low);
}

TEST_F(OpenSslCliTest, LoomKeysReadByOpenssl) {
  PrivateKey key = PrivateKey::Generate().value();
  Write("key.pem", key.ToPem());
  std::string text = Openssl("pkey -in key.pem -noout -text");
  EXPECT_NE(text.find("NIST CURVE: P-256"), std::string::npos) << text;
  Openssl("pkey -in key.pem -pubout -out pub.pem");
  EXPECT_EQ(Read("pub.pem"), key.public_key().ToPem());
}

TEST_F(OpenSslCliTest, OpensslKeysAndCertificateLoadInLoom) {
  Openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out pkcs8.pem");
  Openssl("ecparam -name prime256v1 -genkey -noout -out sec1.pem");
  ASSERT_NE(Read("sec1.pem").find("BEGIN EC PRIVATE KEY"), std::string::npos);

  Result<PrivateKey> pkcs8 = PrivateKey::FromPem(Read("pkcs8.pem"));
  ASSERT_TRUE(pkcs8.ok()) << pkcs8.status().ToString();
  Result<PrivateKey> sec1 = PrivateKey::FromPem(Read("sec1.pem"));
  ASSERT_TRUE(sec1.ok()) << sec1.status().ToString();

  Openssl(
      "req -new -x509 -key pkcs8.pem -days 2 -subj '/C=US/O=Org1/OU=peer/OU=admin/CN=peer0.org1.example.com' "
      "-addext 'subjectAltName=DNS:peer0.org1.example.com,IP:10.0.0.1' -out cert.pem");
  Result<Certificate> cert = Certificate::FromPem(Read("cert.pem"));
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->CommonName(), "peer0.org1.example.com");
  EXPECT_EQ(cert->OrganizationalUnits(), (std::vector<std::string>{"peer", "admin"}));
  EXPECT_EQ(cert->Organizations(), (std::vector<std::string>{"Org1"}));
  EXPECT_EQ(cert->DnsNames(), (std::vector<std::string>{"peer0.org1.example.com"}));
  EXPECT_EQ(cert->IpAddresses(), (std::vector<std::string>{"10.0.0.1"}));
  EXPECT_EQ(cert->SubjectString(), "CN=peer0.org1.example.com,OU=admin,OU=peer,O=Org1,C=US");
  EXPECT_TRUE(cert->public_key() == pkcs8->public_key());
  EXPECT_TRUE(cert->IsIssuedBy(*cert));
  std::vector<Certificate> roots = {*cert};
  EXPECT_TRUE(VerifyChain(*cert, roots, {}).ok());

  // The serial Loom reports is the one openssl prints.
  std::string serial = Openssl("x509 -in cert.pem -noout -serial");
  std::string expected = "serial=" + cert->SerialHex();
  for (char& c : serial) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(serial.substr(0, serial.find('\n')), expected);

  // The CLI-made key signs in Loom and openssl verifies it.
  Write("msg", "from loom with an openssl key");
  Write("sig.der", sec1->Sign("from loom with an openssl key").value());
  Openssl("pkey -in sec1.pem -pubout -out sec1pub.pem");
  std::string output = Openssl("dgst -sha256 -verify sec1pub.pem -signature sig.der msg");
  EXPECT_NE(output.find("Verified OK"), std::string::npos) << output;
}

TEST_F(OpenSslCliTest, HighSOpensslCertificateIsSanitized) {
  Openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem");
  // openssl signs certificates without normalising S: make some until one is high-S.
  for (int attempt = 0; attempt < 64; ++attempt) {
    Openssl("req -new -x509 -key key.pem -days 2 -subj '/CN=ca.example.com' -out ca.pem");
    Certificate cert = Certificate::FromPem(Read("ca.pem")).value();
    Certificate sanitized = cert.WithLowSSignature().value();
    if (sanitized == cert) continue;
    Write("sanitized.pem", sanitized.ToPem());
    EXPECT_NE(Openssl("verify -CAfile sanitized.pem sanitized.pem").find("sanitized.pem: OK"),
              std::string::npos);
    EXPECT_TRUE(sanitized.IsIssuedBy(sanitized));
    EXPECT_EQ(sanitized.WithLowSSignature().value().ToDer(), sanitized.ToDer());
    return;
  }
  FAIL() << "openssl produced no high-S certificate signature in 64 tries";
}

TEST_F(OpenSslCliTest, OpensslP384KeysAreRejected) {
  Openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem");
  Openssl("ecparam -name secp384r1 -genkey -noout -out p384-sec1.pem");
  Openssl("pkey -in p384.pem -pubout -out p384pub.pem");
  for (const char* name : {"p384.pem", "p384-sec1.pem"}) {
    Result<PrivateKey> key = PrivateKey::FromPem(Read(name));
    ASSERT_FALSE(key.ok()) << name;
    EXPECT_TRUE(key.status().IsInvalidArgument());
    EXPECT_NE(key.status().message().find("secp384r1"), std::string::npos) << key.status().message();
  }
  EXPECT_TRUE(PublicKey::FromPem(Read("p384pub.pem")).status().IsInvalidArgument());
}

TEST_F(OpenSslCliTest, LoomCertificatesPassOpensslVerify) {
  CertificateAuthority root = MakeRoot("ca.org1.example.com");
  PrivateKey peer_key = PrivateKey::Generate().value();
  Certificate signing = root.Issue(Template("peer0.org1.example.com", CertificateUse::kSigning, {"peer"}),
                                   peer_key.public_key())
                            .value();
  CertificateTemplate tls = Template("peer0.org1.example.com", CertificateUse::kTlsServer);
  tls.dns_names = {"peer0.org1.example.com", "localhost"};
  tls.ip_addresses = {"127.0.0.1"};
  Certificate server = root.Issue(tls, peer_key.public_key()).value();
  Certificate client =
      root.Issue(Template("User1@org1.example.com", CertificateUse::kTlsClient), peer_key.public_key())
          .value();
  Write("ca.pem", root.certificate().ToPem());
  Write("signing.pem", signing.ToPem());
  Write("server.pem", server.ToPem());
  Write("client.pem", client.ToPem());

  EXPECT_NE(Openssl("verify -CAfile ca.pem ca.pem").find("ca.pem: OK"), std::string::npos);
  EXPECT_NE(Openssl("verify -CAfile ca.pem signing.pem").find("signing.pem: OK"), std::string::npos);
  EXPECT_NE(
      Openssl("verify -CAfile ca.pem -purpose sslserver -verify_hostname localhost -verify_ip 127.0.0.1 "
              "server.pem")
          .find("server.pem: OK"),
      std::string::npos);
  EXPECT_NE(Openssl("verify -CAfile ca.pem -purpose sslclient client.pem").find("client.pem: OK"),
            std::string::npos);
  // A client certificate is not good for a server, and a foreign CA does not vouch for anything.
  std::string output;
  EXPECT_NE(OpensslStatus("verify -CAfile ca.pem -purpose sslserver client.pem", &output), 0) << output;
  Write("other.pem", MakeRoot("ca.org1.example.com").certificate().ToPem());
  EXPECT_NE(OpensslStatus("verify -CAfile other.pem signing.pem", &output), 0) << output;

  // openssl reads the extensions the way Loom wrote them.
  std::string ski = Openssl("x509 -in signing.pem -noout -ext subjectKeyIdentifier");
  std::string ski_hex = HexEncode(peer_key.public_key().Ski());
  std::string colon_hex;
  for (size_t i = 0; i < ski_hex.size(); i += 2) {
    if (i > 0) colon_hex += ':';
    colon_hex += static_cast<char>(std::toupper(ski_hex[i]));
    colon_hex += static_cast<char>(std::toupper(ski_hex[i + 1]));
  }
  EXPECT_NE(ski.find(colon_hex), std::string::npos) << ski << "\nexpected " << colon_hex;
  std::string text = Openssl("x509 -in server.pem -noout -text");
  EXPECT_NE(text.find("X509v3 Key Usage: critical"), std::string::npos) << text;
  EXPECT_NE(text.find("Digital Signature, Key Encipherment"), std::string::npos) << text;
  EXPECT_NE(text.find("TLS Web Server Authentication, TLS Web Client Authentication"), std::string::npos)
      << text;
  EXPECT_NE(text.find("DNS:peer0.org1.example.com, DNS:localhost, IP Address:127.0.0.1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("X509v3 Basic Constraints: critical"), std::string::npos) << text;
  EXPECT_NE(text.find("Version: 3 (0x2)"), std::string::npos) << text;
}

TEST_F(OpenSslCliTest, IntermediateChainPassesOpensslVerify) {
  CertificateAuthority root = MakeRoot("ca.org1.example.com");
  PrivateKey ica_key = PrivateKey::Generate().value();
  Certificate ica_cert =
      root.Issue(Template("ica.org1.example.com", CertificateUse::kCa), ica_key.public_key()).value();
  CertificateAuthority intermediate(ica_cert, ica_key);
  Certificate leaf = intermediate
                         .Issue(Template("peer0.org1.example.com", CertificateUse::kSigning, {"peer"}),
                                PrivateKey::Generate().value().public_key())
                         .value();
  Write("root.pem", root.certificate().ToPem());
  Write("ica.pem", ica_cert.ToPem());
  Write("leaf.pem", leaf.ToPem());

  EXPECT_NE(Openssl("verify -CAfile root.pem -untrusted ica.pem leaf.pem").find("leaf.pem: OK"),
            std::string::npos);
  EXPECT_NE(Openssl("verify -CAfile root.pem ica.pem").find("ica.pem: OK"), std::string::npos);
  std::string output;
  EXPECT_NE(OpensslStatus("verify -CAfile root.pem leaf.pem", &output), 0) << output;
}

TEST_F(OpenSslCliTest, ExpiredLoomCertificateFailsOpensslVerifyToo) {
  CertificateAuthority root = MakeRoot("ca");
  CertificateTemplate tmpl = Template("old", CertificateUse::kSigning);
  tmpl.not_before = Clock::now() - std::chrono::hours(48);
  tmpl.not_after = Clock::now() - std::chrono::hours(24);
  Write("ca.pem", root.certificate().ToPem());
  Write("old.pem", root.Issue(tmpl, PrivateKey::Generate().value().public_key()).value().ToPem());
  std::string output;
  EXPECT_NE(OpensslStatus("verify -CAfile ca.pem old.pem", &output), 0);
  EXPECT_NE(output.find("certificate has expired"), std::string::npos) << output;
}

}  // namespace
}  // namespace loom::crypto
