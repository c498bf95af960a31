// Certificate: parsing and read-only accessors.
#include "core/crypto/x509.h"

#include <arpa/inet.h>

#include <cctype>
#include <ctime>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/crypto/openssl_util.h"

namespace loom::crypto {

using internal::BioPtr;
using internal::TakeOpenSslErrors;
using internal::X509Ptr;

namespace {

constexpr std::string_view kPemCertBegin = "-----BEGIN CERTIFICATE-----";

std::string Asn1StringToUtf8(const ASN1_STRING* value) {
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) {
    ERR_clear_error();
    return {};
  }
  std::string text(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

std::string Asn1Bytes(const ASN1_STRING* value) {
  if (value == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<size_t>(ASN1_STRING_length(value)));
}

// Every value of attribute `nid` in `name`, in encoding order.
std::vector<std::string> NameEntries(const X509_NAME* name, int nid) {
  std::vector<std::string> values;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    values.push_back(Asn1StringToUtf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))));
  }
  return values;
}

// "CN=peer0,OU=peer,O=Org1,C=US": most specific first, as Go's pkix.Name
// prints it (RFC 2253), with UTF-8 left unescaped.
std::string NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return {};
  constexpr unsigned long kFlags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  if (X509_NAME_print_ex(bio.get(), name, 0, kFlags) < 0) {
    ERR_clear_error();
    return {};
  }
  return internal::BioContents(bio.get());
}

Clock::time_point Asn1TimeToTimePoint(const ASN1_TIME* time) {
  std::tm parts{};
  if (time == nullptr || !ASN1_TIME_to_tm(time, &parts)) {
    ERR_clear_error();
    return Clock::time_point{};
  }
  // Clock counts nanoseconds in 64 bits (years 1677..2262); Fabric CA's
  // customary NotAfter of 9999-12-31 must not wrap into the past.
  const time_t seconds = timegm(&parts);
  const auto latest =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::max().time_since_epoch());
  const auto earliest =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::min().time_since_epoch());
  if (seconds >= latest.count()) return Clock::time_point::max();
  if (seconds <= earliest.count()) return Clock::time_point::min();
  return Clock::from_time_t(seconds);
}

std::string_view PemLabel(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  size_t start = pem.find(kBegin);
  if (start == std::string_view::npos) return {};
  start += kBegin.size();
  size_t end = pem.find("-----", start);
  return end == std::string_view::npos ? std::string_view() : pem.substr(start, end - start);
}

Status NoCertificateBlock(std::string_view pem) {
  std::string_view label = PemLabel(pem);
  if (!label.empty()) {
    return Status::InvalidArgument("PEM holds a \"" + std::string(label) +
                                   "\" block, not a \"CERTIFICATE\" block");
  }
  return Status::InvalidArgument("not a PEM certificate: no \"-----BEGIN CERTIFICATE-----\" line");
}

Certificate Adopt(X509Ptr cert) {
  Certificate wrapped = Certificate::FromX509(cert.get());
  return wrapped;  // FromX509 took its own reference; `cert` drops ours
}

}  // namespace

// ---- construction ----------------------------------------------------------

Certificate Certificate::FromX509(X509* x509) {
  Certificate cert;
  if (x509 == nullptr || !X509_up_ref(x509)) return cert;
  // Filling OpenSSL's cached extension data now (it is otherwise computed
  // lazily on first use) keeps every later accessor a pure read.
  X509_check_purpose(x509, -1, 0);
  ERR_clear_error();
  cert.x509_ = std::shared_ptr<X509>(x509, X509_free);
  return cert;
}

Result<std::vector<Certificate>> Certificate::AllFromPem(std::string_view pem) {
  if (pem.find(kPemCertBegin) == std::string_view::npos) return NoCertificateBlock(pem);
  BioPtr bio = internal::ReadBio(pem);
  if (bio == nullptr) return Status::InvalidArgument("certificate PEM is too large");
  std::vector<Certificate> certs;
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert == nullptr) {
      unsigned long error = ERR_peek_last_error();
      // Running out of CERTIFICATE blocks ends the text; anything else is damage.
      if (!certs.empty() && ERR_GET_LIB(error) == ERR_LIB_PEM &&
          ERR_GET_REASON(error) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        break;
      }
      return Status::InvalidArgument("cannot parse PEM certificate #" + std::to_string(certs.size() + 1) +
                                     ": " + TakeOpenSslErrors());
    }
    certs.push_back(Adopt(std::move(cert)));
  }
  return certs;
}

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  if (pem.find(kPemCertBegin) == std::string_view::npos) return NoCertificateBlock(pem);
  BioPtr bio = internal::ReadBio(pem);
  if (bio == nullptr) return Status::InvalidArgument("certificate PEM is too large");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return Status::InvalidArgument("cannot parse PEM certificate: " + TakeOpenSslErrors());
  return Adopt(std::move(cert));
}

Result<Certificate> Certificate::FromDer(std::string_view der) {
  if (der.empty()) return Status::InvalidArgument("DER certificate is empty");
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &in, static_cast<long>(der.size())));
  if (cert == nullptr) {
    return Status::InvalidArgument("not a DER X.509 certificate (" + std::to_string(der.size()) +
                                   " bytes): " + TakeOpenSslErrors());
  }
  size_t consumed = static_cast<size_t>(in - reinterpret_cast<const unsigned char*>(der.data()));
  if (consumed != der.size()) {
    return Status::InvalidArgument("DER certificate has " + std::to_string(der.size() - consumed) +
                                   " trailing bytes");
  }
  return Adopt(std::move(cert));
}

// ---- encoding --------------------------------------------------------------

std::string Certificate::ToPem() const {
  if (!valid()) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || !PEM_write_bio_X509(bio.get(), x509_.get())) {
    ERR_clear_error();
    return {};
  }
  return internal::BioContents(bio.get());
}

std::string Certificate::ToDer() const {
  if (!valid()) return {};
  int length = i2d_X509(x509_.get(), nullptr);
  if (length <= 0) {
    ERR_clear_error();
    return {};
  }
  std::string der(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(x509_.get(), &out);
  return der;
}

// ---- accessors -------------------------------------------------------------

std::string Certificate::SubjectString() const {
  return valid() ? NameToString(X509_get_subject_name(x509_.get())) : std::string();
}

std::string Certificate::IssuerString() const {
  return valid() ? NameToString(X509_get_issuer_name(x509_.get())) : std::string();
}

std::string Certificate::CommonName() const {
  if (!valid()) return {};
  std::vector<std::string> names = NameEntries(X509_get_subject_name(x509_.get()), NID_commonName);
  return names.empty() ? std::string() : names.front();
}

std::vector<std::string> Certificate::OrganizationalUnits() const {
  if (!valid()) return {};
  return NameEntries(X509_get_subject_name(x509_.get()), NID_organizationalUnitName);
}

std::vector<std::string> Certificate::Organizations() const {
  if (!valid()) return {};
  return NameEntries(X509_get_subject_name(x509_.get()), NID_organizationName);
}

std::string Certificate::SerialHex() const {
  if (!valid()) return {};
  internal::BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509_.get()), nullptr));
  if (serial == nullptr) {
    ERR_clear_error();
    return {};
  }
  char* hex = BN_bn2hex(serial.get());
  std::string text(hex != nullptr ? hex : "");
  OPENSSL_free(hex);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Clock::time_point Certificate::NotBefore() const {
  return valid() ? Asn1TimeToTimePoint(X509_get0_notBefore(x509_.get())) : Clock::time_point{};
}

Clock::time_point Certificate::NotAfter() const {
  return valid() ? Asn1TimeToTimePoint(X509_get0_notAfter(x509_.get())) : Clock::time_point{};
}

bool Certificate::IsCa() const {
  return valid() && (X509_get_extension_flags(x509_.get()) & EXFLAG_CA) != 0;
}

std::string Certificate::SubjectKeyId() const {
  return valid() ? Asn1Bytes(X509_get0_subject_key_id(x509_.get())) : std::string();
}

std::string Certificate::AuthorityKeyId() const {
  return valid() ? Asn1Bytes(X509_get0_authority_key_id(x509_.get())) : std::string();
}

namespace {

// Values of the subjectAltName entries of `type` (GEN_DNS or GEN_IPADD).
std::vector<std::string> AltNames(X509* cert, int type) {
  std::vector<std::string> values;
  internal::GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names == nullptr) {
    ERR_clear_error();
    return values;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != type) continue;
    if (type == GEN_DNS) {
      values.push_back(Asn1Bytes(name->d.dNSName));
      continue;
    }
    std::string address = Asn1Bytes(name->d.iPAddress);
    char text[INET6_ADDRSTRLEN] = {};
    int family = address.size() == 4 ? AF_INET : address.size() == 16 ? AF_INET6 : 0;
    if (family != 0 && inet_ntop(family, address.data(), text, sizeof(text)) != nullptr) {
      values.emplace_back(text);
    }
  }
  return values;
}

}  // namespace

std::vector<std::string> Certificate::DnsNames() const {
  return valid() ? AltNames(x509_.get(), GEN_DNS) : std::vector<std::string>();
}

std::vector<std::string> Certificate::IpAddresses() const {
  return valid() ? AltNames(x509_.get(), GEN_IPADD) : std::vector<std::string>();
}

PublicKey Certificate::public_key() const {
  if (!valid()) return {};
  Result<PublicKey> key = PublicKey::FromEvp(X509_get0_pubkey(x509_.get()));
  ERR_clear_error();
  return key.ok() ? std::move(key).value() : PublicKey();
}

bool Certificate::IsIssuedBy(const Certificate& issuer) const {
  if (!valid() || !issuer.valid()) return false;
  if (X509_NAME_cmp(X509_get_issuer_name(x509_.get()), X509_get_subject_name(issuer.x509_.get())) != 0) {
    return false;
  }
  EVP_PKEY* issuer_key = X509_get0_pubkey(issuer.x509_.get());
  bool verified = issuer_key != nullptr && X509_verify(x509_.get(), issuer_key) == 1;
  ERR_clear_error();
  return verified;
}

bool Certificate::operator==(const Certificate& other) const {
  if (!valid() || !other.valid()) return valid() == other.valid();
  return X509_cmp(x509_.get(), other.x509_.get()) == 0;
}

}  // namespace loom::crypto
