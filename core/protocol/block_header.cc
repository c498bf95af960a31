#include "core/protocol/block_header.h"

#include "core/crypto/hash.h"
#include "core/protocol/der.h"

namespace loom::protocol {

std::string ComputeDataHash(const common::BlockData& data) {
  crypto::Sha256Hasher hasher;
  for (const std::string& item : data.data()) hasher.Update(item);
  return hasher.Finish();
}

std::string BlockHeaderBytes(const common::BlockHeader& header) {
  return der::EncodeSequence(der::EncodeInteger(header.number()) +
                             der::EncodeOctetString(header.previous_hash()) +
                             der::EncodeOctetString(header.data_hash()));
}

std::string BlockHeaderHash(const common::BlockHeader& header) {
  return crypto::Sha256(BlockHeaderBytes(header));
}

}  // namespace loom::protocol
