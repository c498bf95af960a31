// The few ASN.1 DER encodings Fabric's block header hash needs, written by
// hand: INTEGER (non-negative, minimal two's complement), OCTET STRING and
// SEQUENCE, each with definite-length encoding (short form below 128 bytes,
// long form above). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace loom::protocol::der {

// Tag + length prefix for `content_length` bytes of content.
std::string EncodeHeader(uint8_t tag, size_t content_length);

// INTEGER holding `value`: big-endian, no redundant leading zero bytes, plus a
// leading 0x00 when the top bit is set (so values >= 2^63 stay positive).
std::string EncodeInteger(uint64_t value);

std::string EncodeOctetString(std::string_view bytes);

// SEQUENCE around already-encoded elements.
std::string EncodeSequence(std::string_view encoded_elements);

}  // namespace loom::protocol::der
