#include "core/validator/tx_validator.h"

#include <memory>
#include <set>
#include <span>

#include "common/common.pb.h"
#include "core/channelconfig/policy_manager.h"
#include "core/msp/policy_identity.h"
#include "core/policy/compiled_signature_policy.h"
#include "core/protocol/proposal_hash.h"
#include "core/protocol/txid.h"
#include "core/validator/tx_rwset.h"
#include "peer/chaincode.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"

namespace loom::validator {
namespace {

std::string Rejection(const channelconfig::RejectedSignature& rejected) {
  std::string who = rejected.signer.empty() ? "" : " (" + rejected.signer + ")";
  return who + ": " + std::string(channelconfig::SignatureRejectionName(rejected.reason)) + ": " +
         rejected.detail;
}

// The endorser-transaction layers below the payload.
struct EndorsedAction {
  protos::ChaincodeActionPayload action_payload;
  protos::ProposalResponsePayload response_payload;
  protos::ChaincodeAction chaincode_action;
  std::string action_header;  // the TransactionAction's signature header bytes
};

// INVALID_ENDORSER_TRANSACTION problems, as Fabric's validateEndorserTransaction.
Status ParseEndorsedAction(const common::Payload& payload, EndorsedAction* out) {
  protos::Transaction transaction;
  if (!transaction.ParseFromString(payload.data()))
    return Status::InvalidArgument("payload data is not a peer.Transaction");
  if (transaction.actions_size() != 1) {
    return Status::InvalidArgument("transaction has " + std::to_string(transaction.actions_size()) +
                                   " actions; exactly one is allowed");
  }
  const protos::TransactionAction& action = transaction.actions(0);
  out->action_header = action.header();
  common::SignatureHeader action_header;
  if (!action_header.ParseFromString(action.header()) || action_header.creator().empty() ||
      action_header.nonce().empty()) {
    return Status::InvalidArgument("the action's signature header is malformed or lacks creator or nonce");
  }
  if (!out->action_payload.ParseFromString(action.payload()))
    return Status::InvalidArgument("transaction action payload is not a ChaincodeActionPayload");
  if (!out->action_payload.has_action())
    return Status::InvalidArgument("ChaincodeActionPayload has no endorsed action");
  if (!out->response_payload.ParseFromString(out->action_payload.action().proposal_response_payload()))
    return Status::InvalidArgument("proposal_response_payload is not a ProposalResponsePayload");
  return Status::Ok();
}

}  // namespace

Result<TxVerdict> TxValidator::Validate(std::string_view envelope_bytes) const {
  TxVerdict verdict;
  auto fail = [&verdict](protos::TxValidationCode code, std::string why) -> Result<TxVerdict> {
    verdict.code = code;
    verdict.explanation = std::move(why);
    return verdict;
  };

  // 1. Envelope and headers.
  common::Envelope envelope;
  if (!envelope.ParseFromArray(envelope_bytes.data(), static_cast<int>(envelope_bytes.size())))
    return fail(protos::BAD_PAYLOAD, "envelope is malformed");
  if (envelope.payload().empty()) return fail(protos::BAD_PAYLOAD, "envelope has no payload");
  common::Payload payload;
  if (!payload.ParseFromString(envelope.payload())) return fail(protos::BAD_PAYLOAD, "payload is malformed");
  if (!payload.has_header()) return fail(protos::BAD_COMMON_HEADER, "payload has no header");
  common::ChannelHeader channel_header;
  if (!channel_header.ParseFromString(payload.header().channel_header()))
    return fail(protos::BAD_CHANNEL_HEADER, "channel header is malformed");
  verdict.header_type = channel_header.type();
  verdict.tx_id = channel_header.tx_id();
  common::SignatureHeader signature_header;
  if (!signature_header.ParseFromString(payload.header().signature_header()))
    return fail(protos::BAD_COMMON_HEADER, "signature header is malformed");
  if (signature_header.creator().empty())
    return fail(protos::BAD_COMMON_HEADER, "signature header has no creator");
  if (signature_header.nonce().empty())
    return fail(protos::BAD_COMMON_HEADER, "signature header has no nonce");
  if (channel_header.epoch() != 0) {
    return fail(protos::BAD_CHANNEL_HEADER,
                "channel header epoch is " + std::to_string(channel_header.epoch()) + ", not 0");
  }
  const bool is_endorser = channel_header.type() == common::ENDORSER_TRANSACTION;
  if (!is_endorser && channel_header.type() != common::CONFIG) {
    return fail(protos::UNSUPPORTED_TX_PAYLOAD, "header type " + std::to_string(channel_header.type()) +
                                                    " is not ENDORSER_TRANSACTION or CONFIG");
  }
  if (channel_header.tx_id().empty() && is_endorser)
    return fail(protos::BAD_CHANNEL_HEADER, "channel header has no tx id");

  // 2. Channel.
  if (channel_header.channel_id() != config_.channel_id) {
    return fail(protos::TARGET_CHAIN_NOT_FOUND, "transaction is for channel '" + channel_header.channel_id() +
                                                    "', this is channel '" + config_.channel_id + "'");
  }

  // 3. Creator and its signature.
  protocol::SignedData creator_signed{envelope.payload(), signature_header.creator(), envelope.signature()};
  channelconfig::SignatureCheck creator_check =
      channelconfig::CheckSignatures(*config_.msps, std::span(&creator_signed, 1), config_.identity_time);
  if (creator_check.counted.empty()) {
    std::string why =
        creator_check.rejected.empty() ? ": not counted" : Rejection(creator_check.rejected.front());
    return fail(protos::BAD_CREATOR_SIGNATURE, "creator" + why);
  }
  if (!is_endorser) return verdict;

  // 4. Tx id.
  std::string expected_tx_id = protocol::ComputeTxId(signature_header.nonce(), signature_header.creator());
  if (channel_header.tx_id() != expected_tx_id) {
    return fail(protos::BAD_PROPOSAL_TXID, "tx id '" + channel_header.tx_id() +
                                               "' is not SHA-256(nonce || creator) = " + expected_tx_id);
  }

  // 5. Already committed.
  if (config_.tx_id_committed) {
    LOOM_ASSIGN_OR_RETURN(bool committed, config_.tx_id_committed(channel_header.tx_id()));
    if (committed)
      return fail(protos::DUPLICATE_TXID, "tx id " + channel_header.tx_id() + " is already committed");
  }

  // 6. The endorsed action. The proposal hash covers the channel header and
  // the action's own signature header, as Fabric stitches them.
  EndorsedAction action;
  if (Status parsed = ParseEndorsedAction(payload, &action); !parsed.ok())
    return fail(protos::INVALID_ENDORSER_TRANSACTION, parsed.message());
  std::string proposal_hash =
      protocol::ComputeProposalHashOfBytes(payload.header().channel_header(), action.action_header,
                                           action.action_payload.chaincode_proposal_payload());
  if (action.response_payload.proposal_hash() != proposal_hash) {
    return fail(protos::INVALID_ENDORSER_TRANSACTION,
                "the endorsed proposal hash does not match the transaction's headers and proposal payload");
  }
  // The chaincode (Fabric's plugin dispatcher).
  protos::ChaincodeHeaderExtension extension;
  if (!extension.ParseFromString(channel_header.extension()))
    return fail(protos::BAD_HEADER_EXTENSION, "channel header extension is not a ChaincodeHeaderExtension");
  if (!action.chaincode_action.ParseFromString(action.response_payload.extension()))
    return fail(protos::BAD_RESPONSE_PAYLOAD, "ProposalResponsePayload extension is not a ChaincodeAction");
  if (!extension.has_chaincode_id())
    return fail(protos::INVALID_OTHER_REASON, "channel header extension names no chaincode");
  if (!action.chaincode_action.has_chaincode_id())
    return fail(protos::INVALID_OTHER_REASON, "the ChaincodeAction names no chaincode");
  verdict.chaincode = extension.chaincode_id().name();
  if (verdict.chaincode.empty()) return fail(protos::INVALID_CHAINCODE, "the invoked chaincode has no name");
  if (verdict.chaincode != action.chaincode_action.chaincode_id().name()) {
    return fail(protos::INVALID_CHAINCODE, "the proposal invokes chaincode '" + verdict.chaincode +
                                               "' but the endorsed action is of '" +
                                               action.chaincode_action.chaincode_id().name() + "'");
  }
  if (action.chaincode_action.chaincode_id().version().empty())
    return fail(protos::INVALID_CHAINCODE, "the endorsed action names no chaincode version");

  // 7-8. Write set.
  Result<TxReadWriteSet> rwset = ExtractTxReadWriteSet(envelope_bytes);
  if (!rwset.ok()) return fail(protos::BAD_RWSET, rwset.status().message());
  std::set<std::string_view> seen;
  for (const NsReadWriteSet& ns : rwset->namespaces) {
    if (!seen.insert(ns.ns).second)
      return fail(protos::ILLEGAL_WRITESET, "namespace '" + ns.ns + "' appears twice in the read-write set");
    if (ns.writes.empty() || ns.ns == verdict.chaincode) continue;
    return fail(protos::ILLEGAL_WRITESET, "chaincode '" + verdict.chaincode + "' writes key '" +
                                              ns.writes.front().key + "' of namespace '" + ns.ns +
                                              "'; only its own namespace may be written");
  }

  // 9. Endorsements and the endorsement policy.
  const protos::ChaincodeEndorsedAction& endorsed = action.action_payload.action();
  std::vector<protocol::SignedData> endorsements;
  endorsements.reserve(static_cast<size_t>(endorsed.endorsements_size()));
  for (const protos::Endorsement& endorsement : endorsed.endorsements()) {
    endorsements.push_back(protocol::SignedData{endorsed.proposal_response_payload() + endorsement.endorser(),
                                                endorsement.endorser(), endorsement.signature()});
  }
  channelconfig::SignatureCheck check =
      channelconfig::CheckSignatures(*config_.msps, endorsements, config_.identity_time);
  for (const channelconfig::RejectedSignature& rejected : check.rejected)
    verdict.ignored_endorsements.push_back("endorsement " + std::to_string(rejected.index) +
                                           Rejection(rejected));

  Result<common::SignaturePolicyEnvelope> envelope_policy = config_.endorsement_policy(verdict.chaincode);
  if (!envelope_policy.ok()) {
    // Anything but "no such chaincode" is the peer's own failure: no code
    // for it would be deterministic, so the block's validation fails.
    if (!envelope_policy.status().IsNotFound())
      return envelope_policy.status().WithContext("endorsement policy of chaincode '" + verdict.chaincode +
                                                  "'");
    return fail(protos::INVALID_CHAINCODE, "endorsement policy of chaincode '" + verdict.chaincode +
                                               "': " + envelope_policy.status().message());
  }
  // 10. The chaincode's validation plugin.
  std::string plugin_name = kVsccPluginName;
  if (config_.validation_plugin) {
    Result<std::string> named = config_.validation_plugin(verdict.chaincode);
    if (!named.ok()) {
      if (!named.status().IsNotFound())
        return named.status().WithContext("validation plugin of chaincode '" + verdict.chaincode + "'");
      return fail(protos::INVALID_CHAINCODE,
                  "validation plugin of chaincode '" + verdict.chaincode + "': " + named.status().message());
    }
    if (!named->empty()) plugin_name = *named;
  }
  const std::shared_ptr<const ValidationPluginRegistry> registry =
      config_.plugins ? config_.plugins : BuiltinValidationPlugins();
  const ValidationPlugin* plugin = registry->Find(plugin_name);
  if (plugin == nullptr) {
    return fail(protos::INVALID_OTHER_REASON, "chaincode '" + verdict.chaincode +
                                                  "' names validation plugin '" + plugin_name +
                                                  "', which this peer does not have");
  }
  PluginTransaction plugin_tx;
  plugin_tx.tx_id = channel_header.tx_id();
  plugin_tx.chaincode = verdict.chaincode;
  plugin_tx.channel_header = &channel_header;
  plugin_tx.action = &action.chaincode_action;
  plugin_tx.rwset = &*rwset;
  plugin_tx.endorsements = &check;
  protos::ChaincodeProposalPayload proposal_payload;
  protos::ChaincodeInvocationSpec invocation;
  if (proposal_payload.ParseFromString(action.action_payload.chaincode_proposal_payload()) &&
      invocation.ParseFromString(proposal_payload.input())) {
    for (const std::string& arg : invocation.chaincode_spec().input().args()) plugin_tx.args.push_back(arg);
  }
  PluginChannel plugin_channel;
  plugin_channel.channel_id = config_.channel_id;
  plugin_channel.endorsement_policy = &*envelope_policy;
  plugin_channel.identity_time = config_.identity_time;
  plugin_channel.state = config_.committed_state;
  LOOM_ASSIGN_OR_RETURN(PluginVerdict plugin_verdict, plugin->Validate(plugin_tx, plugin_channel));
  if (plugin_verdict.code != protos::VALID) return fail(plugin_verdict.code, plugin_verdict.explanation);
  return verdict;
}

}  // namespace loom::validator
