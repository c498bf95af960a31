// Fuzz target: arbitrary bytes as a common.Envelope: parsed, checked,
// decoded and rendered. Nothing may crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/protocol/block_decoder.h"
#include "core/protocol/envelope.h"
#include "core/protocol/transaction_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = loom::protocol::ParseEnvelopeBytes(bytes);
  if (parsed.ok()) loom::protocol::VerifyEnvelopeCreatorSignature(parsed->envelope);
  loom::protocol::CheckTransaction(bytes, {.allow_unsigned_config = true});
  loom::protocol::DecodedNode tree = loom::protocol::DecodeEnvelope(bytes);
  loom::protocol::RenderText(tree);
  loom::protocol::RenderJson(tree);
  return 0;
}
