// The proposal hash an endorser puts in ProposalResponsePayload.proposal_hash:
// SHA-256(channel_header bytes || signature_header bytes ||
// ChaincodeProposalPayload marshalled without its TransientMap), so the
// transient (private) inputs never reach the ledger. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "peer/proposal.pb.h"

namespace loom::protocol {

std::string ComputeProposalHash(std::string_view channel_header_bytes,
                                std::string_view signature_header_bytes,
                                const protos::ChaincodeProposalPayload& payload);

// The same hash when the payload bytes are already stripped (as they are in a
// committed transaction's ChaincodeActionPayload): hashes them as they are.
std::string ComputeProposalHashOfBytes(std::string_view channel_header_bytes,
                                       std::string_view signature_header_bytes,
                                       std::string_view stripped_payload_bytes);

}  // namespace loom::protocol
