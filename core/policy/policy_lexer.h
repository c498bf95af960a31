// Tokens of Fabric's signature policy language, for the parser in
// signature_policy_parser.cc. Positions are 1-based byte columns.
//
// The lexer follows what govaluate (which Fabric's policydsl is built on)
// accepts where it matters for valid policies: whitespace anywhere between
// tokens, strings in single or double quotes. It has no escape sequences:
// no valid principal or threshold can contain a backslash or a quote.
#pragma once

#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::policy {

struct Token {
  enum class Kind {
    kLeftParen,
    kRightParen,
    kComma,
    kMinus,
    kNumber,  // starts with a digit; may run on into letters ("2x") so the parser can name it whole
    kString,  // text = the contents without quotes; raw = with quotes
    kWord,    // an operator name, or an unquoted principal the parser will reject
    kEnd,
    kInvalid,  // one byte that starts no token
  };

  Kind kind = Kind::kEnd;
  std::string_view text;
  std::string_view raw;
  int column = 1;

  // How an error message names this token: "','", "string 'A.member'",
  // "end of input", "byte 0x07".
  std::string Describe() const;
};

class PolicyLexer {
 public:
  explicit PolicyLexer(std::string_view input) : input_(input) {}

  // The next token, or InvalidArgument("column N: unterminated string ...").
  Result<Token> Next();

 private:
  std::string_view input_;
  size_t pos_ = 0;
};

}  // namespace loom::policy
