// Walking protobuf's wire format by hand, for the few hot paths that need one
// field of a large message without parsing (and copying) all of it.
#pragma once

#include <cstdint>
#include <string_view>

namespace loom::protocol {

// Reads a base-128 varint from the front of `bytes`; false when it is
// truncated or longer than 10 bytes.
inline bool ReadVarint(std::string_view* bytes, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && !bytes->empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(bytes->front());
    bytes->remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Calls on_field(number, bytes) for each length-delimited field of `message`,
// in order, skipping the other wire types; on_field returns false to stop.
// False when the wire format is broken (or groups, which Fabric's messages do
// not use) or on_field stopped.
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
      default: return false;
    }
  }
  return true;
}

}  // namespace loom::protocol
