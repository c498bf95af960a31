// Orderer signatures in a block's SIGNATURES metadata slot.
//
// The slot holds a marshalled common.Metadata{value, signatures[]}: value =
// marshalled OrdererBlockMetadata{last_config{index}, consenter_metadata},
// and each MetadataSignature{signature_header, signature} signs
// value || signature_header || BlockHeaderBytes(header). Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/protocol/signed_data.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::protocol {

// Adds `signer`'s signature to the SIGNATURES slot. When the slot already
// holds the same value, the signature is appended (several orderers can
// sign); otherwise the slot is replaced. Sign after the header is final.
Status SignBlock(common::Block* block, const Signer& signer, uint64_t last_config_index,
                 std::string consenter_metadata = {});

// The slot's common.Metadata; an empty Metadata when the slot is absent or
// empty. InvalidArgument when it does not parse.
Result<common::Metadata> BlockSignaturesMetadata(const common::Block& block);

// The last config block index recorded by the orderer. InvalidArgument when
// the slot's value is not an OrdererBlockMetadata.
Result<uint64_t> LastConfigIndex(const common::Block& block);

// One SignedData per orderer signature, for policy evaluation
// (BlockValidation). InvalidArgument when a signature header is malformed.
Result<std::vector<SignedData>> BlockSignatureSet(const common::Block& block);

// Checks every orderer signature against the certificate in its creator
// identity (no MSP chain-of-trust). Returns one message per problem, e.g.
// "orderer signature 0 by OrdererMSP (CN=...): signature does not verify";
// empty when all verify or there are none.
std::vector<std::string> CheckOrdererSignatures(const common::Block& block);

}  // namespace loom::protocol
