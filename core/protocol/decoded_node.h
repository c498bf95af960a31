// DecodedNode: a tree of named values, the output of the deep block decoder
// (block_decoder.h), rendered as indented text or as JSON.
//
// A node is a group (named children), a list (children by position) or a
// scalar. Scalars keep their kind so renderers can quote user text, print
// numbers bare and show symbols (enum names, hex, timestamps) as they are.
// Plain value type: copyable, not synchronized.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::protocol {

struct DecodedNode {
  enum class Kind {
    kGroup,   // children with distinct names
    kList,    // children named "0", "1", ...
    kText,    // user-supplied text; quoted in text output
    kSymbol,  // enum names, hex, timestamps, subjects; shown bare
    kNumber,  // decimal integer
    kBool,    // "true" / "false"
  };

  std::string name;
  Kind kind = Kind::kGroup;
  std::string value;  // scalars only
  std::vector<DecodedNode> children;

  static DecodedNode Group(std::string name);
  static DecodedNode List(std::string name);
  static DecodedNode Text(std::string name, std::string_view text);
  static DecodedNode Symbol(std::string name, std::string value);
  static DecodedNode Number(std::string name, int64_t value);
  static DecodedNode Unsigned(std::string name, uint64_t value);
  static DecodedNode Bool(std::string name, bool value);
  // Raw bytes always shown as lowercase hex (empty bytes as empty text).
  static DecodedNode Hex(std::string name, std::string_view bytes);
  // Text when the bytes are printable UTF-8, otherwise "0x" + hex.
  static DecodedNode Bytes(std::string name, std::string_view bytes);
  // A node whose bytes could not be decoded: "<undecodable: reason>".
  static DecodedNode Undecodable(std::string name, std::string_view reason);

  bool is_scalar() const { return kind != Kind::kGroup && kind != Kind::kList; }

  // Adds a child and returns it. In a list the child is renamed to its index.
  DecodedNode& Add(DecodedNode child);

  // The descendant at a '/'-separated path of child names ("data/0/payload"),
  // or nullptr.
  const DecodedNode* Find(std::string_view path) const;
};

// Indented text: "name: value" for scalars, "name" and indented children for
// groups, "[i]" for list items. Ends with a newline.
std::string RenderText(const DecodedNode& root);

// Pretty-printed JSON: the root becomes an object {"<name>": ...}; groups are
// objects (a repeated name gets a " (2)" suffix), lists are arrays, numbers
// and booleans are bare, every other scalar is a string. Always valid JSON.
std::string RenderJson(const DecodedNode& root);

}  // namespace loom::protocol
