// Internal to core/crypto: RAII owners for OpenSSL objects and error text.
// Not part of the public API; other modules use hash.h, ecdsa.h and x509.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/util/status.h"

namespace loom::crypto::internal {

template <typename T, void (*Free)(T*)>
struct OsslDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using OsslPtr = std::unique_ptr<T, OsslDeleter<T, Free>>;

inline void FreeBio(BIO* bio) {
  BIO_free(bio);
}
inline void FreeGeneralNames(GENERAL_NAMES* names) {
  GENERAL_NAMES_free(names);
}
inline void FreeExtendedKeyUsage(EXTENDED_KEY_USAGE* eku) {
  sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}
inline void FreeX509Stack(STACK_OF(X509) * certs) {
  sk_X509_pop_free(certs, X509_free);
}

using BioPtr = OsslPtr<BIO, FreeBio>;
using BignumPtr = OsslPtr<BIGNUM, BN_free>;
using EcdsaSigPtr = OsslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using PkeyPtr = OsslPtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using X509Ptr = OsslPtr<X509, X509_free>;
using X509NamePtr = OsslPtr<X509_NAME, X509_NAME_free>;
using X509StorePtr = OsslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OsslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509StackPtr = OsslPtr<STACK_OF(X509), FreeX509Stack>;
using Asn1IntegerPtr = OsslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1OctetStringPtr = OsslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using Asn1BitStringPtr = OsslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;
using AuthorityKeyIdPtr = OsslPtr<AUTHORITY_KEYID, AUTHORITY_KEYID_free>;
using BasicConstraintsPtr = OsslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>;
using GeneralNamesPtr = OsslPtr<GENERAL_NAMES, FreeGeneralNames>;
using ExtendedKeyUsagePtr = OsslPtr<EXTENDED_KEY_USAGE, FreeExtendedKeyUsage>;

// A read-only memory BIO over `data` (which must outlive the BIO).
BioPtr ReadBio(std::string_view data);
// Everything written so far to a memory BIO.
std::string BioContents(BIO* bio);

// Drains this thread's OpenSSL error queue into one line ("a; b"), or
// "no OpenSSL error detail" when it is empty. Every failure path calls it (or
// ERR_clear_error) so a stale error never leaks into an unrelated call.
std::string TakeOpenSslErrors();

// Parses a strict DER ECDSA signature: exactly SEQUENCE{INTEGER r, INTEGER s}
// with minimal encodings, no trailing bytes, and 0 < r, s. InvalidArgument
// otherwise. Strictness matters: a lax parser would let one signature have
// several encodings, which Fabric forbids.
Result<EcdsaSigPtr> ParseDerSignature(std::string_view der);
// DER of `sig`; empty on failure.
std::string EncodeDerSignature(const ECDSA_SIG* sig);

// The P-256 group order n and n/2, created once.
const BIGNUM* P256Order();
const BIGNUM* P256HalfOrder();

// Empty when `pkey` is an EC key on the named curve P-256; otherwise a
// sentence saying which algorithm or curve it is instead.
std::string DescribeNonP256(const EVP_PKEY* pkey);

}  // namespace loom::crypto::internal
