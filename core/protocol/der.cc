#include "core/protocol/der.h"

namespace loom::protocol::der {
namespace {

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagOctetString = 0x04;
constexpr uint8_t kTagSequence = 0x30;

}  // namespace

std::string EncodeHeader(uint8_t tag, size_t content_length) {
  std::string out(1, static_cast<char>(tag));
  if (content_length < 0x80) {
    out.push_back(static_cast<char>(content_length));
    return out;
  }
  std::string length_bytes;
  for (size_t n = content_length; n != 0; n >>= 8) {
    length_bytes.insert(length_bytes.begin(), static_cast<char>(n & 0xff));
  }
  out.push_back(static_cast<char>(0x80 | length_bytes.size()));
  out += length_bytes;
  return out;
}

std::string EncodeInteger(uint64_t value) {
  std::string content;
  do {
    content.insert(content.begin(), static_cast<char>(value & 0xff));
    value >>= 8;
  } while (value != 0);
  // A set top bit would read as negative in two's complement.
  if (static_cast<uint8_t>(content[0]) & 0x80) content.insert(content.begin(), '\0');
  return EncodeHeader(kTagInteger, content.size()) + content;
}

std::string EncodeOctetString(std::string_view bytes) {
  return EncodeHeader(kTagOctetString, bytes.size()) + std::string(bytes);
}

std::string EncodeSequence(std::string_view encoded_elements) {
  return EncodeHeader(kTagSequence, encoded_elements.size()) + std::string(encoded_elements);
}

}  // namespace loom::protocol::der
