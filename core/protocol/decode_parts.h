// Internal to the block decoder: the pieces block_decoder.cc,
// transaction_decoder.cc and config_decoder.cc share.
#pragma once

#include <string>
#include <string_view>

#include "core/protocol/decoded_node.h"
#include "peer/chaincode.pb.h"

namespace loom::protocol::decode {

// Parses untrusted bytes into `message`; false when they are not one.
template <typename Message>
bool Parse(std::string_view bytes, Message* message) {
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// A serialized msp.SerializedIdentity: mspid and certificate subject.
DecodedNode IdentityNode(std::string name, std::string_view serialized_identity);

// A PEM or DER certificate as its subject.
DecodedNode CertificateSubjectNode(std::string name, std::string_view certificate);

// A marshalled common.SignatureHeader: creator and nonce.
DecodedNode SignatureHeaderNode(std::string name, std::string_view bytes);

DecodedNode ChaincodeIdNode(std::string name, const protos::ChaincodeID& id);

// A marshalled common.Envelope, decoded all the way down.
DecodedNode EnvelopeNode(std::string name, std::string_view envelope_bytes);

// The payload data of an ENDORSER_TRANSACTION (a protos.Transaction).
DecodedNode TransactionNode(std::string name, std::string_view data);

// The payload data of a CONFIG envelope (a common.ConfigEnvelope).
DecodedNode ConfigEnvelopeNode(std::string name, std::string_view data);

// The payload data of a CONFIG_UPDATE envelope (a common.ConfigUpdateEnvelope).
DecodedNode ConfigUpdateEnvelopeNode(std::string name, std::string_view data);

}  // namespace loom::protocol::decode
