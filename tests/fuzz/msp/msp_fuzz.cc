// Serialized identities arrive in every creator and endorser field from the
// network, and config.yaml comes from MSP folders users hand to Loom: both
// must be rejected cleanly when malformed, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"
#include "core/msp/identity.h"
#include "core/msp/msp.h"
#include "core/msp/msp_config_yaml.h"
#include "core/msp/serialized_identity.h"
#include "msp/msp_config.pb.h"

namespace {

// One MSP with a fresh root CA, made once: inputs are deserialized against it.
const loom::msp::Msp& FuzzMsp() {
  static const loom::msp::Msp msp = [] {
    using namespace loom::crypto;
    auto key = PrivateKey::Generate();
    CertificateTemplate root;
    root.subject.common_name = "ca.fuzz.example.com";
    root.subject.organization = "fuzz.example.com";
    root.use = CertificateUse::kCa;
    auto ca = CertificateAuthority::CreateRoot(root, *key);
    ::msp::FabricMSPConfig config;
    config.set_name("FuzzMSP");
    config.add_root_certs(ca->certificate().ToPem());
    config.add_admins(ca->certificate().ToPem());
    auto built = loom::msp::Msp::FromFabricMspConfig(config);
    return built.ok() ? *built : loom::msp::Msp();
  }();
  return msp;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)loom::msp::ParseMspConfigYaml(bytes, "config.yaml");
  if (auto parts = loom::msp::DecodeSerializedIdentity(bytes); parts.ok()) {
    const loom::msp::Msp& msp = FuzzMsp();
    if (msp.valid()) {
      if (auto identity = msp.DeserializeIdentity(bytes); identity.ok()) (void)identity->Validate();
    }
  }
  return 0;
}
