// Parsing of an HTTP/1.x response as HttpGet (process.h) receives it. Pure:
// any bytes give a result, never a crash — the bytes come from whatever
// listens on the probed port. Internal to loom_lab; tests include it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "app/lab/process.h"

namespace loom::lab {

// The most bytes of a response HttpGet accepts (head and body together).
inline constexpr size_t kMaxHttpResponseBytes = 4 << 20;

struct HttpResponseParse {
  enum class State {
    kIncomplete,  // more bytes are needed
    kComplete,    // `response` is filled
    kBad,         // not an HTTP response; `error` says why
  };
  State state = State::kIncomplete;
  HttpResponse response;
  std::string error;
};

// Parses `bytes` received so far. `at_eof`: the peer has closed, so a body
// without Content-Length (or a truncated one) ends here. Supports
// Content-Length, chunked and close-delimited bodies.
HttpResponseParse ParseHttpResponse(std::string_view bytes, bool at_eof);

}  // namespace loom::lab
