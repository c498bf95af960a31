// HTTP/1.1 responses of the operations server: status line, Content-Type,
// Content-Length, Connection: close, any extra header fields, then the body.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace loom::ops {

// "OK", "Not Found", ... for the codes the server uses; "Unknown" otherwise.
const char* HttpReasonPhrase(int code);

std::string FormatHttpResponse(int code, const std::string& content_type, const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& extra_headers = {});

}  // namespace loom::ops
