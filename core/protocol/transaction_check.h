// Signature checks of one transaction envelope, as far as they go without
// an MSP (no chain-of-trust, no policy evaluation):
//  * the creator's signature over the payload;
//  * ENDORSER_TRANSACTION: tx_id == hex SHA-256(nonce || creator); for each
//    action, the proposal hash (SHA-256 of channel header || signature header
//    || chaincode proposal payload) equals ProposalResponsePayload's, and
//    every endorsement's signature over proposal_response_payload || endorser
//    verifies with the endorser's certificate;
//  * CONFIG: the last_update envelope's creator signature and every
//    ConfigSignature over signature_header || config_update.
// Never crashes on malformed bytes; each problem is one message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loom::protocol {

struct TransactionCheckOptions {
  // Accept a CONFIG envelope with no signature (configtxgen's genesis block).
  bool allow_unsigned_config = false;
};

// Empty when everything checks out.
std::vector<std::string> CheckTransaction(std::string_view envelope_bytes,
                                          const TransactionCheckOptions& options = {});

}  // namespace loom::protocol
