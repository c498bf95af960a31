#include "core/policy/signature_policy_parser.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/policy/policy_lexer.h"
#include "core/policy/principal.h"

namespace loom::policy {
namespace {

enum class Gate { kAnd, kOr, kOutOf };

// The parse tree, kept until the whole text is read so identities can be
// numbered in Fabric's order (see the header).
struct Node {
  bool is_gate = false;
  int column = 1;
  int64_t threshold = 0;       // gates
  std::vector<Node> children;  // gates
  RolePrincipal principal;     // principals
};

Status ErrorAt(int column, const std::string& message) {
  return Status::InvalidArgument("column " + std::to_string(column) + ": " + message);
}

std::optional<Gate> GateFromName(std::string_view name) {
  if (name == "AND" || name == "And" || name == "and") return Gate::kAnd;
  if (name == "OR" || name == "Or" || name == "or") return Gate::kOr;
  if (name == "OutOf" || name == "outof" || name == "OUTOF") return Gate::kOutOf;
  return std::nullopt;
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// Fabric's spellings for an operator written in some other case, or empty.
std::string_view AcceptedSpellings(std::string_view name) {
  const std::string lower = Lowercase(name);
  if (lower == "and") return "AND, And or and";
  if (lower == "or") return "OR, Or or or";
  if (lower == "outof") return "OutOf, outof or OUTOF";
  return {};
}

// Parses "12", "-3"; nullopt for anything else or beyond int32.
std::optional<int64_t> ParseWholeNumber(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 10) return std::nullopt;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value > INT32_MAX) return std::nullopt;
  return negative ? -value : value;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  Result<Node> ParseWhole() {
    LOOM_RETURN_IF_ERROR(Advance());
    if (token_.kind == Token::Kind::kEnd) {
      return ErrorAt(token_.column, "empty policy: expected AND(...), OR(...) or OutOf(...)");
    }
    if (token_.kind == Token::Kind::kString) {
      return ErrorAt(token_.column, "expected AND, OR or OutOf but found " + token_.Describe() +
                                        " (a single principal must be wrapped, e.g. OR(" +
                                        std::string(token_.raw) + "))");
    }
    if (token_.kind != Token::Kind::kWord) {
      return ErrorAt(token_.column, "expected AND, OR or OutOf but found " + token_.Describe());
    }
    LOOM_ASSIGN_OR_RETURN(Node root, ParseGate(1));
    if (token_.kind != Token::Kind::kEnd) {
      return ErrorAt(token_.column, "expected end of input but found " + token_.Describe());
    }
    return root;
  }

 private:
  Status Advance() {
    LOOM_ASSIGN_OR_RETURN(token_, lexer_.Next());
    return Status::Ok();
  }

  // At a kWord token that should name an operator.
  Result<Node> ParseGate(int depth) {
    const Token name = token_;
    const std::optional<Gate> gate = GateFromName(name.text);
    if (!gate) {
      const std::string_view spellings = AcceptedSpellings(name.text);
      if (!spellings.empty()) {
        return ErrorAt(name.column, "operator '" + std::string(name.text) +
                                        "' is not spelled as Fabric accepts it: write " +
                                        std::string(spellings));
      }
      return ErrorAt(name.column,
                     "unknown operator '" + std::string(name.text) + "': expected AND, OR or OutOf");
    }
    if (depth > kMaxPolicyNesting) {
      return ErrorAt(name.column,
                     "policy nested deeper than " + std::to_string(kMaxPolicyNesting) + " operators");
    }
    LOOM_RETURN_IF_ERROR(Advance());
    if (token_.kind != Token::Kind::kLeftParen) {
      return ErrorAt(token_.column,
                     "expected '(' after " + std::string(name.text) + " but found " + token_.Describe());
    }
    LOOM_RETURN_IF_ERROR(Advance());

    Node node;
    node.is_gate = true;
    node.column = name.column;
    int threshold_column = 0;
    if (*gate == Gate::kOutOf) {
      threshold_column = token_.column;
      LOOM_ASSIGN_OR_RETURN(node.threshold, ParseThreshold());
      if (token_.kind != Token::Kind::kComma) {
        return ErrorAt(token_.column,
                       "expected ',' and at least one sub-policy after the OutOf threshold but found " +
                           token_.Describe());
      }
      LOOM_RETURN_IF_ERROR(Advance());
    }
    while (true) {
      LOOM_ASSIGN_OR_RETURN(Node child, ParseItem(depth));
      node.children.push_back(std::move(child));
      if (token_.kind == Token::Kind::kRightParen) break;
      if (token_.kind != Token::Kind::kComma) {
        return ErrorAt(token_.column, "expected ',' or ')' but found " + token_.Describe());
      }
      LOOM_RETURN_IF_ERROR(Advance());
    }
    LOOM_RETURN_IF_ERROR(Advance());  // past ')'

    const int64_t count = static_cast<int64_t>(node.children.size());
    switch (*gate) {
      case Gate::kAnd: node.threshold = count; break;
      case Gate::kOr: node.threshold = 1; break;
      case Gate::kOutOf:
        if (node.threshold < 0) {
          return ErrorAt(threshold_column,
                         "OutOf threshold must not be negative, got " + std::to_string(node.threshold));
        }
        if (node.threshold > count + 1) {
          return ErrorAt(threshold_column, "OutOf threshold " + std::to_string(node.threshold) +
                                               " is larger than the number of sub-policies (" +
                                               std::to_string(count) + "); at most " +
                                               std::to_string(count + 1) +
                                               " is allowed (count + 1: never satisfiable, as in Fabric)");
        }
        break;
    }
    return node;
  }

  // At the first token of OutOf's threshold; leaves token_ after it.
  Result<int64_t> ParseThreshold() {
    const Token first = token_;
    std::string text;
    if (first.kind == Token::Kind::kMinus) {
      LOOM_RETURN_IF_ERROR(Advance());
      if (token_.kind != Token::Kind::kNumber) {
        return ErrorAt(token_.column, "expected a number after '-' but found " + token_.Describe());
      }
      text = "-" + std::string(token_.text);
    } else if (first.kind == Token::Kind::kNumber || first.kind == Token::Kind::kString) {
      text = std::string(first.text);
    } else {
      return ErrorAt(first.column,
                     "expected the OutOf threshold (a whole number) but found " + first.Describe());
    }
    const std::optional<int64_t> value = ParseWholeNumber(text);
    if (!value && first.kind == Token::Kind::kString) {
      return ErrorAt(first.column,
                     "expected the OutOf threshold (a whole number) but found " + first.Describe());
    }
    if (!value) {
      return ErrorAt(first.column, "OutOf threshold '" + text + "' is not a whole number in the int32 range");
    }
    LOOM_RETURN_IF_ERROR(Advance());
    return *value;
  }

  Result<Node> ParseItem(int depth) {
    if (token_.kind == Token::Kind::kString) {
      Result<RolePrincipal> principal = ParseRolePrincipalText(token_.text);
      if (!principal.ok()) return ErrorAt(token_.column, principal.status().message());
      Node node;
      node.column = token_.column;
      node.principal = std::move(principal).value();
      LOOM_RETURN_IF_ERROR(Advance());
      return node;
    }
    if (token_.kind == Token::Kind::kWord) {
      const Token word = token_;
      if (GateFromName(word.text) || !AcceptedSpellings(word.text).empty()) return ParseGate(depth + 1);
      if (word.text.find('.') != std::string_view::npos) {
        return ErrorAt(word.column, "expected a principal but found " + word.Describe() +
                                        ": principals must be quoted, e.g. '" + std::string(word.text) + "'");
      }
    }
    return ErrorAt(
        token_.column,
        "expected a quoted principal such as 'Org1MSP.member' or a nested AND, OR or OutOf but found " +
            token_.Describe());
  }

  PolicyLexer lexer_;
  Token token_;
};

// Builds the rule of `node`, numbering identities as Fabric does: nested
// gates first (left to right), then this gate's own principals.
common::SignaturePolicy BuildRule(const Node& node, ParsedSignaturePolicy* out) {
  common::SignaturePolicy rule;
  common::SignaturePolicy::NOutOf* n_out_of = rule.mutable_n_out_of();
  n_out_of->set_n(static_cast<int32_t>(node.threshold));
  std::vector<common::SignaturePolicy> children(node.children.size());
  for (size_t i = 0; i < node.children.size(); ++i) {
    if (node.children[i].is_gate) children[i] = BuildRule(node.children[i], out);
  }
  for (size_t i = 0; i < node.children.size(); ++i) {
    const Node& child = node.children[i];
    if (child.is_gate) continue;
    children[i].set_signed_by(out->envelope.identities_size());
    *out->envelope.add_identities() = MakeRolePrincipal(child.principal);
    out->identity_columns.push_back(child.column);
  }
  for (common::SignaturePolicy& child : children) *n_out_of->add_rules() = std::move(child);
  return rule;
}

}  // namespace

Result<ParsedSignaturePolicy> ParseSignaturePolicyWithColumns(std::string_view text) {
  Parser parser(text);
  LOOM_ASSIGN_OR_RETURN(Node root, parser.ParseWhole());
  ParsedSignaturePolicy parsed;
  parsed.envelope.set_version(0);
  *parsed.envelope.mutable_rule() = BuildRule(root, &parsed);
  return parsed;
}

Result<common::SignaturePolicyEnvelope> ParseSignaturePolicy(std::string_view text) {
  LOOM_ASSIGN_OR_RETURN(ParsedSignaturePolicy parsed, ParseSignaturePolicyWithColumns(text));
  return std::move(parsed.envelope);
}

}  // namespace loom::policy
