#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/crypto/x509.h"
#include "tests/unit/crypto/test_support.h"

namespace loom::crypto {
namespace {

using std::chrono::hours;
using testing::MakeRoot;
using testing::Template;

Certificate IssueLeaf(const CertificateAuthority& ca, const std::string& name = "peer0.org1.example.com") {
  return ca
      .Issue(Template(name, CertificateUse::kSigning, {"peer"}), PrivateKey::Generate().value().public_key())
      .value();
}

CertificateAuthority IssueIntermediate(const CertificateAuthority& root) {
  PrivateKey key = PrivateKey::Generate().value();
  Certificate cert =
      root.Issue(Template("ica.org1.example.com", CertificateUse::kCa), key.public_key()).value();
  return CertificateAuthority(cert, key);
}

std::vector<std::string> Names(const std::vector<Certificate>& chain) {
  std::vector<std::string> names;
  for (const Certificate& cert : chain) names.push_back(cert.CommonName());
  return names;
}

TEST(VerifyChainTest, LeafUnderRoot) {
  CertificateAuthority root = MakeRoot("ca.org1.example.com");
  Certificate leaf = IssueLeaf(root);
  std::vector<Certificate> roots = {root.certificate()};
  Result<std::vector<Certificate>> chain = VerifyChain(leaf, roots, {});
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ(Names(*chain), (std::vector<std::string>{"peer0.org1.example.com", "ca.org1.example.com"}));
  EXPECT_TRUE((*chain)[0] == leaf);
  EXPECT_TRUE((*chain)[1] == root.certificate());
}

TEST(VerifyChainTest, RootVerifiesAgainstItself) {
  CertificateAuthority root = MakeRoot("ca");
  std::vector<Certificate> roots = {root.certificate()};
  Result<std::vector<Certificate>> chain = VerifyChain(root.certificate(), roots, {});
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ(chain->size(), 1u);
}

TEST(VerifyChainTest, UnknownIssuer) {
  CertificateAuthority root = MakeRoot("ca.org1.example.com");
  CertificateAuthority other = MakeRoot("ca.org2.example.com");
  Certificate leaf = IssueLeaf(root);
  std::vector<Certificate> roots = {other.certificate()};
  Result<std::vector<Certificate>> chain = VerifyChain(leaf, roots, {});
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(chain.status().IsPermissionDenied());
  EXPECT_NE(chain.status().message().find("unable to get local issuer certificate"), std::string::npos)
      << chain.status().message();
  EXPECT_NE(chain.status().message().find("CN=peer0.org1.example.com"), std::string::npos)
      << chain.status().message();
}

TEST(VerifyChainTest, SameNameDifferentKeyIsRejected) {
  CertificateAuthority root = MakeRoot("ca.org1.example.com");
  CertificateAuthority impostor = MakeRoot("ca.org1.example.com");
  Certificate leaf = IssueLeaf(root);
  std::vector<Certificate> roots = {impostor.certificate()};
  Result<std::vector<Certificate>> chain = VerifyChain(leaf, roots, {});
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(chain.status().IsPermissionDenied()) << chain.status().ToString();
}

TEST(VerifyChainTest, ExpiredLeaf) {
  CertificateTemplate root_tmpl = Template("ca", CertificateUse::kCa);
  root_tmpl.not_before = Clock::now() - hours(72);
  CertificateAuthority root =
      CertificateAuthority::CreateRoot(root_tmpl, PrivateKey::Generate().value()).value();
  CertificateTemplate tmpl = Template("old.org1.example.com", CertificateUse::kSigning);
  tmpl.not_before = Clock::now() - hours(48);
  tmpl.not_after = Clock::now() - hours(24);
  Certificate leaf = root.Issue(tmpl, PrivateKey::Generate().value().public_key()).value();
  std::vector<Certificate> roots = {root.certificate()};
  Result<std::vector<Certificate>> chain = VerifyChain(leaf, roots, {});
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(chain.status().IsPermissionDenied());
  EXPECT_NE(chain.status().message().find("certificate has expired"), std::string::npos)
      << chain.status().message();
  EXPECT_NE(chain.status().message().find("CN=old.org1.example.com"), std::string::npos)
      << chain.status().message();
  // It was valid while it lived (and the root already existed).
  Result<std::vector<Certificate>> earlier = VerifyChain(leaf, roots, {}, Clock::now() - hours(36));
  EXPECT_TRUE(earlier.ok()) << earlier.status().ToString();
}

TEST(VerifyChainTest, NotYetValidLeaf) {
  CertificateAuthority root = MakeRoot("ca");
  CertificateTemplate tmpl = Template("future", CertificateUse::kSigning);
  tmpl.not_before = Clock::now() + hours(24);
  tmpl.not_after = Clock::now() + hours(48);
  Certificate leaf = root.Issue(tmpl, PrivateKey::Generate().value().public_key()).value();
  std::vector<Certificate> roots = {root.certificate()};
  Result<std::vector<Certificate>> chain = VerifyChain(leaf, roots, {});
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.status().message().find("certificate is not yet valid"), std::string::npos)
      << chain.status().message();
  EXPECT_TRUE(VerifyChain(leaf, roots, {}, Clock::now() + hours(30)).ok());
}

TEST(VerifyChainTest, ExpiredRootNamesTheRoot) {
  CertificateTemplate tmpl = Template("ca.short-lived", CertificateUse::kCa);
  tmpl.not_after = Clock::now() + hours(1);
  CertificateAuthority root = CertificateAuthority::CreateRoot(tmpl, PrivateKey::Generate().value()).value();
  Certificate leaf = IssueLeaf(root);
  std::vector<Certificate> roots = {root.certificate()};
  Result<std::vector<Certificate>> chain = VerifyChain(leaf, roots, {}, Clock::now() + hours(2));
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.status().message().find("certificate has expired"), std::string::npos);
  EXPECT_NE(chain.status().message().find("CN=ca.short-lived"), std::string::npos)
      << chain.status().message();
}

TEST(VerifyChainTest, ViaIntermediate) {
  CertificateAuthority root = MakeRoot("ca.org1.example.com");
  CertificateAuthority intermediate = IssueIntermediate(root);
  EXPECT_TRUE(intermediate.certificate().IsCa());
  EXPECT_EQ(intermediate.certificate().AuthorityKeyId(), root.certificate().SubjectKeyId());
  Certificate leaf = IssueLeaf(intermediate);
  EXPECT_EQ(leaf.AuthorityKeyId(), intermediate.certificate().SubjectKeyId());

  std::vector<Certificate> roots = {root.certificate()};
  std::vector<Certificate> intermediates = {intermediate.certificate()};
  Result<std::vector<Certificate>> chain = VerifyChain(leaf, roots, intermediates);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ(Names(*chain), (std::vector<std::string>{"peer0.org1.example.com", "ica.org1.example.com",
                                                     "ca.org1.example.com"}));

  // Without the intermediate there is no path.
  Result<std::vector<Certificate>> missing = VerifyChain(leaf, roots, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("unable to get local issuer certificate"), std::string::npos);
  // An intermediate is not a trust anchor.
  Result<std::vector<Certificate>> untrusted = VerifyChain(leaf, intermediates, {});
  ASSERT_FALSE(untrusted.ok());
}

TEST(VerifyChainTest, NonCaIssuerIsRejected) {
  CertificateAuthority root = MakeRoot("ca");
  PrivateKey leaf_key = PrivateKey::Generate().value();
  Certificate leaf = root.Issue(Template("leaf", CertificateUse::kSigning), leaf_key.public_key()).value();
  // CertificateAuthority refuses to issue from a CA:FALSE certificate, so
  // forge such a child with OpenSSL directly: re-parent a certificate onto
  // the leaf (dropping its AKI, which names the root) and sign it with the leaf's key.
  Certificate template_cert = IssueLeaf(root, "child");
  X509* child = X509_dup(template_cert.x509());
  ASSERT_NE(child, nullptr);
  X509_EXTENSION_free(X509_delete_ext(child, X509_get_ext_by_NID(child, NID_authority_key_identifier, -1)));
  X509_set_issuer_name(child, X509_get_subject_name(leaf.x509()));
  ASSERT_GT(X509_sign(child, leaf_key.evp(), EVP_sha256()), 0);
  Certificate forged = Certificate::FromDer(Certificate::FromX509(child).ToDer()).value();
  X509_free(child);
  EXPECT_TRUE(forged.IsIssuedBy(leaf));

  std::vector<Certificate> roots = {root.certificate()};
  std::vector<Certificate> intermediates = {leaf};
  Result<std::vector<Certificate>> chain = VerifyChain(forged, roots, intermediates);
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(chain.status().IsPermissionDenied());
  EXPECT_NE(chain.status().message().find("invalid CA certificate"), std::string::npos)
      << chain.status().message();
  EXPECT_NE(chain.status().message().find("CN=leaf"), std::string::npos) << chain.status().message();
}

TEST(VerifyChainTest, SharedCertificatesAcrossThreads) {
  CertificateAuthority root = MakeRoot("ca.org1.example.com");
  CertificateAuthority intermediate = IssueIntermediate(root);
  Certificate leaf = IssueLeaf(intermediate);
  std::vector<Certificate> roots = {root.certificate()};
  std::vector<Certificate> intermediates = {intermediate.certificate()};
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Result<std::vector<Certificate>> chain = VerifyChain(leaf, roots, intermediates);
        if (!chain.ok() || chain->size() != 3 || leaf.SubjectKeyId().empty() || leaf.DnsNames().size() != 0 ||
            !leaf.IsIssuedBy(intermediate.certificate())) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : failures) EXPECT_EQ(count, 0);
}

TEST(VerifyChainTest, EmptyInputsAreRejected) {
  CertificateAuthority root = MakeRoot("ca");
  std::vector<Certificate> roots = {root.certificate()};
  EXPECT_TRUE(VerifyChain(Certificate(), roots, {}).status().IsInvalidArgument());
  Result<std::vector<Certificate>> no_roots = VerifyChain(IssueLeaf(root), {}, {});
  EXPECT_TRUE(no_roots.status().IsPermissionDenied());
  std::vector<Certificate> empty_root = {Certificate()};
  EXPECT_TRUE(VerifyChain(IssueLeaf(root), empty_root, {}).status().IsInvalidArgument());
}

}  // namespace
}  // namespace loom::crypto
