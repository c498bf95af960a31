// X.509 certificates: parse, inspect, issue (a small CA) and verify chains.
// Certificates are immutable and safe to share across threads.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/ecdsa.h"
#include "core/util/status.h"

typedef struct x509_st X509;

namespace loom::crypto {

using Clock = std::chrono::system_clock;

class Certificate {
 public:
  Certificate() = default;
  // The first certificate of a PEM text.
  static Result<Certificate> FromPem(std::string_view pem);
  // Every certificate of a PEM text (at least one).
  static Result<std::vector<Certificate>> AllFromPem(std::string_view pem);
  static Result<Certificate> FromDer(std::string_view der);
  // Takes a reference on `x509`; an empty Certificate when it is null.
  static Certificate FromX509(X509* x509);

  bool valid() const { return x509_ != nullptr; }
  std::string ToPem() const;
  std::string ToDer() const;

  // Subject and issuer as "CN=peer0.org1.example.com,OU=peer,O=Org1,C=US".
  std::string SubjectString() const;
  std::string IssuerString() const;
  std::string CommonName() const;
  std::vector<std::string> OrganizationalUnits() const;
  std::vector<std::string> Organizations() const;
  std::string SerialHex() const;
  Clock::time_point NotBefore() const;
  Clock::time_point NotAfter() const;
  bool IsCa() const;
  // Empty when the extension is absent.
  std::string SubjectKeyId() const;
  std::string AuthorityKeyId() const;
  std::vector<std::string> DnsNames() const;
  std::vector<std::string> IpAddresses() const;  // textual form
  // Empty (valid() == false) when the certificate's key is not ECDSA P-256.
  PublicKey public_key() const;

  // True when this certificate's signature verifies with `issuer`'s key and
  // its issuer name equals the issuer's subject.
  bool IsIssuedBy(const Certificate& issuer) const;

  // This certificate with its ECDSA signature's S replaced by n - S when S is
  // high, as Fabric's MSP sanitizeCert does before comparing identities (Go
  // and OpenSSL sign with either S). Still verifies with the same issuer key;
  // returned unchanged when already low-S or not ECDSA-signed.
  Result<Certificate> WithLowSSignature() const;

  X509* x509() const { return x509_.get(); }
  bool operator==(const Certificate& other) const;  // DER equality

 private:
  std::shared_ptr<X509> x509_;
};

struct DistinguishedName {
  std::string common_name;
  std::vector<std::string> organizational_units;  // NodeOU roles go here: client, peer, admin, orderer
  std::string organization;
  std::string country;
  std::string province;
  std::string locality;
};

enum class CertificateUse {
  kCa,         // CA: keyCertSign, cRLSign, digitalSignature; basicConstraints CA:TRUE
  kSigning,    // an identity: digitalSignature; basicConstraints CA:FALSE
  kTlsServer,  // digitalSignature, keyEncipherment; extKeyUsage serverAuth+clientAuth
  kTlsClient,  // digitalSignature, keyEncipherment; extKeyUsage clientAuth
};

struct CertificateTemplate {
  DistinguishedName subject;
  CertificateUse use = CertificateUse::kSigning;
  std::vector<std::string> dns_names;     // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries ("127.0.0.1", "::1")
  Clock::time_point not_before = Clock::now() - std::chrono::minutes(5);
  Clock::time_point not_after = Clock::now() + std::chrono::hours(24 * 365 * 10);
};

// A certificate authority: a CA certificate and its private key.
// Certificates are X.509 v3 with a random positive 128-bit serial, signed
// ecdsa-with-SHA256 with a low-S signature. They carry SKI (SHA-256 of the
// subject key's point, as cryptogen does), AKI (the issuer's SKI; a root's
// is its own), basicConstraints and keyUsage (both critical), extKeyUsage
// and SANs from the template. Subject attributes are written in cryptogen's
// order: C, ST, L, O, OU..., CN (empty fields are left out). Immutable and
// safe to share across threads.
class CertificateAuthority {
 public:
  // A self-signed root CA for `key`; `tmpl.use` must be kCa.
  static Result<CertificateAuthority> CreateRoot(const CertificateTemplate& tmpl, const PrivateKey& key);
  CertificateAuthority(Certificate cert, PrivateKey key);

  const Certificate& certificate() const { return cert_; }
  const PrivateKey& key() const { return key_; }

  // A certificate for `subject_key` (use = kCa gives an intermediate CA).
  // InvalidArgument for a bad template (empty common name, country that is
  // not two letters, unparsable IP, not_after <= not_before);
  // FailedPrecondition when this CA's certificate is not a CA or does not
  // match its key.
  Result<Certificate> Issue(const CertificateTemplate& tmpl, const PublicKey& subject_key) const;

 private:
  Certificate cert_;
  PrivateKey key_;
};

// Verifies that `leaf` chains to one of `roots` through `intermediates`
// (signatures, names, CA flags) and that every certificate on the chain is
// valid at `at`. PermissionDenied names the reason ("certificate has
// expired", "unable to get local issuer certificate", ...).
// On success returns the chain, leaf first, root last.
Result<std::vector<Certificate>> VerifyChain(const Certificate& leaf, std::span<const Certificate> roots,
                                             std::span<const Certificate> intermediates,
                                             Clock::time_point at = Clock::now());

}  // namespace loom::crypto
