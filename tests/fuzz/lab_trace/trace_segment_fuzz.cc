// The trace store's segment reader (app/lab/trace_store.h) on arbitrary
// bytes: it must never crash, every record it returns must fit in the input,
// and cutting a clean segment short may only produce a torn tail — never
// corruption, never more records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/lab/trace_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  loom::lab::StoreLoadReport full;
  uint64_t seen = 0;
  loom::lab::ReadTraceSegment(
      "fuzz", bytes, [&](auto event) { seen += event != nullptr ? 1 : 0; }, &full);
  if (seen != full.records || full.segments != 1 || full.bytes != size) std::abort();
  if (full.records > 0 && 8 + 8 * full.records > size) std::abort();
  if (full.torn_tails.size() + full.corrupt.size() > 1 + full.records) std::abort();

  if (full.torn_tails.empty() && full.corrupt.empty()) {
    loom::lab::StoreLoadReport cut;
    loom::lab::ReadTraceSegment(
        "fuzz", bytes.substr(0, size / 2), [](auto) {}, &cut);
    if (!cut.corrupt.empty() || cut.torn_tails.size() > 1 || cut.records > full.records) std::abort();
  }
  return 0;
}
