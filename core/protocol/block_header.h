// Block hashes as Fabric 2.x computes them.
//
//  * data hash   = SHA-256 of the plain concatenation of every data[i].
//  * header bytes = ASN.1 DER SEQUENCE { INTEGER number, OCTET STRING
//    previous_hash, OCTET STRING data_hash }.
//  * header hash = SHA-256(header bytes); block n+1's previous_hash.
// Pure functions, thread-safe. Hashes are 32 raw bytes.
#pragma once

#include <string>

#include "common/common.pb.h"

namespace loom::protocol {

std::string ComputeDataHash(const common::BlockData& data);
std::string BlockHeaderBytes(const common::BlockHeader& header);
std::string BlockHeaderHash(const common::BlockHeader& header);

}  // namespace loom::protocol
