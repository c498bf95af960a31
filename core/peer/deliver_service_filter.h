// FilterBlock: the FilteredBlock a peer's DeliverFiltered sends for a
// committed block, as Fabric's peer builds it (core/peer/deliverevents.go):
//
//   FilteredBlock{channel_id, number, filtered_transactions}
//   one FilteredTransaction per envelope: txid and type from its channel
//   header, tx_validation_code from the block's TRANSACTIONS_FILTER;
//   ENDORSER_TRANSACTIONs also carry transaction_actions with one
//   FilteredChaincodeAction per action whose ChaincodeAction has an event
//   naming a chaincode, the event's payload stripped (tx_id, chaincode_id,
//   event_name only).
//
// Where Fabric gives up on the whole block (and so ends the client's stream)
// for a transaction whose payload or actions do not parse, Loom keeps going:
// any client can get garbage ordered, and it is committed INVALID. Such a
// transaction appears with what could be read — no txid/type when its
// header does not parse, no chaincode actions past the first malformed
// one. A missing TRANSACTIONS_FILTER code reads as NOT_VALIDATED. Pure.
#pragma once

#include <string>

#include "common/common.pb.h"
#include "peer/events.pb.h"

namespace loom::peer {

protos::FilteredBlock FilterBlock(const common::Block& block, const std::string& channel_id);

}  // namespace loom::peer
