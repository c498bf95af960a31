#include "core/ledger/tx_write_set.h"

#include "common/common.pb.h"
#include "core/protocol/envelope.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::ledger {
namespace {

template <typename Message>
bool Parse(std::string_view bytes, Message* message) {
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

Status Malformed(std::string_view what) {
  return Status::InvalidArgument("transaction write set: " + std::string(what));
}

}  // namespace

Result<TxEndorsedResults> ExtractTxEndorsedResults(std::string_view envelope_bytes) {
  auto parsed = protocol::ParseEnvelopeBytes(envelope_bytes);
  if (!parsed.ok()) return parsed.status().WithContext("transaction write set");
  TxEndorsedResults result;
  const common::ChannelHeader& header = parsed->channel_header;
  result.header_type = header.type();
  result.tx_id = header.tx_id();
  result.timestamp_seconds = header.timestamp().seconds();
  result.timestamp_nanos = header.timestamp().nanos();
  if (header.type() != common::ENDORSER_TRANSACTION) return result;

  protos::Transaction transaction;
  if (!Parse(parsed->payload.data(), &transaction)) {
    return Malformed("payload data is not a protos.Transaction");
  }
  if (transaction.actions_size() != 1) {
    return Malformed("the transaction has " + std::to_string(transaction.actions_size()) +
                     " actions; exactly one is supported");
  }
  protos::ChaincodeActionPayload action_payload;
  if (!Parse(transaction.actions(0).payload(), &action_payload)) {
    return Malformed("actions[0].payload is not a protos.ChaincodeActionPayload");
  }
  protos::ProposalResponsePayload response_payload;
  if (!Parse(action_payload.action().proposal_response_payload(), &response_payload)) {
    return Malformed("actions[0] proposal_response_payload is not a protos.ProposalResponsePayload");
  }
  protos::ChaincodeAction chaincode_action;
  if (!Parse(response_payload.extension(), &chaincode_action)) {
    return Malformed("proposal response extension is not a protos.ChaincodeAction");
  }
  if (!Parse(chaincode_action.results(), &result.results)) {
    return Malformed("ChaincodeAction.results is not a rwset.TxReadWriteSet");
  }
  if (result.results.data_model() != rwset::TxReadWriteSet::KV) {
    return Malformed("TxReadWriteSet.data_model is " + std::to_string(result.results.data_model()) +
                     ", not KV");
  }
  return result;
}

Result<TxWriteSet> ExtractTxWriteSet(std::string_view envelope_bytes) {
  LOOM_ASSIGN_OR_RETURN(TxEndorsedResults endorsed, ExtractTxEndorsedResults(envelope_bytes));
  TxWriteSet result;
  result.header_type = endorsed.header_type;
  result.tx_id = std::move(endorsed.tx_id);
  result.timestamp_seconds = endorsed.timestamp_seconds;
  result.timestamp_nanos = endorsed.timestamp_nanos;
  const rwset::TxReadWriteSet& tx_rwset = endorsed.results;
  for (int i = 0; i < tx_rwset.ns_rwset_size(); ++i) {
    const rwset::NsReadWriteSet& ns_rwset = tx_rwset.ns_rwset(i);
    kvrwset::KVRWSet kv_rwset;
    if (!Parse(ns_rwset.rwset(), &kv_rwset)) {
      return Malformed("ns_rwset[" + std::to_string(i) + "] ('" + ns_rwset.namespace_() +
                       "').rwset is not a kvrwset.KVRWSet");
    }
    for (const kvrwset::KVWrite& write : kv_rwset.writes()) {
      result.writes.push_back(KeyWrite{ns_rwset.namespace_(), write.key(),
                                       write.is_delete() ? std::string() : write.value(), write.is_delete()});
    }
  }
  return result;
}

}  // namespace loom::ledger
