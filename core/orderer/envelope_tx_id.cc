#include "core/orderer/envelope_tx_id.h"

#include <cstdint>

#include "google/protobuf/stubs/common.h"

namespace loom::orderer {
namespace {

bool ReadVarint(std::string_view* bytes, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && !bytes->empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(bytes->front());
    bytes->remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Calls on_field(number, bytes) for each length-delimited field of
// `message`, in order; false when the wire format is broken.
template <typename OnField>
bool ForEachBytesField(std::string_view message, OnField on_field) {
  while (!message.empty()) {
    uint64_t tag = 0, value = 0;
    if (!ReadVarint(&message, &tag) || (tag >> 3) == 0) return false;
    switch (tag & 7) {
      case 0:
        if (!ReadVarint(&message, &value)) return false;
        break;
      case 1:
        if (message.size() < 8) return false;
        message.remove_prefix(8);
        break;
      case 5:
        if (message.size() < 4) return false;
        message.remove_prefix(4);
        break;
      case 2:
        if (!ReadVarint(&message, &value) || value > message.size()) return false;
        if (!on_field(static_cast<int>(tag >> 3), message.substr(0, value))) return false;
        message.remove_prefix(value);
        break;
      default: return false;  // groups are not used by Fabric's messages
    }
  }
  return true;
}

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
