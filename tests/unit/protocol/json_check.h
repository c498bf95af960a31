// A strict RFC 8259 JSON syntax check for tests (no trailing commas, no
// control characters in strings, valid escapes and numbers, valid UTF-8 is
// left to the writer's own tests). Returns "" when `json` is one valid JSON
// value with optional surrounding whitespace, else what is wrong and where.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace loom::protocol::testing {

class JsonChecker {
 public:
  explicit JsonChecker(std::string_view text) : text_(text) {}

  std::string Check() {
    SkipSpace();
    if (!Value(0)) return error_;
    SkipSpace();
    if (pos_ != text_.size()) Fail("trailing characters");
    return error_;
  }

 private:
  bool Fail(std::string_view what) {
    if (error_.empty()) error_ = std::string(what) + " at offset " + std::to_string(pos_);
    return false;
  }
  bool At(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return Fail("expected " + std::string(word));
    pos_ += word.size();
    return true;
  }
  bool Digits() {
    size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return pos_ > start || Fail("expected a digit");
  }
  bool Number() {
    if (At('-')) ++pos_;
    if (At('0')) {
      ++pos_;
    } else if (!Digits()) {
      return false;
    }
    if (At('.')) {
      ++pos_;
      if (!Digits()) return false;
    }
    if (At('e') || At('E')) {
      ++pos_;
      if (At('+') || At('-')) ++pos_;
      if (!Digits()) return false;
    }
    return true;
  }
  bool String() {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Fail("control character in string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= text_.size()) break;
        char escape = text_[pos_];
        if (escape == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (pos_ + i >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_ + i]))) {
              return Fail("bad \\u escape");
            }
          }
          pos_ += 4;
        } else if (std::string_view("\"\\/bfnrt").find(escape) == std::string_view::npos) {
          return Fail("bad escape");
        }
      }
      ++pos_;
    }
    return Fail("unterminated string");
  }
  bool Value(int depth) {
    if (depth > 200) return Fail("nested too deeply");
    if (pos_ >= text_.size()) return Fail("unexpected end");
    char c = text_[pos_];
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++pos_;
      SkipSpace();
      if (At(close)) {
        ++pos_;
        return true;
      }
      while (true) {
        SkipSpace();
        if (c == '{') {
          if (!At('"')) return Fail("expected a key");
          if (!String()) return false;
          SkipSpace();
          if (!At(':')) return Fail("expected ':'");
          ++pos_;
          SkipSpace();
        }
        if (!Value(depth + 1)) return false;
        SkipSpace();
        if (At(',')) {
          ++pos_;
          continue;
        }
        if (At(close)) {
          ++pos_;
          return true;
        }
        return Fail(std::string("expected ',' or '") + close + "'");
      }
    }
    if (c == '"') return String();
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    return Number();
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

inline std::string CheckJson(std::string_view json) {
  return JsonChecker(json).Check();
}

}  // namespace loom::protocol::testing
