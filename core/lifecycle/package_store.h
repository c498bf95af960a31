// PackageStore: the chaincode packages installed on one peer (Fabric's
// persistence.Store), and what the chaincode runtime needs to start one.
//
// Layout under `dir`:
//   LABEL.HASH.tar.gz   each installed package, as installed (Fabric's name)
//   run/LABEL.HASH/     its code, extracted on first Launch
//   choices.json        which package an org chose for (channel, chaincode,
//                       sequence) through ApproveChaincodeDefinitionForMyOrg
//                       (Fabric keeps this in the org's implicit private
//                       collection; Loom keeps it peer-local: the approving
//                       peer records it, see design 0005)
// Install is idempotent: the same bytes give the same id and change nothing.
// Files are written atomically, so a crash leaves an installed package whole
// or absent.
//
// Thread safety: all methods may be called from any thread; they serialize
// on one mutex. Only one PackageStore may use a dir at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lifecycle/package.h"
#include "core/util/status.h"

namespace loom::lifecycle {

struct InstalledPackage {
  std::string id;
  std::string label;
  PackageMetadata metadata;
};

// What the chaincode runtime needs to start (or dial) a chaincode.
struct LaunchSpec {
  PackageType type = PackageType::kNative;
  std::string chaincode_id;                   // the package id, which the chaincode registers with
  std::string executable;                     // native: absolute path of the executable
  std::string package_dir;                    // node: absolute path of the folder holding package.json
  std::optional<CcaasConnection> connection;  // ccaas
};

class PackageStore {
 public:
  // Creates `dir` when missing and reads what is installed. InvalidArgument
  // / IoError naming a file that cannot be read back.
  static Result<std::unique_ptr<PackageStore>> Open(const std::string& dir);

  // Checks the package (package.h) and stores it; its id. Idempotent.
  Result<std::string> Install(std::string_view package_bytes);
  // Every installed package, sorted by id.
  std::vector<InstalledPackage> List() const;
  // NotFound naming the id.
  Result<InstalledPackage> Find(const std::string& package_id) const;
  Result<std::string> PackageBytes(const std::string& package_id) const;

  // Extracts the code (once) and describes how to start it. For native
  // packages the executable is made executable (0755).
  Result<LaunchSpec> Launch(const std::string& package_id);

  // Which installed package runs `chaincode` at `sequence` on `channel`,
  // recorded when this peer's org approves (lifecycle_chaincode.h).
  Status RecordChoice(const std::string& channel, const std::string& chaincode, int64_t sequence,
                      const std::string& package_id);
  // The package chosen by approval for (channel, chaincode, sequence).
  // NotFound when this peer recorded no choice for it (Fabric's rule: an org
  // runs only the package it approved — no guessing by label), or when the
  // chosen package is not installed (both name the chaincode and sequence).
  Result<std::string> PackageFor(const std::string& channel, const std::string& chaincode,
                                 int64_t sequence) const;

  const std::string& dir() const { return dir_; }

 private:
  explicit PackageStore(std::string dir) : dir_(std::move(dir)) {}
  Status LoadLocked();
  Status SaveChoicesLocked() const;
  std::string PackageFileLocked(const std::string& package_id) const;

  const std::string dir_;
  mutable std::mutex mutex_;
  std::map<std::string, InstalledPackage> installed_;  // by id
  // "channel\x1fchaincode\x1fsequence" -> package id
  std::map<std::string, std::string> choices_;
};

}  // namespace loom::lifecycle
