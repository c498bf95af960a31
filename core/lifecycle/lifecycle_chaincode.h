// LifecycleChaincode: the `_lifecycle` system chaincode, run inside the peer
// behind the chaincode::ChaincodeExecutor seam. args[0] is the function
// name, args[1] the marshalled Fabric argument message
// (peer/lifecycle/lifecycle.proto); a successful answer carries the
// marshalled result message as payload.
//
// Channel functions (need invocation.channel_id and invocation.simulator;
// their writes go through the simulator into the `_lifecycle` namespace, so
// a commit is an ordinary endorsed transaction, validated against the
// channel's LifecycleEndorsement policy like any other):
//   CommitChaincodeDefinition  checks, then writes the definition:
//       name valid (definition.h) and not `_lifecycle`; sequence ==
//       current + 1 (1 for a new chaincode); version valid (every
//       definition needs one); empty plugins become escc / vscc and an empty
//       validation parameter /Channel/Application/Endorsement; the
//       validation parameter parses as ApplicationPolicy and either is a
//       signature policy that compiles and names only the channel's
//       application orgs' MSPs, or references a channel policy that
//       resolves (endorsement_policy.h); no collections (Loom has no private
//       data). A refusal is response 500 whose message names the field.
//   ApproveChaincodeDefinitionForMyOrg  accepted for compatibility with
//       Fabric's CLI and scripts: the same checks as Commit, writes nothing
//       (Loom's orgs approve by endorsing the commit, see
//       docs/design/0005-chaincode-lifecycle.md); a local package source is
//       checked to be installed and recorded as this peer's choice
//       (PackageStore::RecordChoice). Result: empty
//       ApproveChaincodeDefinitionForMyOrgResult.
//   CheckCommitReadiness  the same checks as Commit; every application org
//       is reported true (its approval is its endorsement of the commit).
//   QueryChaincodeDefinition   one definition (500 "... not found" when
//       absent); approvals is left empty (not recorded on the channel).
//   QueryChaincodeDefinitions  every definition, sorted by name.
//   QueryApprovedChaincodeDefinition  refused with 500: Loom records no
//       per-org approvals.
// Install-side functions (peer-local: only without a channel — on a channel
// they are refused, so they never reach a ledger; the simulator is not used;
// the endorser has already checked that the creator is an admin of the
// peer's MSP, and authorize_install may check again):
//   InstallChaincode  ParsePackage checks the bytes (a bad package is 500
//       naming the part); at most kMaxInstallPackageBytes; the result is
//       InstallChaincodeResult{package_id, label}. Installing the same
//       bytes again is a success with the same id (Fabric answers "chaincode
//       already successfully installed" as an error; Loom's answer lets
//       scripts install idempotently).
//   QueryInstalledChaincode, QueryInstalledChaincodes,
//   GetInstalledChaincodePackage on the PackageStore.
// Any other function: 500 naming it.
//
// Result contract (invocation.h): business refusals are OK results with
// status 500; a Status error only when the state cannot be read
// (Corruption / IoError from the ledger) or the channel config is missing.
// Thread-safe: Execute may run for many invocations at once.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/chaincode/invocation.h"
#include "core/channelconfig/channel_config.h"
#include "core/lifecycle/package_store.h"
#include "core/util/status.h"

namespace loom::lifecycle {

// The largest package InstallChaincode accepts: the gRPC message limit of
// Loom's peer and clients (and Fabric's default) is 100 MiB, and the
// proposal that carries a package must fit in one message.
inline constexpr size_t kMaxInstallPackageBytes = 100u << 20;

struct LifecycleChaincodeOptions {
  // The installed packages; null = the install-side functions are refused.
  // Must outlive the chaincode.
  PackageStore* packages = nullptr;
  // The current config of a channel the peer has joined (NotFound
  // otherwise). Required for the channel functions.
  std::function<Result<std::shared_ptr<const channelconfig::ChannelConfig>>(const std::string& channel_id)>
      channel_config;
  // Who may call the install-side functions (Fabric: an admin of the
  // peer's own MSP). A non-OK status refuses the call (500 with its
  // message); unset = anyone (tests).
  std::function<Status(const chaincode::Invocation&)> authorize_install;
};

class LifecycleChaincode final : public chaincode::ChaincodeExecutor {
 public:
  explicit LifecycleChaincode(LifecycleChaincodeOptions options) : options_(std::move(options)) {}

  Result<chaincode::InvocationResult> Execute(const chaincode::Invocation& invocation) override;

 private:
  LifecycleChaincodeOptions options_;
};

}  // namespace loom::lifecycle
