#include "core/protocol/transaction_check.h"

#include "common/configtx.pb.h"
#include "core/protocol/envelope.h"
#include "core/protocol/proposal_hash.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::protocol {
namespace {

void CheckEndorserTransaction(const ParsedEnvelope& parsed, std::vector<std::string>* problems) {
  const std::string& creator = parsed.signature_header.creator();
  std::string expected_tx_id = ComputeTxId(parsed.signature_header.nonce(), creator);
  if (parsed.channel_header.tx_id() != expected_tx_id) {
    problems->push_back("tx_id '" + parsed.channel_header.tx_id() +
                        "' is not SHA-256(nonce || creator) = " + expected_tx_id);
  }
  protos::Transaction transaction;
  if (!transaction.ParseFromString(parsed.payload.data())) {
    problems->push_back("payload data is not a protos.Transaction");
    return;
  }
  if (transaction.actions_size() == 0) problems->push_back("transaction has no actions");
  for (int a = 0; a < transaction.actions_size(); ++a) {
    std::string where = "action " + std::to_string(a) + ": ";
    protos::ChaincodeActionPayload action_payload;
    if (!action_payload.ParseFromString(transaction.actions(a).payload())) {
      problems->push_back(where + "payload is not a protos.ChaincodeActionPayload");
      continue;
    }
    const protos::ChaincodeEndorsedAction& endorsed = action_payload.action();
    protos::ProposalResponsePayload response_payload;
    if (!response_payload.ParseFromString(endorsed.proposal_response_payload())) {
      problems->push_back(where + "proposal_response_payload is not a protos.ProposalResponsePayload");
      continue;
    }
    std::string proposal_hash = ComputeProposalHashOfBytes(parsed.payload.header().channel_header(),
                                                           parsed.payload.header().signature_header(),
                                                           action_payload.chaincode_proposal_payload());
    if (response_payload.proposal_hash() != proposal_hash)
      problems->push_back(where + "proposal hash mismatch");
    if (endorsed.endorsements_size() == 0) problems->push_back(where + "no endorsements");
    for (int e = 0; e < endorsed.endorsements_size(); ++e) {
      const protos::Endorsement& endorsement = endorsed.endorsements(e);
      Status status = VerifySignatureByIdentity(endorsement.endorser(),
                                                endorsed.proposal_response_payload() + endorsement.endorser(),
                                                endorsement.signature());
      if (!status.ok()) {
        problems->push_back(where + "endorsement " + std::to_string(e) + ": " + status.message());
      }
    }
  }
}

void CheckConfigTransaction(const ParsedEnvelope& parsed, std::vector<std::string>* problems) {
  common::ConfigEnvelope config_envelope;
  if (!config_envelope.ParseFromString(parsed.payload.data())) {
    problems->push_back("payload data is not a common.ConfigEnvelope");
    return;
  }
  if (!config_envelope.has_last_update() || config_envelope.last_update().payload().empty()) return;
  const common::Envelope& last_update = config_envelope.last_update();
  auto update = ParseEnvelope(last_update);
  if (!update.ok()) {
    problems->push_back("last_update: " + update.status().message());
    return;
  }
  if (!last_update.signature().empty()) {
    Status status = VerifySignatureByIdentity(update->signature_header.creator(), last_update.payload(),
                                              last_update.signature());
    if (!status.ok()) problems->push_back("last_update creator signature: " + status.message());
  }
  common::ConfigUpdateEnvelope update_envelope;
  if (!update_envelope.ParseFromString(update->payload.data())) {
    problems->push_back("last_update data is not a common.ConfigUpdateEnvelope");
    return;
  }
  for (int i = 0; i < update_envelope.signatures_size(); ++i) {
    const common::ConfigSignature& config_signature = update_envelope.signatures(i);
    std::string where = "last_update config signature " + std::to_string(i) + ": ";
    common::SignatureHeader signature_header;
    if (!signature_header.ParseFromString(config_signature.signature_header())) {
      problems->push_back(where + "signature header is not a common.SignatureHeader");
      continue;
    }
    Status status = VerifySignatureByIdentity(
        signature_header.creator(), config_signature.signature_header() + update_envelope.config_update(),
        config_signature.signature());
    if (!status.ok()) problems->push_back(where + status.message());
  }
}

}  // namespace

std::vector<std::string> CheckTransaction(std::string_view envelope_bytes,
                                          const TransactionCheckOptions& options) {
  std::vector<std::string> problems;
  auto parsed = ParseEnvelopeBytes(envelope_bytes);
  if (!parsed.ok()) return {parsed.status().message()};
  int32_t type = parsed->channel_header.type();
  const common::Envelope& envelope = parsed->envelope;
  if (envelope.signature().empty()) {
    if (!(options.allow_unsigned_config && type == common::CONFIG))
      problems.push_back("envelope has no signature");
  } else {
    Status status = VerifySignatureByIdentity(parsed->signature_header.creator(), envelope.payload(),
                                              envelope.signature());
    if (!status.ok()) problems.push_back("creator signature: " + status.message());
  }
  if (type == common::ENDORSER_TRANSACTION) CheckEndorserTransaction(*parsed, &problems);
  if (type == common::CONFIG) CheckConfigTransaction(*parsed, &problems);
  return problems;
}

}  // namespace loom::protocol
