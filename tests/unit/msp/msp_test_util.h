// Test helpers: a throw-away organization (root CA, optional intermediate)
// that issues identities with chosen OUs and validity, and writes Fabric MSP
// folders, without depending on cryptogen.
#pragma once

#include "tests/support/temp_dir.h"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/ecdsa.h"
#include "core/crypto/x509.h"
#include "msp/msp_config.pb.h"

namespace loom::msp::testing {

using Clock = crypto::Clock;

struct IssuedIdentity {
  crypto::Certificate certificate;
  crypto::PrivateKey key;
};

struct IssueOptions {
  std::vector<std::string> ous;
  Clock::time_point not_before = Clock::now() - std::chrono::hours(1);
  Clock::time_point not_after = Clock::now() + std::chrono::hours(24 * 365);
  bool from_intermediate = false;  // issue from the org's intermediate CA
  bool as_ca = false;              // issue a CA certificate (not a valid identity)
};

class TestOrg {
 public:
  // A root CA "ca.<domain>" valid from `ca_not_before` for 20 years, and an
  // intermediate CA "ica.<domain>" under it.
  explicit TestOrg(std::string domain,
                   Clock::time_point ca_not_before = Clock::now() - std::chrono::hours(24 * 365 * 5));

  const std::string& domain() const { return domain_; }
  const crypto::Certificate& root() const { return root_.certificate(); }
  const crypto::Certificate& intermediate() const { return intermediate_.certificate(); }

  IssuedIdentity Issue(const std::string& common_name, const IssueOptions& options = {}) const;

  // FabricMSPConfig with NodeOUs (client/peer/admin/orderer certified by the
  // root, or by the intermediate when `with_intermediate`) or, without NodeOUs, `admins` as admin
  // certificates.
  ::msp::FabricMSPConfig Config(const std::string& mspid, bool node_ous,
                                const std::vector<crypto::Certificate>& admins = {},
                                bool with_intermediate = false) const;

  // Writes an MSP folder: cacerts/, tlscacerts/, config.yaml (NodeOUs), and,
  // when `signer` is given, signcerts/ + keystore/.
  void WriteFolder(const std::filesystem::path& dir, const std::optional<IssuedIdentity>& signer) const;

 private:
  std::string domain_;
  crypto::CertificateAuthority root_;
  crypto::CertificateAuthority intermediate_;
};

using ::loom::testing::TempDir;

void WriteText(const std::filesystem::path& path, const std::string& text);

}  // namespace loom::msp::testing
