// CertificateAuthority: builds and signs X.509 v3 certificates the way
// Fabric's cryptogen does (same subject order, SKI, key usages).
#include <openssl/err.h>

#include "core/crypto/hash.h"
#include "core/crypto/openssl_util.h"
#include "core/crypto/x509.h"

namespace loom::crypto {

using internal::TakeOpenSslErrors;

namespace {

Status OpenSslFailure(std::string_view what) {
  return Status::Internal("issuing certificate: " + std::string(what) + ": " + TakeOpenSslErrors());
}

Status AddNameEntry(X509_NAME* name, int nid, std::string_view field, const std::string& value) {
  if (value.empty()) return Status::Ok();
  if (!X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(value.data()),
                                  static_cast<int>(value.size()), -1, 0)) {
    return Status::InvalidArgument("subject." + std::string(field) + " \"" + value +
                                   "\" is not allowed in an X.509 name: " + TakeOpenSslErrors());
  }
  return Status::Ok();
}

// Cryptogen's attribute order (Go's pkix.Name): C, ST, L, O, OU..., CN.
Result<internal::X509NamePtr> BuildName(const DistinguishedName& dn) {
  if (!dn.country.empty() && dn.country.size() != 2) {
    return Status::InvalidArgument("subject.country \"" + dn.country +
                                   "\" must be a two-letter code (e.g. US)");
  }
  if (dn.common_name.empty()) return Status::InvalidArgument("subject.common_name is empty");
  internal::X509NamePtr name(X509_NAME_new());
  if (name == nullptr) return OpenSslFailure("X509_NAME_new");
  LOOM_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_countryName, "country", dn.country));
  LOOM_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_stateOrProvinceName, "province", dn.province));
  LOOM_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_localityName, "locality", dn.locality));
  LOOM_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_organizationName, "organization", dn.organization));
  for (const std::string& unit : dn.organizational_units) {
    if (unit.empty()) return Status::InvalidArgument("subject.organizational_units has an empty entry");
    LOOM_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_organizationalUnitName, "organizational_units", unit));
  }
  LOOM_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_commonName, "common_name", dn.common_name));
  return name;
}

// A random positive serial below 2^128, as cryptogen draws it.
Status SetRandomSerial(X509* cert) {
  internal::BignumPtr serial(BN_new());
  if (serial == nullptr) return OpenSslFailure("BN_new");
  do {
    std::string bytes = RandomBytes(16);
    if (!BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()),
                   serial.get())) {
      return OpenSslFailure("serial number");
    }
  } while (BN_is_zero(serial.get()));
  internal::Asn1IntegerPtr asn1(BN_to_ASN1_INTEGER(serial.get(), nullptr));
  if (asn1 == nullptr || !X509_set_serialNumber(cert, asn1.get())) return OpenSslFailure("serial number");
  return Status::Ok();
}

Status SetValidity(X509* cert, const CertificateTemplate& tmpl) {
  if (tmpl.not_after <= tmpl.not_before) {
    return Status::InvalidArgument("certificate template: not_after must be later than not_before");
  }
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), Clock::to_time_t(tmpl.not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), Clock::to_time_t(tmpl.not_after))) {
    return OpenSslFailure("validity period");
  }
  return Status::Ok();
}

Status AddExtension(X509* cert, int nid, void* value, bool critical, std::string_view what) {
  if (X509_add1_ext_i2d(cert, nid, value, critical ? 1 : 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslFailure(what);
  }
  return Status::Ok();
}

Status AddKeyIdentifiers(X509* cert, const std::string& subject_ski, const std::string& issuer_ski) {
  internal::Asn1OctetStringPtr ski(ASN1_OCTET_STRING_new());
  if (ski == nullptr ||
      !ASN1_OCTET_STRING_set(ski.get(), reinterpret_cast<const unsigned char*>(subject_ski.data()),
                             static_cast<int>(subject_ski.size()))) {
    return OpenSslFailure("subjectKeyIdentifier");
  }
  LOOM_RETURN_IF_ERROR(
      AddExtension(cert, NID_subject_key_identifier, ski.get(), false, "subjectKeyIdentifier"));

  internal::AuthorityKeyIdPtr aki(AUTHORITY_KEYID_new());
  if (aki == nullptr) return OpenSslFailure("authorityKeyIdentifier");
  aki->keyid = ASN1_OCTET_STRING_new();
  if (aki->keyid == nullptr ||
      !ASN1_OCTET_STRING_set(aki->keyid, reinterpret_cast<const unsigned char*>(issuer_ski.data()),
                             static_cast<int>(issuer_ski.size()))) {
    return OpenSslFailure("authorityKeyIdentifier");
  }
  return AddExtension(cert, NID_authority_key_identifier, aki.get(), false, "authorityKeyIdentifier");
}

// Bit numbers of KeyUsage (RFC 5280 4.2.1.3).
constexpr int kDigitalSignature = 0;
constexpr int kKeyEncipherment = 2;
constexpr int kKeyCertSign = 5;
constexpr int kCrlSign = 6;

Status AddUsageExtensions(X509* cert, CertificateUse use) {
  internal::BasicConstraintsPtr constraints(BASIC_CONSTRAINTS_new());
  if (constraints == nullptr) return OpenSslFailure("basicConstraints");
  constraints->ca = use == CertificateUse::kCa ? 0xff : 0;
  LOOM_RETURN_IF_ERROR(
      AddExtension(cert, NID_basic_constraints, constraints.get(), true, "basicConstraints"));

  std::vector<int> usage_bits;
  std::vector<int> extended_usages;
  switch (use) {
    case CertificateUse::kCa:
      usage_bits = {kDigitalSignature, kKeyCertSign, kCrlSign};
      extended_usages = {NID_client_auth, NID_server_auth};  // as cryptogen's CAs carry
      break;
    case CertificateUse::kSigning: usage_bits = {kDigitalSignature}; break;
    case CertificateUse::kTlsServer:
      usage_bits = {kDigitalSignature, kKeyEncipherment};
      extended_usages = {NID_server_auth, NID_client_auth};
      break;
    case CertificateUse::kTlsClient:
      usage_bits = {kDigitalSignature, kKeyEncipherment};
      extended_usages = {NID_client_auth};
      break;
  }
  internal::Asn1BitStringPtr key_usage(ASN1_BIT_STRING_new());
  if (key_usage == nullptr) return OpenSslFailure("keyUsage");
  for (int bit : usage_bits) {
    if (!ASN1_BIT_STRING_set_bit(key_usage.get(), bit, 1)) return OpenSslFailure("keyUsage");
  }
  LOOM_RETURN_IF_ERROR(AddExtension(cert, NID_key_usage, key_usage.get(), true, "keyUsage"));

  if (extended_usages.empty()) return Status::Ok();
  internal::ExtendedKeyUsagePtr eku(sk_ASN1_OBJECT_new_null());
  if (eku == nullptr) return OpenSslFailure("extKeyUsage");
  for (int nid : extended_usages) {
    ASN1_OBJECT* purpose = OBJ_nid2obj(nid);  // a static table entry: no copy needed
    if (purpose == nullptr || !sk_ASN1_OBJECT_push(eku.get(), purpose)) return OpenSslFailure("extKeyUsage");
  }
  return AddExtension(cert, NID_ext_key_usage, eku.get(), false, "extKeyUsage");
}

Status AddSubjectAltNames(X509* cert, const CertificateTemplate& tmpl) {
  if (tmpl.dns_names.empty() && tmpl.ip_addresses.empty()) return Status::Ok();
  internal::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (names == nullptr) return OpenSslFailure("subjectAltName");
  for (size_t i = 0; i < tmpl.dns_names.size(); ++i) {
    const std::string& dns = tmpl.dns_names[i];
    if (dns.empty()) return Status::InvalidArgument("dns_names[" + std::to_string(i) + "] is empty");
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (name == nullptr || text == nullptr ||
        !ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size()))) {
      GENERAL_NAME_free(name);
      ASN1_IA5STRING_free(text);
      return OpenSslFailure("subjectAltName DNS entry");
    }
    GENERAL_NAME_set0_value(name, GEN_DNS, text);
    if (!sk_GENERAL_NAME_push(names.get(), name)) {
      GENERAL_NAME_free(name);
      return OpenSslFailure("subjectAltName");
    }
  }
  for (size_t i = 0; i < tmpl.ip_addresses.size(); ++i) {
    ASN1_OCTET_STRING* address = a2i_IPADDRESS(tmpl.ip_addresses[i].c_str());
    if (address == nullptr) {
      ERR_clear_error();
      return Status::InvalidArgument("ip_addresses[" + std::to_string(i) + "] \"" + tmpl.ip_addresses[i] +
                                     "\" is not an IPv4 or IPv6 address");
    }
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (name == nullptr) {
      ASN1_OCTET_STRING_free(address);
      return OpenSslFailure("subjectAltName IP entry");
    }
    GENERAL_NAME_set0_value(name, GEN_IPADD, address);
    if (!sk_GENERAL_NAME_push(names.get(), name)) {
      GENERAL_NAME_free(name);
      return OpenSslFailure("subjectAltName");
    }
  }
  return AddExtension(cert, NID_subject_alt_name, names.get(), false, "subjectAltName");
}

// True when the certificate's own ECDSA signature has a low S.
bool HasLowSSignature(const X509* cert) {
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, cert);
  if (signature == nullptr) return false;
  Result<bool> low = IsLowS(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(signature)),
                                             static_cast<size_t>(ASN1_STRING_length(signature))));
  return low.ok() && *low;
}

// Builds the certificate for `subject_key` named after `tmpl`, issued by
// `issuer_name`/`issuer_ski` and signed with `issuer_key`.
Result<Certificate> BuildCertificate(const CertificateTemplate& tmpl, const PublicKey& subject_key,
                                     const X509_NAME* issuer_name, const std::string& issuer_ski,
                                     const PrivateKey& issuer_key) {
  if (!subject_key.valid()) return Status::InvalidArgument("certificate subject key is empty");
  if (!issuer_key.valid()) return Status::InvalidArgument("certificate authority has no private key");
  LOOM_ASSIGN_OR_RETURN(internal::X509NamePtr subject, BuildName(tmpl.subject));
  internal::X509Ptr cert(X509_new());
  if (cert == nullptr) return OpenSslFailure("X509_new");
  if (!X509_set_version(cert.get(), X509_VERSION_3)) return OpenSslFailure("version");
  LOOM_RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  if (!X509_set_subject_name(cert.get(), subject.get())) return OpenSslFailure("subject");
  if (!X509_set_issuer_name(cert.get(), issuer_name != nullptr ? issuer_name : subject.get())) {
    return OpenSslFailure("issuer");
  }
  LOOM_RETURN_IF_ERROR(SetValidity(cert.get(), tmpl));
  if (!X509_set_pubkey(cert.get(), subject_key.evp())) return OpenSslFailure("public key");
  LOOM_RETURN_IF_ERROR(AddUsageExtensions(cert.get(), tmpl.use));
  std::string subject_ski = subject_key.Ski();
  LOOM_RETURN_IF_ERROR(
      AddKeyIdentifiers(cert.get(), subject_ski, issuer_ski.empty() ? subject_ski : issuer_ski));
  LOOM_RETURN_IF_ERROR(AddSubjectAltNames(cert.get(), tmpl));

  // Fabric's MSP rewrites certificates whose ECDSA signature is high-S; a
  // fresh nonce gives a new S, so re-signing a few times yields a low one.
  constexpr int kMaxSigningAttempts = 64;
  for (int attempt = 0; attempt < kMaxSigningAttempts; ++attempt) {
    if (X509_sign(cert.get(), issuer_key.evp(), EVP_sha256()) <= 0) return OpenSslFailure("signing");
    if (!HasLowSSignature(cert.get())) continue;
    // Re-parsing the encoding leaves the result in the same state as any
    // certificate read from a file (no builder-side caches).
    int length = i2d_X509(cert.get(), nullptr);
    if (length <= 0) return OpenSslFailure("encoding");
    std::string der(static_cast<size_t>(length), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    i2d_X509(cert.get(), &out);
    return Certificate::FromDer(der);
  }
  return Status::Internal("issuing certificate: no low-S signature after 64 attempts");
}

}  // namespace

CertificateAuthority::CertificateAuthority(Certificate cert, PrivateKey key)
    : cert_(std::move(cert)), key_(std::move(key)) {}

Result<CertificateAuthority> CertificateAuthority::CreateRoot(const CertificateTemplate& tmpl,
                                                              const PrivateKey& key) {
  if (tmpl.use != CertificateUse::kCa) {
    return Status::InvalidArgument("CreateRoot needs a template with use = CertificateUse::kCa");
  }
  LOOM_ASSIGN_OR_RETURN(Certificate cert, BuildCertificate(tmpl, key.public_key(), nullptr, "", key));
  return CertificateAuthority(std::move(cert), key);
}

Result<Certificate> CertificateAuthority::Issue(const CertificateTemplate& tmpl,
                                                const PublicKey& subject_key) const {
  if (!cert_.valid()) return Status::FailedPrecondition("certificate authority has no certificate");
  if (!cert_.IsCa()) {
    return Status::FailedPrecondition("certificate authority's certificate (" + cert_.SubjectString() +
                                      ") is not a CA certificate");
  }
  if (!(key_.public_key() == cert_.public_key())) {
    return Status::FailedPrecondition("certificate authority's private key does not match its certificate");
  }
  // The AKI names the CA's key as its certificate declares it, so chains
  // built by key identifier find the CA even if it was made elsewhere.
  std::string issuer_ski = cert_.SubjectKeyId();
  if (issuer_ski.empty()) issuer_ski = key_.public_key().Ski();
  return BuildCertificate(tmpl, subject_key, X509_get_subject_name(cert_.x509()), issuer_ski, key_);
}

}  // namespace loom::crypto
