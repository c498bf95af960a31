#include "core/crypto/x509.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/crypto/hash.h"
#include "tests/unit/crypto/test_support.h"

namespace loom::crypto {
namespace {

using testing::MakeRoot;
using testing::Seconds;
using testing::Template;

// True when `cert` carries extension `nid` marked critical.
bool IsCritical(const Certificate& cert, int nid) {
  int index = X509_get_ext_by_NID(cert.x509(), nid, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert.x509(), index)) == 1;
}

bool HasExtension(const Certificate& cert, int nid) {
  return X509_get_ext_by_NID(cert.x509(), nid, -1) >= 0;
}

TEST(CertificateAuthorityTest, RootCertificate) {
  PrivateKey key = PrivateKey::Generate().value();
  CertificateTemplate tmpl = Template("ca.org1.example.com", CertificateUse::kCa);
  Result<CertificateAuthority> ca = CertificateAuthority::CreateRoot(tmpl, key);
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  const Certificate& cert = ca->certificate();

  EXPECT_EQ(X509_get_version(cert.x509()), X509_VERSION_3);
  EXPECT_EQ(cert.SubjectString(),
            "CN=ca.org1.example.com,O=org1.example.com,L=San Francisco,ST=California,C=US");
  EXPECT_EQ(cert.IssuerString(), cert.SubjectString());
  EXPECT_TRUE(cert.IsCa());
  EXPECT_TRUE(cert.IsIssuedBy(cert));
  EXPECT_EQ(cert.SubjectKeyId(), key.public_key().Ski());
  EXPECT_EQ(cert.AuthorityKeyId(), cert.SubjectKeyId());
  EXPECT_TRUE(cert.public_key() == key.public_key());
  EXPECT_EQ(cert.NotBefore(), Seconds(tmpl.not_before));
  EXPECT_EQ(cert.NotAfter(), Seconds(tmpl.not_after));
  EXPECT_EQ(X509_get_signature_nid(cert.x509()), NID_ecdsa_with_SHA256);

  EXPECT_TRUE(IsCritical(cert, NID_basic_constraints));
  EXPECT_TRUE(IsCritical(cert, NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(cert.x509()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_EQ(X509_get_extended_key_usage(cert.x509()), static_cast<uint32_t>(XKU_SSL_CLIENT | XKU_SSL_SERVER));
  EXPECT_TRUE(cert.DnsNames().empty());
}

TEST(CertificateAuthorityTest, CreateRootNeedsCaUse) {
  PrivateKey key = PrivateKey::Generate().value();
  EXPECT_TRUE(CertificateAuthority::CreateRoot(Template("x", CertificateUse::kSigning), key)
                  .status()
                  .IsInvalidArgument());
}

TEST(CertificateAuthorityTest, SerialsAreRandomPositive128Bit) {
  CertificateAuthority ca = MakeRoot("ca");
  PublicKey subject = PrivateKey::Generate().value().public_key();
  std::string first = ca.Issue(Template("a", CertificateUse::kSigning), subject).value().SerialHex();
  std::string second = ca.Issue(Template("a", CertificateUse::kSigning), subject).value().SerialHex();
  EXPECT_NE(first, second);
  for (const std::string& serial : {first, second}) {
    EXPECT_FALSE(serial.empty());
    EXPECT_LE(serial.size(), 32u) << serial;
    EXPECT_NE(serial[0], '-') << serial;
    EXPECT_EQ(serial.find_first_not_of("0123456789abcdef"), std::string::npos) << serial;
  }
}

TEST(CertificateAuthorityTest, SigningIdentityWithNodeOus) {
  CertificateAuthority ca = MakeRoot("ca.org1.example.com");
  PrivateKey key = PrivateKey::Generate().value();
  CertificateTemplate tmpl = Template("peer0.org1.example.com", CertificateUse::kSigning, {"peer", "dept7"});
  tmpl.not_after = Clock::now() + std::chrono::hours(48);
  Result<Certificate> cert = ca.Issue(tmpl, key.public_key());
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();

  EXPECT_EQ(
      cert->SubjectString(),
      "CN=peer0.org1.example.com,OU=dept7,OU=peer,O=org1.example.com,L=San Francisco,ST=California,C=US");
  EXPECT_EQ(cert->IssuerString(), ca.certificate().SubjectString());
  EXPECT_EQ(cert->CommonName(), "peer0.org1.example.com");
  EXPECT_EQ(cert->OrganizationalUnits(), (std::vector<std::string>{"peer", "dept7"}));
  EXPECT_EQ(cert->Organizations(), (std::vector<std::string>{"org1.example.com"}));
  EXPECT_FALSE(cert->IsCa());
  EXPECT_TRUE(cert->IsIssuedBy(ca.certificate()));
  EXPECT_FALSE(cert->IsIssuedBy(*cert));
  EXPECT_FALSE(cert->IsIssuedBy(MakeRoot("ca.org1.example.com").certificate()));  // same name, other key
  EXPECT_EQ(cert->SubjectKeyId(), Sha256(key.public_key().RawPoint()));
  EXPECT_EQ(cert->AuthorityKeyId(), ca.certificate().SubjectKeyId());
  EXPECT_TRUE(cert->public_key() == key.public_key());
  EXPECT_EQ(cert->NotAfter(), Seconds(tmpl.not_after));

  EXPECT_TRUE(IsCritical(*cert, NID_basic_constraints));
  EXPECT_EQ(X509_get_key_usage(cert->x509()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_FALSE(HasExtension(*cert, NID_ext_key_usage));
  EXPECT_FALSE(HasExtension(*cert, NID_subject_alt_name));
}

TEST(CertificateAuthorityTest, TlsServerCertificate) {
  CertificateAuthority ca = MakeRoot("tlsca.org1.example.com");
  PublicKey subject = PrivateKey::Generate().value().public_key();
  CertificateTemplate tmpl = Template("peer0.org1.example.com", CertificateUse::kTlsServer);
  tmpl.dns_names = {"peer0.org1.example.com", "peer0", "localhost"};
  tmpl.ip_addresses = {"127.0.0.1", "::1", "10.1.2.3"};
  Result<Certificate> cert = ca.Issue(tmpl, subject);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->DnsNames(), tmpl.dns_names);
  EXPECT_EQ(cert->IpAddresses(), tmpl.ip_addresses);
  EXPECT_EQ(X509_get_key_usage(cert->x509()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(X509_get_extended_key_usage(cert->x509()),
            static_cast<uint32_t>(XKU_SSL_SERVER | XKU_SSL_CLIENT));
  EXPECT_FALSE(cert->IsCa());
  // OpenSSL's own host and IP matching reads the SAN we wrote.
  EXPECT_EQ(X509_check_host(cert->x509(), "peer0", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert->x509(), "::1", 0), 1);
  EXPECT_EQ(X509_check_host(cert->x509(), "peer1", 0, 0, nullptr), 0);
}

TEST(CertificateAuthorityTest, TlsClientCertificate) {
  CertificateAuthority ca = MakeRoot("tlsca");
  CertificateTemplate tmpl = Template("User1@org1.example.com", CertificateUse::kTlsClient);
  Certificate cert = ca.Issue(tmpl, PrivateKey::Generate().value().public_key()).value();
  EXPECT_EQ(X509_get_key_usage(cert.x509()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(X509_get_extended_key_usage(cert.x509()), static_cast<uint32_t>(XKU_SSL_CLIENT));
}

TEST(CertificateAuthorityTest, CertificateSignaturesAreLowS) {
  CertificateAuthority ca = MakeRoot("ca");
  PublicKey subject = PrivateKey::Generate().value().public_key();
  for (int i = 0; i < 20; ++i) {
    Certificate cert = ca.Issue(Template("leaf", CertificateUse::kSigning), subject).value();
    const ASN1_BIT_STRING* signature = nullptr;
    X509_get0_signature(&signature, nullptr, cert.x509());
    std::string der(reinterpret_cast<const char*>(ASN1_STRING_get0_data(signature)),
                    static_cast<size_t>(ASN1_STRING_length(signature)));
    ASSERT_TRUE(IsLowS(der).value()) << "certificate " << i;
  }
}

TEST(CertificateAuthorityTest, BadTemplatesAreExplained) {
  CertificateAuthority ca = MakeRoot("ca");
  PublicKey subject = PrivateKey::Generate().value().public_key();

  CertificateTemplate bad_ip = Template("x", CertificateUse::kTlsServer);
  bad_ip.ip_addresses = {"127.0.0.1", "not-an-ip"};
  Status status = ca.Issue(bad_ip, subject).status();
  EXPECT_TRUE(status.IsInvalidArgument());
  EXPECT_NE(status.message().find("ip_addresses[1]"), std::string::npos) << status.message();

  CertificateTemplate bad_country = Template("x", CertificateUse::kSigning);
  bad_country.subject.country = "USA";
  status = ca.Issue(bad_country, subject).status();
  EXPECT_TRUE(status.IsInvalidArgument());
  EXPECT_NE(status.message().find("country"), std::string::npos) << status.message();

  CertificateTemplate no_name = Template("", CertificateUse::kSigning);
  EXPECT_TRUE(ca.Issue(no_name, subject).status().IsInvalidArgument());

  CertificateTemplate backwards = Template("x", CertificateUse::kSigning);
  backwards.not_after = backwards.not_before - std::chrono::hours(1);
  EXPECT_TRUE(ca.Issue(backwards, subject).status().IsInvalidArgument());

  EXPECT_TRUE(ca.Issue(Template("x", CertificateUse::kSigning), PublicKey()).status().IsInvalidArgument());
}

TEST(CertificateAuthorityTest, RefusesNonCaOrMismatchedKey) {
  CertificateAuthority root = MakeRoot("ca");
  PrivateKey leaf_key = PrivateKey::Generate().value();
  Certificate leaf = root.Issue(Template("leaf", CertificateUse::kSigning), leaf_key.public_key()).value();
  CertificateAuthority not_a_ca(leaf, leaf_key);
  EXPECT_EQ(not_a_ca.Issue(Template("x", CertificateUse::kSigning), leaf_key.public_key()).status().code(),
            Status::Code::kFailedPrecondition);
  CertificateAuthority wrong_key(root.certificate(), leaf_key);
  EXPECT_EQ(wrong_key.Issue(Template("x", CertificateUse::kSigning), leaf_key.public_key()).status().code(),
            Status::Code::kFailedPrecondition);
}

TEST(CertificateTest, PemAndDerRoundTrip) {
  CertificateAuthority ca = MakeRoot("ca");
  const Certificate& cert = ca.certificate();
  std::string pem = cert.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  Result<Certificate> from_pem = Certificate::FromPem(pem);
  ASSERT_TRUE(from_pem.ok()) << from_pem.status().ToString();
  EXPECT_TRUE(*from_pem == cert);
  Result<Certificate> from_der = Certificate::FromDer(cert.ToDer());
  ASSERT_TRUE(from_der.ok()) << from_der.status().ToString();
  EXPECT_TRUE(*from_der == cert);
  EXPECT_EQ(from_der->ToPem(), pem);
  EXPECT_FALSE(*from_der == MakeRoot("ca").certificate());
}

TEST(CertificateTest, AllFromPemReadsEveryCertificate) {
  CertificateAuthority a = MakeRoot("a");
  CertificateAuthority b = MakeRoot("b");
  std::string bundle = a.certificate().ToPem() + "some comment\n" + b.key().ToPem() + b.certificate().ToPem();
  Result<std::vector<Certificate>> certs = Certificate::AllFromPem(bundle);
  ASSERT_TRUE(certs.ok()) << certs.status().ToString();
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ((*certs)[0].CommonName(), "a");
  EXPECT_EQ((*certs)[1].CommonName(), "b");
  // FromPem takes the first.
  EXPECT_EQ(Certificate::FromPem(bundle).value().CommonName(), "a");
}

TEST(CertificateTest, GarbageIsExplained) {
  Result<Certificate> garbage = Certificate::FromPem("just text");
  ASSERT_FALSE(garbage.ok());
  EXPECT_TRUE(garbage.status().IsInvalidArgument());
  EXPECT_NE(garbage.status().message().find("BEGIN CERTIFICATE"), std::string::npos);

  Result<Certificate> key_instead = Certificate::FromPem(PrivateKey::Generate().value().ToPem());
  ASSERT_FALSE(key_instead.ok());
  EXPECT_NE(key_instead.status().message().find("\"PRIVATE KEY\""), std::string::npos)
      << key_instead.status().message();

  std::string pem = MakeRoot("ca").certificate().ToPem();
  std::string truncated = pem.substr(0, pem.size() / 2) + "\n-----END CERTIFICATE-----\n";
  EXPECT_TRUE(Certificate::FromPem(truncated).status().IsInvalidArgument());
  EXPECT_TRUE(Certificate::AllFromPem(pem + truncated).status().IsInvalidArgument());

  EXPECT_TRUE(Certificate::FromDer("").status().IsInvalidArgument());
  EXPECT_TRUE(Certificate::FromDer("\x30\x03\x02\x01\x01").status().IsInvalidArgument());
  std::string der = MakeRoot("ca").certificate().ToDer();
  EXPECT_TRUE(Certificate::FromDer(der + "x").status().IsInvalidArgument());
  EXPECT_TRUE(Certificate::FromDer(der.substr(0, der.size() - 1)).status().IsInvalidArgument());
}

// The same certificate with S flipped to n - S: still a valid signature over
// the same TBSCertificate, the form Go's and OpenSSL's signers produce half the time.
Certificate WithHighS(const Certificate& cert) {
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, cert.x509());
  std::string high =
      testing::FlipS(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(signature)),
                                 static_cast<size_t>(ASN1_STRING_length(signature))));
  X509* copy = X509_dup(cert.x509());
  const ASN1_BIT_STRING* copy_signature = nullptr;
  X509_get0_signature(&copy_signature, nullptr, copy);
  auto* writable = const_cast<ASN1_BIT_STRING*>(copy_signature);
  ASN1_BIT_STRING_set(writable, reinterpret_cast<unsigned char*>(high.data()), static_cast<int>(high.size()));
  writable->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  writable->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  Certificate result = Certificate::FromDer(Certificate::FromX509(copy).ToDer()).value();
  X509_free(copy);
  return result;
}

TEST(CertificateTest, WithLowSSignatureUndoesAHighS) {
  CertificateAuthority ca = MakeRoot("ca");
  Certificate low = ca.Issue(Template("peer0", CertificateUse::kSigning), ca.key().public_key()).value();
  Certificate high = WithHighS(low);
  ASSERT_FALSE(high == low);
  EXPECT_TRUE(high.IsIssuedBy(ca.certificate()));  // OpenSSL accepts either S

  Result<Certificate> sanitized = high.WithLowSSignature();
  ASSERT_TRUE(sanitized.ok()) << sanitized.status().ToString();
  EXPECT_EQ(sanitized->ToDer(), low.ToDer());
  EXPECT_TRUE(sanitized->IsIssuedBy(ca.certificate()));
  // Already low: unchanged.
  EXPECT_EQ(low.WithLowSSignature().value().ToDer(), low.ToDer());
  EXPECT_FALSE(Certificate().WithLowSSignature().ok());
}

TEST(CertificateTest, EmptyCertificateIsHarmless) {
  Certificate empty;
  EXPECT_FALSE(empty.valid());
  EXPECT_EQ(empty.ToPem(), "");
  EXPECT_EQ(empty.SubjectString(), "");
  EXPECT_FALSE(empty.IsCa());
  EXPECT_FALSE(empty.IsIssuedBy(empty));
  EXPECT_FALSE(empty.public_key().valid());
  EXPECT_TRUE(empty == Certificate());
  EXPECT_FALSE(Certificate::FromX509(nullptr).valid());
}

// Fabric CA issues certificates valid until 9999-12-31; past the clock's
// range (2262) NotAfter is the latest time point, never a wrapped-around
// date in the past.
TEST(CertificateTest, NotAfterBeyondTheClockRangeIsTheLatestTimePoint) {
  PrivateKey key = PrivateKey::Generate().value();
  Result<CertificateAuthority> ca =
      CertificateAuthority::CreateRoot(Template("ca.org1.example.com", CertificateUse::kCa), key);
  ASSERT_TRUE(ca.ok());
  X509* copy = X509_dup(ca->certificate().x509());
  ASSERT_TRUE(ASN1_TIME_set_string(X509_getm_notAfter(copy), "99991231235959Z"));
  Certificate far = Certificate::FromX509(copy);
  X509_free(copy);  // `far` holds its own reference
  ASSERT_TRUE(far.valid());
  EXPECT_EQ(far.NotAfter(), Clock::time_point::max());
  EXPECT_GT(far.NotAfter(), Clock::now());
}

}  // namespace
}  // namespace loom::crypto
