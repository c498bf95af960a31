#include "core/protocol/envelope.h"

#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"

namespace loom::protocol {

common::ChannelHeader MakeChannelHeader(common::HeaderType type, std::string_view channel_id,
                                        std::string_view tx_id,
                                        std::chrono::system_clock::time_point timestamp,
                                        std::string extension) {
  common::ChannelHeader header;
  header.set_type(type);
  header.set_channel_id(std::string(channel_id));
  header.set_tx_id(std::string(tx_id));
  auto since_epoch = timestamp.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds);
  header.mutable_timestamp()->set_seconds(seconds.count());
  header.mutable_timestamp()->set_nanos(static_cast<int32_t>(nanos.count()));
  header.set_extension(std::move(extension));
  return header;
}

common::SignatureHeader MakeSignatureHeader(std::string_view creator, std::string_view nonce) {
  common::SignatureHeader header;
  header.set_creator(std::string(creator));
  header.set_nonce(std::string(nonce));
  return header;
}

common::Payload MakePayload(const common::ChannelHeader& channel_header,
                            const common::SignatureHeader& signature_header, std::string data) {
  common::Payload payload;
  payload.mutable_header()->set_channel_header(channel_header.SerializeAsString());
  payload.mutable_header()->set_signature_header(signature_header.SerializeAsString());
  payload.set_data(std::move(data));
  return payload;
}

Result<common::Envelope> SignPayload(const common::Payload& payload, const Signer& signer) {
  common::Envelope envelope;
  envelope.set_payload(payload.SerializeAsString());
  LOOM_ASSIGN_OR_RETURN(std::string signature, signer.Sign(envelope.payload()));
  envelope.set_signature(std::move(signature));
  return envelope;
}

Result<common::Envelope> CreateSignedEnvelope(common::HeaderType type, std::string_view channel_id,
                                              const Signer& signer, std::string data, std::string extension) {
  std::string nonce = NewNonce();
  const std::string& creator = signer.serialized_identity();
  common::ChannelHeader channel_header = MakeChannelHeader(
      type, channel_id, ComputeTxId(nonce, creator), std::chrono::system_clock::now(), std::move(extension));
  return SignPayload(MakePayload(channel_header, MakeSignatureHeader(creator, nonce), std::move(data)),
                     signer);
}

Status VerifyEnvelopeSignature(const common::Envelope& envelope, const crypto::PublicKey& key) {
  if (envelope.signature().empty()) return Status::PermissionDenied("envelope has no signature");
  return key.Verify(envelope.payload(), envelope.signature());
}

Status VerifyEnvelopeCreatorSignature(const common::Envelope& envelope) {
  LOOM_ASSIGN_OR_RETURN(ParsedEnvelope parsed, ParseEnvelope(envelope));
  if (envelope.signature().empty()) return Status::PermissionDenied("envelope has no signature");
  return VerifySignatureByIdentity(parsed.signature_header.creator(), envelope.payload(),
                                   envelope.signature())
      .WithContext("creator signature");
}

Result<ParsedEnvelope> ParseEnvelope(const common::Envelope& envelope) {
  ParsedEnvelope parsed;
  parsed.envelope = envelope;
  if (envelope.payload().empty()) return Status::InvalidArgument("envelope has no payload");
  if (!parsed.payload.ParseFromString(envelope.payload())) {
    return Status::InvalidArgument("envelope payload is malformed (not a common.Payload)");
  }
  if (!parsed.payload.has_header()) return Status::InvalidArgument("envelope payload has no header");
  const common::Header& header = parsed.payload.header();
  if (header.channel_header().empty())
    return Status::InvalidArgument("envelope payload has no channel header");
  if (!parsed.channel_header.ParseFromString(header.channel_header())) {
    return Status::InvalidArgument("envelope channel header is malformed (not a common.ChannelHeader)");
  }
  // An empty signature header is a well-formed empty message: genesis blocks
  // made by configtxgen carry one. Signature checks reject it later.
  if (!parsed.signature_header.ParseFromString(header.signature_header())) {
    return Status::InvalidArgument("envelope signature header is malformed (not a common.SignatureHeader)");
  }
  return parsed;
}

Result<ParsedEnvelope> ParseEnvelopeBytes(std::string_view envelope_bytes) {
  common::Envelope envelope;
  if (!envelope.ParseFromArray(envelope_bytes.data(), static_cast<int>(envelope_bytes.size()))) {
    return Status::InvalidArgument("bytes are not a common.Envelope");
  }
  return ParseEnvelope(envelope);
}

std::string HeaderTypeName(int32_t type) {
  if (common::HeaderType_IsValid(type)) return common::HeaderType_Name(static_cast<common::HeaderType>(type));
  return "UNKNOWN(" + std::to_string(type) + ")";
}

}  // namespace loom::protocol
