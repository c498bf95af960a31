#include "core/config/name_rules.h"

#include <cstdint>

namespace loom::config {
namespace {

bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlnum(char c) {
  return IsLower(c) || IsUpper(c) || IsDigit(c);
}

std::string Quote(std::string_view text) {
  if (text.size() > 60) return "'" + std::string(text.substr(0, 57)) + "...'";
  return "'" + std::string(text) + "'";
}

// Shared shape of most names: a first character from one set, the rest from
// another, bounded length.
template <typename FirstOk, typename RestOk>
std::string CheckShape(std::string_view name, size_t max_length, FirstOk first_ok, RestOk rest_ok,
                       std::string_view rule) {
  if (name.empty()) return "must not be empty";
  if (name.size() > max_length) {
    return Quote(name) + " is " + std::to_string(name.size()) + " characters long; the limit is " +
           std::to_string(max_length);
  }
  bool ok = first_ok(name[0]);
  for (size_t i = 1; ok && i < name.size(); ++i) ok = rest_ok(name[i]);
  if (ok) return "";
  return Quote(name) + " is not allowed; " + std::string(rule);
}

}  // namespace

std::string CheckNetworkName(std::string_view name) {
  auto first = [](char c) { return IsLower(c) || IsDigit(c); };
  auto rest = [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; };
  return CheckShape(name, 63, first, rest,
                    "use lower-case letters, digits and '-', starting with a letter or digit");
}

std::string CheckOrgName(std::string_view name) {
  auto rest = [](char c) { return IsAlnum(c) || c == '_' || c == '.' || c == '-'; };
  return CheckShape(name, 64, IsAlnum, rest,
                    "use letters, digits, '_', '.' and '-', starting with a letter or digit");
}

std::string CheckMspId(std::string_view mspid) {
  auto rest = [](char c) { return IsAlnum(c) || c == '.' || c == '-'; };
  return CheckShape(mspid, 64, IsAlnum, rest,
                    "use letters, digits, '.' and '-', starting with a letter or digit (policies such as "
                    "'Org1MSP.peer' must be able to name it)");
}

std::string CheckDnsLabel(std::string_view label) {
  auto first = [](char c) { return IsLower(c) || IsDigit(c); };
  auto rest = [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; };
  std::string rule =
      "a host name uses lower-case letters, digits and '-', and does not start or end with '-'";
  std::string problem = CheckShape(label, 63, first, rest, rule);
  if (problem.empty() && label.back() == '-') return Quote(label) + " is not allowed; " + rule;
  return problem;
}

std::string CheckDnsName(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > 253) return Quote(name) + " is longer than 253 characters, the limit for a DNS name";
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view label =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return Quote(name) + " is not a DNS name: it has an empty label";
    if (!CheckDnsLabel(label).empty()) {
      return Quote(name) +
             " is not a DNS name: each dot-separated part uses lower-case letters, digits and '-', "
             "and does not start or end with '-'";
    }
    if (dot == std::string_view::npos) return "";
    start = dot + 1;
  }
}

std::string CheckUserName(std::string_view name) {
  auto rest = [](char c) { return IsAlnum(c) || c == '_' || c == '.' || c == '-'; };
  return CheckShape(name, 64, IsAlnum, rest,
                    "use letters, digits, '_', '.' and '-', starting with a letter or digit");
}

std::string CheckChannelName(std::string_view name) {
  auto rest = [](char c) { return IsLower(c) || IsDigit(c) || c == '.' || c == '-'; };
  return CheckShape(name, 249, IsLower, rest,
                    "Fabric channel names match ^[a-z][a-z0-9.-]*$ (lower case, starting with a letter)");
}

std::string CheckChaincodeName(std::string_view name) {
  std::string rule = "Fabric chaincode names match ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$";
  auto rest = [](char c) { return IsAlnum(c) || c == '-' || c == '_'; };
  std::string problem = CheckShape(name, 255, IsAlnum, rest, rule);
  if (!problem.empty()) return problem;
  // Separators only between alphanumeric runs.
  for (size_t i = 1; i < name.size(); ++i) {
    bool separator = name[i] == '-' || name[i] == '_';
    if (separator && (i + 1 == name.size() || !IsAlnum(name[i + 1]))) {
      return Quote(name) + " is not allowed; " + rule;
    }
  }
  return "";
}

std::string CheckChaincodeVersion(std::string_view version) {
  auto ok = [](char c) { return IsAlnum(c) || c == '_' || c == '.' || c == '+' || c == '-'; };
  return CheckShape(version, 255, ok, ok, "Fabric chaincode versions match ^[A-Za-z0-9_.+-]+$");
}

std::string CheckPluginName(std::string_view name) {
  auto ok = [](char c) { return IsAlnum(c) || c == '_' || c == '.' || c == '-'; };
  return CheckShape(name, 255, ok, ok, "use letters, digits, '_', '.' and '-'");
}

std::string CheckHostPort(std::string_view address) {
  size_t colon = address.rfind(':');
  std::string usage = "; write host:port, like cc.example.com:9999";
  if (colon == std::string_view::npos) return Quote(address) + " has no port" + usage;
  std::string_view host = address.substr(0, colon);
  std::string_view port = address.substr(colon + 1);
  if (host.empty()) return Quote(address) + " has no host" + usage;
  // A DNS name; dotted IPv4 addresses pass the same check.
  if (!CheckDnsName(host).empty()) {
    return Quote(address) + ": '" + std::string(host) + "' is not a host name" + usage;
  }
  uint32_t value = 0;
  for (char c : port) {
    if (!IsDigit(c) || value > 65535) return Quote(address) + " has a bad port" + usage;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port.empty() || value == 0 || value > 65535) return Quote(address) + ": the port must be 1-65535";
  return "";
}

std::string CheckText(std::string_view text, bool multi_line) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      bool allowed_control = multi_line && (byte == '\n' || byte == '\t');
      if ((byte < 0x20 && !allowed_control) || byte == 0x7f) {
        return "contains a control character (byte " + std::to_string(i) + ")" +
               (multi_line ? "" : "; it must be a single line");
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: a lead byte, then 1-3 continuation bytes; reject
    // overlong forms, surrogates and values above U+10FFFF.
    size_t length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 0;
    std::string bad = "is not valid UTF-8 (byte " + std::to_string(i) + ")";
    if (length == 0 || byte < 0xc2 || byte > 0xf4 || i + length > text.size()) return bad;
    uint32_t code_point = byte & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return bad;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    bool surrogate = code_point >= 0xd800 && code_point <= 0xdfff;
    if (overlong || surrogate || code_point > 0x10ffff) return bad;
    // C1 controls and the byte order mark are invisible trouble in a name.
    if ((code_point >= 0x80 && code_point <= 0x9f) || code_point == 0xfeff) {
      return "contains a control character (byte " + std::to_string(i) + ")";
    }
    i += length;
  }
  return "";
}

}  // namespace loom::config
