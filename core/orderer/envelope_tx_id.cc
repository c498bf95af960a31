#include "core/orderer/envelope_tx_id.h"

#include <cstdint>

#include "core/protocol/wire_fields.h"
#include "google/protobuf/stubs/common.h"

namespace loom::orderer {
namespace {

using protocol::ForEachBytesField;

// The last occurrence of bytes field `number` (what protobuf keeps) into
// `found` (left alone when there is none); false when the wire is broken.
bool LastBytesField(std::string_view message, int number, std::optional<std::string_view>* found) {
  return ForEachBytesField(message, [&](int field, std::string_view bytes) {
    if (field == number) *found = bytes;
    return true;
  });
}

}  // namespace

std::optional<std::string_view> EnvelopeTxId(std::string_view envelope) {
  std::optional<std::string_view> payload;
  if (!LastBytesField(envelope, 1, &payload) || !payload) return std::nullopt;  // Envelope.payload (bytes)
  // Payload.header is a message: its occurrences merge, so the last
  // Header.channel_header (bytes) of any of them wins.
  std::optional<std::string_view> channel_header;
  if (!ForEachBytesField(*payload,
                         [&](int field, std::string_view header) {
                           return field != 1 || LastBytesField(header, 1, &channel_header);
                         }) ||
      !channel_header) {
    return std::nullopt;
  }
  std::optional<std::string_view> tx_id;
  if (!LastBytesField(*channel_header, 5, &tx_id) || !tx_id) return std::nullopt;  // ChannelHeader.tx_id
  // tx_id is a proto3 string: protobuf refuses invalid UTF-8 when parsing.
  if (!google::protobuf::internal::IsStructurallyValidUTF8(tx_id->data(), static_cast<int>(tx_id->size())))
    return std::nullopt;
  return tx_id;
}

}  // namespace loom::orderer
