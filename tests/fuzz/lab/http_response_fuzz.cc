// The lab's health probe reads answers from whatever listens on a node's
// operations port: parsing arbitrary bytes must never crash, and an answer
// that is complete before EOF must read the same at EOF.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/lab/http_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using loom::lab::HttpResponseParse;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const HttpResponseParse open = loom::lab::ParseHttpResponse(bytes, /*at_eof=*/false);
  const HttpResponseParse closed = loom::lab::ParseHttpResponse(bytes, /*at_eof=*/true);
  if (closed.state == HttpResponseParse::State::kIncomplete) std::abort();  // EOF always decides
  for (const HttpResponseParse* parse : {&open, &closed}) {
    if (parse->state != HttpResponseParse::State::kComplete) continue;
    if (parse->response.status < 0 || parse->response.status > 999) std::abort();
    if (parse->response.body.size() > size) std::abort();
  }
  if (open.state == HttpResponseParse::State::kComplete &&
      (closed.state != HttpResponseParse::State::kComplete ||
       closed.response.status != open.response.status || closed.response.body != open.response.body)) {
    std::abort();
  }
  return 0;
}
