// The deep block decoder: a common.Block turned into a DecodedNode tree,
// decoded all the way down, for `loomctl block decode` and the GUI's
// inspector (Fabric's `configtxlator proto_decode`, but deeper).
//
//  * header: number, hashes (hex), the computed header hash, data hash check;
//  * each envelope → payload → channel header (type, tx id, ISO-8601 time,
//    channel, chaincode id) and signature header (creator MSP + certificate
//    subject, nonce) → by type:
//      ENDORSER_TRANSACTION: actions → proposal payload (chaincode, function,
//        args) → endorsed action → proposal response payload → chaincode
//        action (response, chaincode id, events, read/write sets per
//        namespace) → endorsements;
//      CONFIG: config sequence and the whole channel_group tree (values
//        decoded by key, policies rendered as text) and last_update;
//      CONFIG_UPDATE: the update's read/write sets and signatures;
//  * metadata: orderer signatures, last config, validation codes per tx.
// Bytes that fail to decode become "<undecodable: reason>" at that node;
// decoding never fails and never crashes on hostile input. Thread-safe.
#pragma once

#include <string_view>

#include "common/common.pb.h"
#include "core/protocol/decoded_node.h"

namespace loom::protocol {

// A node named "block".
DecodedNode DecodeBlock(const common::Block& block);

// A node named "envelope" for marshalled common.Envelope bytes.
DecodedNode DecodeEnvelope(std::string_view envelope_bytes);

}  // namespace loom::protocol
