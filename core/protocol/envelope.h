// Envelopes: build, sign, verify and parse common.Envelope.
//
// Envelope{payload, signature}: `signature` is the creator's signature over
// the payload bytes; Payload{header{channel_header, signature_header}, data}.
// Envelope bytes come from the network, so parsing never trusts them: every
// problem is an InvalidArgument naming the layer that is wrong. Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/common.pb.h"
#include "core/crypto/ecdsa.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::protocol {

common::ChannelHeader MakeChannelHeader(
    common::HeaderType type, std::string_view channel_id, std::string_view tx_id,
    std::chrono::system_clock::time_point timestamp = std::chrono::system_clock::now(),
    std::string extension = {});

common::SignatureHeader MakeSignatureHeader(std::string_view creator, std::string_view nonce);

common::Payload MakePayload(const common::ChannelHeader& channel_header,
                            const common::SignatureHeader& signature_header, std::string data);

// Envelope{payload bytes, signer.Sign(payload bytes)}.
Result<common::Envelope> SignPayload(const common::Payload& payload, const Signer& signer);

// The whole recipe: a fresh nonce, tx_id = ComputeTxId(nonce, creator), the
// headers, and the signature.
Result<common::Envelope> CreateSignedEnvelope(common::HeaderType type, std::string_view channel_id,
                                              const Signer& signer, std::string data,
                                              std::string extension = {});

// OK when the envelope's signature verifies over its payload with `key`;
// PermissionDenied otherwise (InvalidArgument for a malformed signature).
Status VerifyEnvelopeSignature(const common::Envelope& envelope, const crypto::PublicKey& key);

// Same, with the key from the creator identity in the envelope's own
// signature header (no MSP chain-of-trust check).
Status VerifyEnvelopeCreatorSignature(const common::Envelope& envelope);

// An envelope unpacked one level: its payload and both headers.
struct ParsedEnvelope {
  common::Envelope envelope;
  common::Payload payload;
  common::ChannelHeader channel_header;
  common::SignatureHeader signature_header;
};

// InvalidArgument: "envelope has no payload", "payload is malformed",
// "payload has no header", "channel header is malformed", ... An empty
// signature header is accepted (unsigned genesis config envelopes have one).
Result<ParsedEnvelope> ParseEnvelope(const common::Envelope& envelope);
Result<ParsedEnvelope> ParseEnvelopeBytes(std::string_view envelope_bytes);

// The HeaderType's name ("ENDORSER_TRANSACTION"), or "UNKNOWN(<n>)".
std::string HeaderTypeName(int32_t type);

}  // namespace loom::protocol
