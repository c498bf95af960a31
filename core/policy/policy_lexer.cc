#include "core/policy/policy_lexer.h"

#include <cstdio>

namespace loom::policy {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsWordChar(char c) {
  return IsLetter(c) || IsDigit(c) || c == '.' || c == '-';
}

}  // namespace

std::string Token::Describe() const {
  switch (kind) {
    case Kind::kEnd: return "end of input";
    case Kind::kString: return "string " + std::string(raw);
    case Kind::kInvalid: {
      const unsigned char byte = static_cast<unsigned char>(raw.empty() ? 0 : raw[0]);
      if (byte >= 0x20 && byte < 0x7f) return "'" + std::string(raw) + "'";
      char buffer[16];
      std::snprintf(buffer, sizeof(buffer), "byte 0x%02x", byte);
      return buffer;
    }
    default: return "'" + std::string(raw) + "'";
  }
}

Result<Token> PolicyLexer::Next() {
  while (pos_ < input_.size() && IsSpace(input_[pos_])) ++pos_;
  Token token;
  token.column = static_cast<int>(pos_) + 1;
  if (pos_ >= input_.size()) {
    token.kind = Token::Kind::kEnd;
    return token;
  }
  const size_t start = pos_;
  const char c = input_[pos_];
  auto single = [&](Token::Kind kind) {
    ++pos_;
    token.kind = kind;
    token.text = token.raw = input_.substr(start, 1);
    return token;
  };
  switch (c) {
    case '(': return single(Token::Kind::kLeftParen);
    case ')': return single(Token::Kind::kRightParen);
    case ',': return single(Token::Kind::kComma);
    case '-': return single(Token::Kind::kMinus);
    case '\'':
    case '"': {
      const size_t close = input_.find(c, start + 1);
      if (close == std::string_view::npos) {
        return Status::InvalidArgument("column " + std::to_string(token.column) +
                                       ": unterminated string: no closing " + std::string(1, c));
      }
      pos_ = close + 1;
      token.kind = Token::Kind::kString;
      token.text = input_.substr(start + 1, close - start - 1);
      token.raw = input_.substr(start, pos_ - start);
      return token;
    }
    default: break;
  }
  if (IsDigit(c) || IsLetter(c)) {
    while (pos_ < input_.size() && IsWordChar(input_[pos_])) ++pos_;
    token.kind = IsDigit(c) ? Token::Kind::kNumber : Token::Kind::kWord;
    token.text = token.raw = input_.substr(start, pos_ - start);
    return token;
  }
  return single(Token::Kind::kInvalid);
}

}  // namespace loom::policy
