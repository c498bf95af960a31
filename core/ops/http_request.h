// Parsing of an HTTP/1.x request head (request line + header fields), for
// the operations server. Pure and total: any bytes give a result, never a
// crash (it is a fuzz target).
//
// Accepted: optional empty lines before the request line; CRLF or bare LF
// line ends; "METHOD SP origin-form-target SP HTTP/1.0|HTTP/1.1"; header
// fields "name: value" with a token name. Not accepted: obsolete line
// folding, absolute-form targets, other HTTP versions, control characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::ops {

struct HttpRequest {
  std::string method;                                        // "GET"
  std::string target;                                        // "/metrics?x=1"
  std::string path;                                          // "/metrics"
  std::string version;                                       // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;  // in order; values trimmed
};

struct HttpParse {
  enum class State {
    kIncomplete,  // the head has not ended yet and is within the limit
    kComplete,    // `request` is filled; `head_bytes` is its length
    kBad,         // malformed; `error` says how (answer 400)
    kTooLarge,    // the head is longer than the limit (answer 431)
  };
  State state = State::kIncomplete;
  HttpRequest request;
  size_t head_bytes = 0;
  std::string error;
};

HttpParse ParseHttpRequestHead(std::string_view buffer, size_t max_head_bytes);

}  // namespace loom::ops
