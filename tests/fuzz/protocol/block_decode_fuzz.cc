// Fuzz target: arbitrary bytes as a common.Block, decoded, rendered and
// verified. Nothing may crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/protocol/block.h"
#include "core/protocol/block_decoder.h"
#include "core/protocol/block_file.h"
#include "core/protocol/block_verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  loom::protocol::DecodeFrames(bytes);
  common::Block block;
  if (!block.ParseFromArray(data, static_cast<int>(size))) return 0;
  loom::protocol::DecodedNode tree = loom::protocol::DecodeBlock(block);
  loom::protocol::RenderText(tree);
  loom::protocol::RenderJson(tree);
  loom::protocol::VerifyBlock(block, std::string());
  return 0;
}
