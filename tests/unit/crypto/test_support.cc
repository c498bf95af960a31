#include "tests/unit/crypto/test_support.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>

#include "core/crypto/hash.h"

namespace loom::crypto::testing {

void WriteTextFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int RunShell(const std::string& command, std::string* output) {
  TempDir capture_dir;
  std::string capture = capture_dir.File("output.txt");
  int status = std::system((command + " >'" + capture + "' 2>&1 </dev/null").c_str());
  if (output != nullptr) *output = ReadTextFile(capture);
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

bool OpenSslCliAvailable() {
  static const bool available = RunShell("openssl version") == 0;
  return available;
}

std::string FlipS(const std::string& der_signature) {
  const auto* in = reinterpret_cast<const unsigned char*>(der_signature.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der_signature.size()));
  if (sig == nullptr) throw std::runtime_error("FlipS: not a DER signature");
  BIGNUM* order = nullptr;
  BN_hex2bn(&order, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  BIGNUM* flipped = BN_new();
  BN_sub(flipped, order, ECDSA_SIG_get0_s(sig));
  ECDSA_SIG_set0(sig, BN_dup(ECDSA_SIG_get0_r(sig)), flipped);
  BN_free(order);
  unsigned char* out = nullptr;
  int length = i2d_ECDSA_SIG(sig, &out);
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(length));
  OPENSSL_free(out);
  ECDSA_SIG_free(sig);
  return result;
}

DistinguishedName OrgName(const std::string& common_name, std::vector<std::string> units) {
  DistinguishedName name;
  name.common_name = common_name;
  name.organizational_units = std::move(units);
  name.organization = "org1.example.com";
  name.country = "US";
  name.province = "California";
  name.locality = "San Francisco";
  return name;
}

CertificateTemplate Template(const std::string& common_name, CertificateUse use,
                             std::vector<std::string> units) {
  CertificateTemplate tmpl;
  tmpl.subject = OrgName(common_name, std::move(units));
  tmpl.use = use;
  return tmpl;
}

CertificateAuthority MakeRoot(const std::string& common_name) {
  Result<PrivateKey> key = PrivateKey::Generate();
  if (!key.ok()) throw std::runtime_error(key.status().ToString());
  Result<CertificateAuthority> ca =
      CertificateAuthority::CreateRoot(Template(common_name, CertificateUse::kCa), *key);
  if (!ca.ok()) throw std::runtime_error(ca.status().ToString());
  return std::move(ca).value();
}

}  // namespace loom::crypto::testing
