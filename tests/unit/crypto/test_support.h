// Helpers shared by the crypto tests: temp dirs, files, the openssl CLI, and
// crafting signatures the library itself would never produce.
#pragma once

#include "tests/support/temp_dir.h"

#include <chrono>
#include <filesystem>
#include <string>

#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"

namespace loom::crypto::testing {

using ::loom::testing::TempDir;

void WriteTextFile(const std::string& path, const std::string& data);
std::string ReadTextFile(const std::string& path);

// Runs `command` through /bin/sh with stdout+stderr captured; returns the
// exit status (or -1 if it did not exit normally) and fills `output`.
int RunShell(const std::string& command, std::string* output = nullptr);
bool OpenSslCliAvailable();

// Replaces S by n - S (so a low-S signature becomes high-S and vice versa)
// using OpenSSL directly, independently of loom::crypto::ToLowS.
std::string FlipS(const std::string& der_signature);

// A DistinguishedName / template in cryptogen's style.
DistinguishedName OrgName(const std::string& common_name, std::vector<std::string> units = {});
CertificateTemplate Template(const std::string& common_name, CertificateUse use,
                             std::vector<std::string> units = {});
// A root CA with a fresh key.
CertificateAuthority MakeRoot(const std::string& common_name);

// Whole seconds: certificate times have one-second resolution.
inline Clock::time_point Seconds(Clock::time_point t) {
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

}  // namespace loom::crypto::testing
