// Certificates and keys arrive from the network (serialized identities) and
// from MSP folders: parsing arbitrary bytes must fail cleanly, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using namespace loom::crypto;
  if (auto cert = Certificate::FromDer(bytes); cert.ok()) {
    (void)cert->SubjectString();
    (void)cert->OrganizationalUnits();
    (void)cert->SubjectKeyId();
    (void)cert->DnsNames();
  }
  if (auto certs = Certificate::AllFromPem(bytes); certs.ok()) {
    for (const auto& cert : *certs) (void)cert.ToDer();
  }
  (void)PrivateKey::FromPem(bytes);
  (void)PublicKey::FromPem(bytes);
  (void)PublicKey::FromDer(bytes);
  (void)IsLowS(bytes);
  (void)ToLowS(bytes);
  return 0;
}
