// ValidationPlugin: the per-chaincode part of transaction validation
// (Fabric's VSCC plugins). TxValidator (tx_validator.h) does the generic
// checks (headers, creator, tx id, the endorsed action, the write-set rule,
// endorsement signatures), then hands the parsed transaction to the plugin
// the chaincode's definition names (its `validation_plugin`, default
// "vscc"), which gives the verdict.
//
// Plugins in the builtin registry (BuiltinValidationPlugins):
//   "vscc"     the endorsement policy over the counted endorsers
//              (ENDORSEMENT_POLICY_FAILURE when not satisfied);
//   "fabcoin"  the endorsement policy AND Fabcoin's rules
//              (fabcoin_plugin.h);
//   "_lifecycle" `_lifecycle`'s own: LifecycleEndorsement for definition
//              commits, one org's endorsement for an approval that writes
//              nothing (lifecycle_plugin.h).
// A plugin's rejection is ENDORSEMENT_POLICY_FAILURE, as Fabric maps every
// error of a validation plugin; the explanation names the rule.
//
// Contract for plugins: deterministic (the verdict depends only on the
// transaction, the channel's MSPs and policy, and the committed state before
// the block, read through PluginChannel::state) and safe to call from many
// threads at once. An error (not a verdict) only when the state cannot be
// read: no code for that would be deterministic, so the block fails.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "common/policies.pb.h"
#include "core/channelconfig/policy_manager.h"
#include "core/crypto/x509.h"
#include "core/util/status.h"
#include "core/validator/tx_rwset.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::validator {

inline constexpr char kVsccPluginName[] = "vscc";

// A key of the committed state before the block: its value, nullopt when
// absent. Errors only for I/O.
using CommittedStateReader = std::function<Result<std::optional<ledger::VersionedValue>>(
    const std::string& ns, const std::string& key)>;

// One endorser transaction, parsed and past TxValidator's generic checks.
struct PluginTransaction {
  std::string tx_id;
  std::string chaincode;  // the invoked chaincode (its namespace)
  const common::ChannelHeader* channel_header = nullptr;
  const protos::ChaincodeAction* action = nullptr;  // response, events, chaincode id
  const TxReadWriteSet* rwset = nullptr;
  // The proposal's ChaincodeInput args: args[0] is the function.
  std::vector<std::string> args;
  // The endorsements whose signatures verified (distinct identities).
  const channelconfig::SignatureCheck* endorsements = nullptr;
};

// What the plugin may consult besides the transaction.
struct PluginChannel {
  std::string channel_id;
  const common::SignaturePolicyEnvelope* endorsement_policy = nullptr;  // the chaincode's
  crypto::Clock::time_point identity_time;
  CommittedStateReader state;  // may be empty: the plugin then reads nothing
};

struct PluginVerdict {
  protos::TxValidationCode code = protos::VALID;
  std::string explanation;  // empty when VALID
};

class ValidationPlugin {
 public:
  virtual ~ValidationPlugin() = default;
  virtual Result<PluginVerdict> Validate(const PluginTransaction& tx, const PluginChannel& channel) const = 0;
};

// The builtin rule both plugins start with: the counted endorsers satisfy
// the chaincode's endorsement policy. INVALID_OTHER_REASON for a policy
// that does not compile.
PluginVerdict CheckEndorsementPolicy(const PluginTransaction& tx, const PluginChannel& channel);

// Plugins by name. Immutable once built; shared by every validator thread.
class ValidationPluginRegistry {
 public:
  void Register(const std::string& name, std::shared_ptr<const ValidationPlugin> plugin);
  // nullptr when no plugin has that name.
  const ValidationPlugin* Find(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::shared_ptr<const ValidationPlugin>> plugins_;
};

// "vscc", "fabcoin" and "_lifecycle".
std::shared_ptr<const ValidationPluginRegistry> BuiltinValidationPlugins();

}  // namespace loom::validator
