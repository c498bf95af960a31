#include "core/protocol/proposal_hash.h"

#include "core/crypto/hash.h"

namespace loom::protocol {

std::string ComputeProposalHash(std::string_view channel_header_bytes,
                                std::string_view signature_header_bytes,
                                const protos::ChaincodeProposalPayload& payload) {
  protos::ChaincodeProposalPayload stripped = payload;
  stripped.clear_transientmap();
  return ComputeProposalHashOfBytes(channel_header_bytes, signature_header_bytes,
                                    stripped.SerializeAsString());
}

std::string ComputeProposalHashOfBytes(std::string_view channel_header_bytes,
                                       std::string_view signature_header_bytes,
                                       std::string_view stripped_payload_bytes) {
  crypto::Sha256Hasher hasher;
  hasher.Update(channel_header_bytes);
  hasher.Update(signature_header_bytes);
  hasher.Update(stripped_payload_bytes);
  return hasher.Finish();
}

}  // namespace loom::protocol
