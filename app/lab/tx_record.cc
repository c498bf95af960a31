#include "app/lab/tx_record.h"

#include "core/crypto/hash.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/text_encoding.h"
#include "peer/chaincode.pb.h"
#include "peer/chaincode_event.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::lab {
namespace {

void DescribeCreator(std::string_view serialized, std::string* mspid, std::string* subject) {
  Result<protocol::ParsedIdentity> identity = protocol::ParseIdentity(serialized);
  if (!identity.ok()) {
    *subject = "<" + identity.status().message() + ">";
    return;
  }
  *mspid = identity->mspid;
  *subject = identity->certificate.SubjectString();
}

// The proposal's chaincode input (function and args) from the
// ChaincodeActionPayload's chaincode_proposal_payload.
Status DecodeProposalInput(const protos::ChaincodeActionPayload& action_payload, TxRecord* record) {
  protos::ChaincodeProposalPayload proposal_payload;
  if (!proposal_payload.ParseFromString(action_payload.chaincode_proposal_payload()))
    return Status::InvalidArgument("chaincode proposal payload is malformed");
  protos::ChaincodeInvocationSpec invocation;
  if (!invocation.ParseFromString(proposal_payload.input()))
    return Status::InvalidArgument("chaincode invocation spec is malformed");
  const auto& args = invocation.chaincode_spec().input().args();
  if (!args.empty()) record->function = args[0];
  for (int i = 1; i < args.size(); ++i) record->args.push_back(args[i]);
  if (record->chaincode.empty()) record->chaincode = invocation.chaincode_spec().chaincode_id().name();
  return Status::Ok();
}

// Endorsements, the response and the event of the one action.
Status DecodeEndorsedAction(const protos::ChaincodeActionPayload& action_payload, TxRecord* record) {
  const protos::ChaincodeEndorsedAction& endorsed = action_payload.action();
  for (const protos::Endorsement& endorsement : endorsed.endorsements()) {
    TxEndorsement out;
    DescribeCreator(endorsement.endorser(), &out.mspid, &out.subject);
    Status verified = protocol::VerifySignatureByIdentity(
        endorsement.endorser(), endorsed.proposal_response_payload() + endorsement.endorser(),
        endorsement.signature());
    out.signature_valid = verified.ok();
    if (!verified.ok()) out.problem = verified.message();
    record->endorsements.push_back(std::move(out));
  }
  protos::ProposalResponsePayload response_payload;
  if (!response_payload.ParseFromString(endorsed.proposal_response_payload()))
    return Status::InvalidArgument("proposal response payload is malformed");
  protos::ChaincodeAction action;
  if (!action.ParseFromString(response_payload.extension()))
    return Status::InvalidArgument("chaincode action is malformed");
  record->chaincode_version = action.chaincode_id().version();
  if (!action.chaincode_id().name().empty()) record->chaincode = action.chaincode_id().name();
  record->response_status = action.response().status();
  record->response_message = action.response().message();
  record->response_payload = action.response().payload();
  if (!action.events().empty()) {
    protos::ChaincodeEvent event;
    if (!event.ParseFromString(action.events()))
      return Status::InvalidArgument("chaincode event is malformed");
    record->event = TxChaincodeEvent{event.chaincode_id(), event.event_name(), event.payload()};
  }
  return Status::Ok();
}

Status DecodeEndorserTransaction(const protocol::ParsedEnvelope& parsed, TxRecord* record) {
  protos::ChaincodeHeaderExtension extension;
  if (extension.ParseFromString(parsed.channel_header.extension()))
    record->chaincode = extension.chaincode_id().name();
  protos::Transaction transaction;
  if (!transaction.ParseFromString(parsed.payload.data()))
    return Status::InvalidArgument("transaction is malformed");
  if (transaction.actions_size() != 1)
    return Status::InvalidArgument("transaction has " + std::to_string(transaction.actions_size()) +
                                   " actions, expected 1");
  protos::ChaincodeActionPayload action_payload;
  if (!action_payload.ParseFromString(transaction.actions(0).payload()))
    return Status::InvalidArgument("chaincode action payload is malformed");
  LOOM_RETURN_IF_ERROR(DecodeProposalInput(action_payload, record));
  LOOM_RETURN_IF_ERROR(DecodeEndorsedAction(action_payload, record));
  Result<validator::TxReadWriteSet> rwset =
      validator::ExtractTxReadWriteSet(parsed.envelope.SerializeAsString());
  if (!rwset.ok()) return rwset.status().WithContext("read-write set");
  record->namespaces = std::move(rwset->namespaces);
  return Status::Ok();
}

}  // namespace

std::string DisplayBytes(std::string_view bytes) {
  if (protocol::IsPrintableText(bytes)) return std::string(bytes);
  return "0x" + crypto::HexEncode(bytes);
}

Result<TxRecord> DecodeTxRecord(const common::Block& block, uint32_t index) {
  if (index >= static_cast<uint32_t>(block.data().data_size()))
    return Status::InvalidArgument("block " + std::to_string(block.header().number()) +
                                   " has no transaction " + std::to_string(index));
  TxRecord record;
  record.block_number = block.header().number();
  record.index = index;
  std::string filter = protocol::TransactionsFilter(block);
  record.validation_code = index < filter.size() ? static_cast<uint8_t>(filter[index]) : 0;
  record.validation_code_name = protocol::ValidationCodeName(record.validation_code);

  Result<protocol::ParsedEnvelope> parsed =
      protocol::ParseEnvelopeBytes(block.data().data(static_cast<int>(index)));
  if (!parsed.ok())
    return parsed.status().WithContext("block " + std::to_string(record.block_number) + " transaction " +
                                       std::to_string(index));
  const common::ChannelHeader& header = parsed->channel_header;
  record.channel = header.channel_id();
  record.tx_id = header.tx_id();
  record.type = protocol::HeaderTypeName(header.type());
  record.timestamp = protocol::FormatTimestamp(header.timestamp().seconds(), header.timestamp().nanos());
  if (!parsed->signature_header.creator().empty())
    DescribeCreator(parsed->signature_header.creator(), &record.creator_mspid, &record.creator_subject);
  if (header.type() == common::ENDORSER_TRANSACTION) {
    Status decoded = DecodeEndorserTransaction(*parsed, &record);
    if (!decoded.ok()) record.decode_error = decoded.message();
  }
  return record;
}

Result<uint32_t> FindTxInBlock(const common::Block& block, std::string_view tx_id) {
  for (int i = 0; i < block.data().data_size(); ++i) {
    Result<protocol::ParsedEnvelope> parsed = protocol::ParseEnvelopeBytes(block.data().data(i));
    if (parsed.ok() && parsed->channel_header.tx_id() == tx_id) return static_cast<uint32_t>(i);
  }
  return Status::NotFound("transaction " + std::string(tx_id) + " is not in block " +
                          std::to_string(block.header().number()));
}

}  // namespace loom::lab
