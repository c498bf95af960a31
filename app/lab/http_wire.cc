#include "app/lab/http_wire.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace loom::lab {
namespace {

using State = HttpResponseParse::State;

HttpResponseParse Bad(std::string error) {
  HttpResponseParse parse;
  parse.state = State::kBad;
  parse.error = std::move(error);
  return parse;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// Decodes a chunked body: nullopt while incomplete, "" + error when malformed.
struct ChunkedResult {
  State state = State::kIncomplete;
  std::string body;
  std::string error;
};

ChunkedResult DecodeChunked(std::string_view bytes) {
  ChunkedResult result;
  size_t pos = 0;
  while (true) {
    const size_t line_end = bytes.find("\r\n", pos);
    if (line_end == std::string_view::npos) {
      if (bytes.size() - pos > 64) result = {State::kBad, {}, "chunk size line too long"};
      return result;
    }
    std::string_view size_text = bytes.substr(pos, line_end - pos);
    size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions
    size_text = Trim(size_text);
    size_t size = 0;
    auto [end, error] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (size_text.empty() || error != std::errc() || end != size_text.data() + size_text.size()) {
      return {State::kBad, {}, "malformed chunk size"};
    }
    pos = line_end + 2;
    if (size == 0) {
      // Trailer fields until an empty line.
      while (true) {
        const size_t trailer_end = bytes.find("\r\n", pos);
        if (trailer_end == std::string_view::npos) return {State::kIncomplete, {}, {}};
        if (trailer_end == pos) {
          result.state = State::kComplete;
          return result;
        }
        pos = trailer_end + 2;
      }
    }
    if (size > kMaxHttpResponseBytes || bytes.size() - pos < size + 2) {
      if (size > kMaxHttpResponseBytes) return {State::kBad, {}, "chunk larger than the response limit"};
      return {State::kIncomplete, {}, {}};
    }
    if (bytes.substr(pos + size, 2) != "\r\n") return {State::kBad, {}, "chunk not followed by CRLF"};
    result.body.append(bytes.substr(pos, size));
    pos += size + 2;
  }
}

}  // namespace

HttpResponseParse ParseHttpResponse(std::string_view bytes, bool at_eof) {
  // Status line: "HTTP/1.x SP 3DIGIT [SP reason]". Checked as soon as it can
  // be, so garbage is refused before the head ends.
  constexpr std::string_view kPrefix = "HTTP/1.";
  const size_t prefix_seen = std::min(bytes.size(), kPrefix.size());
  if (bytes.substr(0, prefix_seen) != kPrefix.substr(0, prefix_seen)) {
    return Bad("not an HTTP response (it starts with something other than \"HTTP/1.\")");
  }
  const size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (at_eof)
      return Bad(bytes.empty() ? "the connection closed without an answer"
                               : "the response head is cut short");
    if (bytes.size() > 64 * 1024) return Bad("the response head is longer than 64 KiB");
    return {};
  }
  const std::string_view head = bytes.substr(0, head_end);
  const size_t status_line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, status_line_end);
  if (status_line.size() < 12 || (status_line[7] != '0' && status_line[7] != '1') || status_line[8] != ' ' ||
      !std::isdigit(static_cast<unsigned char>(status_line[9])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[10])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[11])) ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    return Bad("malformed status line");
  }
  HttpResponseParse parse;
  parse.response.status =
      (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');

  std::optional<size_t> content_length;
  bool chunked = false;
  size_t pos = status_line_end == std::string_view::npos ? head.size() : status_line_end + 2;
  while (pos < head.size()) {
    size_t line_end = head.find("\r\n", pos);
    if (line_end == std::string_view::npos) line_end = head.size();
    const std::string_view line = head.substr(pos, line_end - pos);
    pos = line_end + 2;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Bad("malformed header field");
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoringCase(name, "Content-Length")) {
      size_t length = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
        return Bad("malformed Content-Length");
      }
      if (content_length && *content_length != length) return Bad("conflicting Content-Length fields");
      content_length = length;
    } else if (EqualsIgnoringCase(name, "Transfer-Encoding")) {
      chunked = value.size() >= 7 && EqualsIgnoringCase(value.substr(value.size() - 7), "chunked");
    }
  }

  const std::string_view body = bytes.substr(head_end + 4);
  if (chunked) {
    ChunkedResult decoded = DecodeChunked(body);
    if (decoded.state == State::kBad) return Bad(decoded.error);
    if (decoded.state == State::kIncomplete) {
      if (at_eof) return Bad("the chunked body is cut short");
      return {};
    }
    parse.response.body = std::move(decoded.body);
  } else if (content_length) {
    if (*content_length > kMaxHttpResponseBytes) return Bad("Content-Length beyond the response limit");
    if (body.size() < *content_length) {
      if (at_eof) return Bad("the body is shorter than its Content-Length");
      return {};
    }
    parse.response.body = std::string(body.substr(0, *content_length));
  } else if (parse.response.status / 100 == 1 || parse.response.status == 204 ||
             parse.response.status == 304) {
    // No body by definition.
  } else {
    if (!at_eof) return {};
    parse.response.body = std::string(body);
  }
  parse.state = State::kComplete;
  return parse;
}

}  // namespace loom::lab
