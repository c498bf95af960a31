// Cryptogen: keys and certificates for every org of a scenario, in Fabric
// cryptogen's folder layout (layout.h), with NodeOUs enabled as cryptogen 2.x
// does.
//
// Per org: a CA "ca.<domain>" and a TLS CA "tlsca.<domain>" (subject O=<domain>,
// L=San Francisco, ST=California, C=US); for each peer, orderer, the Admin and
// each user a signing certificate "CN=<name>, OU=<peer|orderer|admin|client>"
// and a TLS certificate (nodes: SANs <fqdn>, <short name>, localhost,
// 127.0.0.1, ::1). Private keys are PKCS#8 PEM files with mode 0600.
//
// Re-running keeps every key and certificate that is still right (parses,
// matches its key, issued by the org's current CA, same name/role/SANs, not
// expired) and rewrites nothing when nothing changed; force regenerates all.
// Each org folder is installed whole (file_tree.h): a failure leaves it as
// it was. Not safe to run concurrently on the same output folder.
#pragma once

#include <string>
#include <vector>

#include "core/config/scenario.h"
#include "core/crypto/x509.h"
#include "core/util/status.h"

namespace loom::cryptogen {

using Clock = crypto::Clock;

struct GenerateOptions {
  bool force = false;
  // Issuance time of new certificates (valid from now - 5 min for 10 years)
  // and the time at which existing ones must not have expired.
  Clock::time_point now = Clock::now();
};

struct OrgSummary {
  std::string name;
  std::string mspid;
  std::string domain;
  int identities_written = 0;  // CAs, nodes and users given new keys or certificates
  int identities_kept = 0;
  bool folder_changed = false;  // some file of the org folder was (re)written
};

struct GenerateSummary {
  std::vector<OrgSummary> orgs;
  int identities_written() const;
  int identities_kept() const;
};

// Generates (or completes) the material of every org of `scenario` under
// `out_dir`, which is created if missing. The scenario is validated first
// (config::ValidateScenario) and its error returned unchanged; nothing is
// written then.
Result<GenerateSummary> GenerateCrypto(const config::Scenario& scenario, const std::string& out_dir,
                                       const GenerateOptions& options = {});

}  // namespace loom::cryptogen
