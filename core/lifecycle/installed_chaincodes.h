// InstalledChaincodes: the ChaincodeExecutor for user chaincodes that run
// from packages installed on this peer (Fabric's "chaincode is launched from
// the package its org approved").
//
// Execute(invocation) for chaincode NAME on channel C:
//  1. reads the definition in force for NAME on C (`definition`, the
//     committed state, never the simulator: the lookup must not land in the
//     transaction's read set);
//  2. takes the package this peer's org chose for (C, NAME, sequence) when
//     it approved (PackageStore::PackageFor) — without one the peer cannot
//     endorse: FailedPrecondition "no package approved/installed for NAME
//     sequence S on this peer (channel C) ...". Validation is not affected:
//     the committer never runs chaincode;
//  3. when that package differs from the one NAME runs now, stops the
//     running process (`stop`) so the runtime's next launch takes the new
//     package (LaunchSpecFor answers with the selected one);
//  4. hands the invocation to `runtime` (ChaincodeRuntime).
// One process runs per chaincode name on a peer: two channels whose
// definitions of NAME select different packages make it switch back and
// forth (each switch relaunches; a transaction in flight on the process
// being replaced fails and can be retried).
//
// Thread-safe: Execute may run on many threads; selection and the stop are
// serialised per executor. Everything in the options must outlive it.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/chaincode/invocation.h"
#include "core/lifecycle/definition.h"
#include "core/lifecycle/package_store.h"
#include "core/util/status.h"

namespace loom::lifecycle {

struct InstalledChaincodesOptions {
  PackageStore* packages = nullptr;                 // required
  chaincode::ChaincodeExecutor* runtime = nullptr;  // required: runs a chaincode by name
  // Ends the process serving a chaincode (ChaincodeRuntime::Stop); required.
  std::function<void(const std::string& chaincode)> stop;
  // The definition in force for `chaincode` on `channel` (nullopt: none);
  // required.
  std::function<Result<std::optional<ChaincodeDefinition>>(const std::string& channel,
                                                           const std::string& chaincode)>
      definition;
};

class InstalledChaincodes final : public chaincode::ChaincodeExecutor {
 public:
  explicit InstalledChaincodes(InstalledChaincodesOptions options) : options_(std::move(options)) {}

  Result<chaincode::InvocationResult> Execute(const chaincode::Invocation& invocation) override;

  // The package selected for `chaincode` for the definition in force on
  // `channel` (steps 1-2 above), without running anything.
  Result<std::string> SelectPackage(const std::string& channel, const std::string& chaincode) const;

  // How to start `chaincode`: the package the last Execute selected for it
  // (PackageStore::Launch). NotFound when none was selected. For the
  // runtime's LaunchSpecSource.
  Result<LaunchSpec> LaunchSpecFor(const std::string& chaincode);

 private:
  const InstalledChaincodesOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::string> selected_;  // chaincode name -> package id it runs
};

}  // namespace loom::lifecycle
