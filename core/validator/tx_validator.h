// TxValidator: the per-transaction checks of block validation (Fabric's
// txvalidator + the builtin VSCC), each transaction judged by itself so any
// number of them can be checked at once. The in-block duplicate rule, which
// depends on order, is applied by ValidateBlockInParallel
// (parallel_validation.h).
//
// Checks, in order; the first failing one decides the code:
//  1. Envelope and headers (Fabric's ValidateTransaction):
//     BAD_PAYLOAD      envelope or payload does not parse, no payload;
//     BAD_COMMON_HEADER no header, signature header malformed, no creator or
//                      nonce;
//     BAD_CHANNEL_HEADER channel header malformed, no tx id, epoch != 0
//                      (Fabric reports these as BAD_COMMON_HEADER; Loom names
//                      the layer);
//     UNSUPPORTED_TX_PAYLOAD a header type other than ENDORSER_TRANSACTION
//                      or CONFIG.
//  2. TARGET_CHAIN_NOT_FOUND: the channel header names another channel.
//  3. BAD_CREATOR_SIGNATURE: the creator is not a valid identity of a
//     channel MSP at `identity_time` (malformed, unknown MSP, invalid or
//     expired certificate) or its signature over the payload does not verify
//     (wrong key or data, high-S, not DER).
//  4. BAD_PROPOSAL_TXID: tx id != hex SHA-256(nonce || creator) (endorser
//     transactions).
//  5. DUPLICATE_TXID: `tx_id_committed` says the tx id is already in the
//     ledger. A lookup error makes Validate return the error.
//  6. INVALID_ENDORSER_TRANSACTION (Fabric's validateEndorserTransaction):
//     the Transaction, its action (exactly one), the action's signature
//     header (creator and nonce), ChaincodeActionPayload or
//     ProposalResponsePayload do not parse, or the proposal hash does not
//     match SHA-256(channel header || action signature header || proposal
//     payload). Then, as Fabric's plugin dispatcher: BAD_HEADER_EXTENSION
//     (channel header extension), BAD_RESPONSE_PAYLOAD (ChaincodeAction),
//     INVALID_OTHER_REASON (either names no chaincode), INVALID_CHAINCODE
//     (empty name, the two names differ, no version).
//  7. BAD_RWSET: the read-write set does not decode (tx_rwset.h).
//  8. ILLEGAL_WRITESET: a namespace appears twice, or a namespace other
//     than the invoked chaincode's is written (or deleted). No system
//     namespace is exempt: Loom has no system chaincode writing through user
//     transactions yet, and a chaincode-to-chaincode call on the same
//     channel that writes the callee's namespace is refused too (Fabric
//     checks each written namespace against that chaincode's own policy;
//     Loom checks only the invoked one's, so it must refuse).
//  9. Endorsements: each signature over proposal_response_payload ||
//     endorser is checked with the endorser's identity (valid channel-MSP
//     member at `identity_time`, low-S); a bad one or a repeated identity is
//     ignored, as Fabric's policy evaluation ignores it, and listed in
//     `ignored_endorsements` and the explanation. INVALID_CHAINCODE when
//     `endorsement_policy` says NotFound for the chaincode (as Fabric when
//     no definition exists; any other lookup error makes Validate return it,
//     since no code for it would be deterministic); INVALID_OTHER_REASON for
//     a policy that does not compile; ENDORSEMENT_POLICY_FAILURE when the
//     counted endorsers do not satisfy it, explained by the policy evaluator
//     (which principals found no identity, which signatures counted, which
//     not and why).
// 10. The validation plugin (validation_plugin.h): `validation_plugin` names
//     the chaincode's (default "vscc" = the policy check of step 9, which
//     every builtin plugin starts with); INVALID_CHAINCODE when it says
//     NotFound, INVALID_OTHER_REASON naming an unknown plugin, else the
//     plugin's verdict (its errors — state reads — are returned).
// CONFIG transactions stop after step 3 as VALID: their content is checked
// by the channel-config path, not here.
//
// Thread safety: Validate is const and may run on many threads at once; the
// MSP manager and the lookup functions must be safe to call concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/policies.pb.h"
#include "core/crypto/x509.h"
#include "core/msp/msp_manager.h"
#include "core/util/status.h"
#include "core/validator/validation_plugin.h"
#include "peer/transaction.pb.h"

namespace loom::validator {

// The chaincode's endorsement policy; NotFound for an unknown chaincode.
using EndorsementPolicyLookup =
    std::function<Result<common::SignaturePolicyEnvelope>(const std::string& chaincode)>;
// Whether a tx id is already committed (e.g. BlockStore::GetTxLocation).
using CommittedTxIdLookup = std::function<Result<bool>(const std::string& tx_id)>;
// The validation plugin the chaincode's definition names; NotFound for an
// unknown chaincode.
using ValidationPluginLookup = std::function<Result<std::string>(const std::string& chaincode)>;

struct TxValidatorConfig {
  std::string channel_id;
  const msp::MspManager* msps = nullptr;  // the channel's MSPs; must outlive the validator
  EndorsementPolicyLookup endorsement_policy;
  CommittedTxIdLookup tx_id_committed;       // optional: no ledger check without it
  ValidationPluginLookup validation_plugin;  // optional: "vscc" for every chaincode without it
  // Optional: BuiltinValidationPlugins() without it.
  std::shared_ptr<const ValidationPluginRegistry> plugins;
  // The committed state before the block, for plugins that read it
  // (fabcoin); optional: such plugins then find every key absent.
  CommittedStateReader committed_state;
  // When identities are judged (validity windows): the peer passes the
  // time it validates at.
  crypto::Clock::time_point identity_time = crypto::Clock::now();
};

struct TxVerdict {
  protos::TxValidationCode code = protos::VALID;
  int32_t header_type = -1;  // common.HeaderType; -1 when the header did not parse
  std::string tx_id;         // empty when the channel header did not parse
  std::string chaincode;     // the invoked chaincode (endorser transactions)
  // Why the code is not VALID; empty when VALID.
  std::string explanation;
  // Endorsements that were not counted and why ("endorsement 1 (Org2MSP
  // peer0.org2.example.com): bad signature: ..."), whatever the code.
  std::vector<std::string> ignored_endorsements;
};

class TxValidator {
 public:
  explicit TxValidator(TxValidatorConfig config) : config_(std::move(config)) {}

  // The verdict for one marshalled common.Envelope; an error only when the
  // committed-tx-id lookup or the policy lookup fails (other than NotFound).
  Result<TxVerdict> Validate(std::string_view envelope_bytes) const;

  const TxValidatorConfig& config() const { return config_; }

 private:
  TxValidatorConfig config_;
};

}  // namespace loom::validator
