#include "core/peer/deliver_service_filter.h"

#include "core/protocol/block.h"
#include "peer/chaincode_event.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::peer {
namespace {

// The chaincode events of a transaction's actions, payloads stripped; stops
// at the first action that does not parse.
protos::FilteredTransactionActions FilterActions(const std::string& transaction_bytes) {
  protos::FilteredTransactionActions filtered;
  protos::Transaction transaction;
  if (!transaction.ParseFromString(transaction_bytes)) return filtered;
  for (const protos::TransactionAction& action : transaction.actions()) {
    protos::ChaincodeActionPayload action_payload;
    if (!action_payload.ParseFromString(action.payload())) break;
    if (!action_payload.has_action()) continue;
    protos::ProposalResponsePayload response_payload;
    if (!response_payload.ParseFromString(action_payload.action().proposal_response_payload())) break;
    protos::ChaincodeAction chaincode_action;
    if (!chaincode_action.ParseFromString(response_payload.extension())) break;
    protos::ChaincodeEvent event;
    if (!event.ParseFromString(chaincode_action.events())) break;
    if (event.chaincode_id().empty()) continue;
    protos::ChaincodeEvent* stripped = filtered.add_chaincode_actions()->mutable_chaincode_event();
    stripped->set_tx_id(event.tx_id());
    stripped->set_chaincode_id(event.chaincode_id());
    stripped->set_event_name(event.event_name());
  }
  return filtered;
}

}  // namespace

protos::FilteredBlock FilterBlock(const common::Block& block, const std::string& channel_id) {
  protos::FilteredBlock filtered;
  filtered.set_channel_id(channel_id);
  filtered.set_number(block.header().number());
  std::string codes = protocol::TransactionsFilter(block);
  for (int index = 0; index < block.data().data_size(); ++index) {
    protos::FilteredTransaction* tx = filtered.add_filtered_transactions();
    tx->set_tx_validation_code(static_cast<size_t>(index) < codes.size()
                                   ? static_cast<protos::TxValidationCode>(static_cast<uint8_t>(codes[index]))
                                   : protos::NOT_VALIDATED);
    common::Envelope envelope;
    common::Payload payload;
    common::ChannelHeader header;
    if (!envelope.ParseFromString(block.data().data(index)) || !payload.ParseFromString(envelope.payload()) ||
        !payload.has_header() || !header.ParseFromString(payload.header().channel_header())) {
      continue;
    }
    tx->set_txid(header.tx_id());
    tx->set_type(static_cast<common::HeaderType>(header.type()));
    if (header.type() == common::ENDORSER_TRANSACTION) {
      *tx->mutable_transaction_actions() = FilterActions(payload.data());
    }
  }
  return filtered;
}

}  // namespace loom::peer
