// The operations endpoint reads request heads from any client that connects:
// parsing arbitrary bytes must never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ops/http_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)loom::ops::ParseHttpRequestHead(bytes, 8192);
  (void)loom::ops::ParseHttpRequestHead(bytes, 16);
  return 0;
}
