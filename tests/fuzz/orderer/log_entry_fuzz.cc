// Orderer log entries are read back from disk after a crash (and, with Raft,
// arrive from other orderers): decoding arbitrary bytes must fail cleanly,
// and whatever decodes must re-encode to an entry that decodes the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/orderer/log_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto entry = loom::orderer::DecodeLogEntry(bytes);
  if (!entry.ok()) return 0;
  auto again = loom::orderer::DecodeLogEntry(loom::orderer::EncodeLogEntry(*entry));
  if (!again.ok() || again->index != entry->index || again->kind != entry->kind ||
      again->envelope != entry->envelope || again->channel != entry->channel ||
      again->cut_block_number != entry->cut_block_number) {
    std::abort();
  }
  return 0;
}
