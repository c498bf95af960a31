#include "core/protocol/decoded_node.h"

#include <map>

#include "core/crypto/hash.h"
#include "core/protocol/text_encoding.h"

namespace loom::protocol {

DecodedNode DecodedNode::Group(std::string name) {
  return {std::move(name), Kind::kGroup, {}, {}};
}

DecodedNode DecodedNode::List(std::string name) {
  return {std::move(name), Kind::kList, {}, {}};
}

DecodedNode DecodedNode::Text(std::string name, std::string_view text) {
  return {std::move(name), Kind::kText, std::string(text), {}};
}

DecodedNode DecodedNode::Symbol(std::string name, std::string value) {
  return {std::move(name), Kind::kSymbol, std::move(value), {}};
}

DecodedNode DecodedNode::Number(std::string name, int64_t value) {
  return {std::move(name), Kind::kNumber, std::to_string(value), {}};
}

DecodedNode DecodedNode::Unsigned(std::string name, uint64_t value) {
  return {std::move(name), Kind::kNumber, std::to_string(value), {}};
}

DecodedNode DecodedNode::Bool(std::string name, bool value) {
  return {std::move(name), Kind::kBool, value ? "true" : "false", {}};
}

DecodedNode DecodedNode::Hex(std::string name, std::string_view bytes) {
  if (bytes.empty()) return Text(std::move(name), "");
  return Symbol(std::move(name), crypto::HexEncode(bytes));
}

DecodedNode DecodedNode::Bytes(std::string name, std::string_view bytes) {
  if (IsPrintableText(bytes)) return Text(std::move(name), bytes);
  return Symbol(std::move(name), "0x" + crypto::HexEncode(bytes));
}

DecodedNode DecodedNode::Undecodable(std::string name, std::string_view reason) {
  return Symbol(std::move(name), "<undecodable: " + std::string(reason) + ">");
}

DecodedNode& DecodedNode::Add(DecodedNode child) {
  if (kind == Kind::kList) child.name = std::to_string(children.size());
  children.push_back(std::move(child));
  return children.back();
}

const DecodedNode* DecodedNode::Find(std::string_view path) const {
  const DecodedNode* node = this;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    const DecodedNode* next = nullptr;
    for (const DecodedNode& child : node->children) {
      if (child.name == segment) {
        next = &child;
        break;
      }
    }
    if (next == nullptr) return nullptr;
    node = next;
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return node;
}

namespace {

std::string ScalarText(const DecodedNode& node) {
  return node.kind == DecodedNode::Kind::kText ? QuoteText(node.value) : node.value;
}

void RenderTextInto(const DecodedNode& node, std::string_view label, int depth, std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  out->append(label);
  if (node.is_scalar()) {
    *out += ": " + ScalarText(node) + "\n";
    return;
  }
  if (node.children.empty()) {
    *out += node.kind == DecodedNode::Kind::kList ? ": []\n" : ": {}\n";
    return;
  }
  out->push_back('\n');
  for (const DecodedNode& child : node.children) {
    std::string child_label = node.kind == DecodedNode::Kind::kList ? "[" + child.name + "]" : child.name;
    RenderTextInto(child, child_label, depth + 1, out);
  }
}

void Indent(int depth, std::string* out) {
  out->push_back('\n');
  out->append(static_cast<size_t>(depth) * 2, ' ');
}

void RenderJsonValue(const DecodedNode& node, int depth, std::string* out) {
  switch (node.kind) {
    case DecodedNode::Kind::kNumber:
    case DecodedNode::Kind::kBool: *out += node.value; return;
    case DecodedNode::Kind::kText:
    case DecodedNode::Kind::kSymbol: AppendJsonString(out, node.value); return;
    case DecodedNode::Kind::kList:
    case DecodedNode::Kind::kGroup: break;
  }
  bool is_list = node.kind == DecodedNode::Kind::kList;
  if (node.children.empty()) {
    *out += is_list ? "[]" : "{}";
    return;
  }
  out->push_back(is_list ? '[' : '{');
  std::map<std::string, int> seen;
  for (size_t i = 0; i < node.children.size(); ++i) {
    const DecodedNode& child = node.children[i];
    if (i > 0) out->push_back(',');
    Indent(depth + 1, out);
    if (!is_list) {
      int count = ++seen[child.name];
      AppendJsonString(out, count == 1 ? child.name : child.name + " (" + std::to_string(count) + ")");
      *out += ": ";
    }
    RenderJsonValue(child, depth + 1, out);
  }
  Indent(depth, out);
  out->push_back(is_list ? ']' : '}');
}

}  // namespace

std::string RenderText(const DecodedNode& root) {
  std::string out;
  RenderTextInto(root, root.name, 0, &out);
  return out;
}

std::string RenderJson(const DecodedNode& root) {
  std::string out = "{";
  Indent(1, &out);
  AppendJsonString(&out, root.name);
  out += ": ";
  RenderJsonValue(root, 1, &out);
  Indent(0, &out);
  out += "}\n";
  return out;
}

}  // namespace loom::protocol
