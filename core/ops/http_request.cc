#include "core/ops/http_request.h"

namespace loom::ops {
namespace {

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}

bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Visible ASCII, as a request target must be.
bool IsTargetText(std::string_view text) {
  for (char c : text) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Field values: visible characters, spaces and tabs (obs-text allowed).
bool IsFieldValue(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits off one line (without its CRLF or LF); false when no line end.
bool NextLine(std::string_view* rest, std::string_view* line) {
  size_t newline = rest->find('\n');
  if (newline == std::string_view::npos) return false;
  *line = rest->substr(0, newline);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  rest->remove_prefix(newline + 1);
  return true;
}

HttpParse Bad(std::string error) {
  HttpParse parse;
  parse.state = HttpParse::State::kBad;
  parse.error = std::move(error);
  return parse;
}

}  // namespace

HttpParse ParseHttpRequestHead(std::string_view buffer, size_t max_head_bytes) {
  // Leading empty lines are tolerated (RFC 9112 section 2.2).
  size_t skipped = 0;
  while (true) {
    std::string_view rest = buffer.substr(skipped);
    if (rest.starts_with("\r\n")) {
      skipped += 2;
    } else if (rest.starts_with("\n")) {
      skipped += 1;
    } else {
      break;
    }
  }
  std::string_view head = buffer.substr(skipped);

  // Bytes that cannot start a request (binary, a TLS handshake) are refused
  // at once rather than after the timeout.
  std::string_view method_prefix = head.substr(0, head.find_first_of(" \r\n"));
  for (char c : method_prefix) {
    if (!IsTokenChar(c)) return Bad("malformed request method");
  }

  // The head ends at the first empty line.
  std::vector<std::string_view> lines;
  std::string_view cursor = head;
  std::string_view line;
  bool ended = false;
  while (NextLine(&cursor, &line)) {
    if (line.empty()) {
      ended = true;
      break;
    }
    lines.push_back(line);
  }
  size_t head_bytes = buffer.size() - cursor.size();
  if (!ended) {
    if (buffer.size() > max_head_bytes) {
      HttpParse parse;
      parse.state = HttpParse::State::kTooLarge;
      parse.error = "request head longer than " + std::to_string(max_head_bytes) + " bytes";
      return parse;
    }
    return HttpParse{};
  }
  if (head_bytes > max_head_bytes) {
    HttpParse parse;
    parse.state = HttpParse::State::kTooLarge;
    parse.error = "request head longer than " + std::to_string(max_head_bytes) + " bytes";
    return parse;
  }

  if (lines.empty()) return Bad("empty request");
  HttpRequest request;
  std::string_view request_line = lines.front();
  size_t first_space = request_line.find(' ');
  size_t second_space = first_space == std::string_view::npos ? std::string_view::npos
                                                              : request_line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos) return Bad("malformed request line");
  std::string_view method = request_line.substr(0, first_space);
  std::string_view target = request_line.substr(first_space + 1, second_space - first_space - 1);
  std::string_view version = request_line.substr(second_space + 1);
  if (!IsToken(method)) return Bad("malformed request method");
  if (target.empty() || target.front() != '/' || !IsTargetText(target)) {
    return Bad("request target must be a path starting with '/'");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return Bad("unsupported HTTP version");
  request.method = std::string(method);
  request.target = std::string(target);
  request.path = std::string(target.substr(0, target.find('?')));
  request.version = std::string(version);

  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view field = lines[i];
    if (field.front() == ' ' || field.front() == '\t') return Bad("obsolete header line folding");
    size_t colon = field.find(':');
    if (colon == std::string_view::npos) return Bad("header line without ':'");
    std::string_view name = field.substr(0, colon);
    std::string_view value = Trim(field.substr(colon + 1));
    if (!IsToken(name)) return Bad("malformed header name");
    if (!IsFieldValue(value)) return Bad("control character in header value");
    request.headers.emplace_back(std::string(name), std::string(value));
  }

  HttpParse parse;
  parse.state = HttpParse::State::kComplete;
  parse.request = std::move(request);
  parse.head_bytes = head_bytes;
  return parse;
}

}  // namespace loom::ops
