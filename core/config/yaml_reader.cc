#include "core/config/yaml_reader.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "core/config/units.h"

namespace loom::config {
namespace {

std::optional<SourcePosition> PositionOf(const YAML::Node& node) {
  YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return std::nullopt;
  return SourcePosition{mark.line + 1, mark.column + 1};
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

void YamlReader::Record(const std::string& path, const YAML::Node& node) const {
  if (auto position = PositionOf(node)) sources_->Record(path, *position);
}

std::string YamlReader::Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (text.size() > 40) return "'" + text.substr(0, 37) + "...'";
      return "'" + text + "'";
    }
    default: return "nothing";
  }
}

Result<std::string> YamlReader::String(const YAML::Node& node, const std::string& path) const {
  Record(path, node);
  if (!node.IsScalar()) return Error(path, "expected a string, got " + Describe(node));
  return node.Scalar();
}

Result<std::vector<std::string>> YamlReader::StringList(const YAML::Node& node,
                                                        const std::string& path) const {
  std::vector<std::string> values;
  LOOM_RETURN_IF_ERROR(ForEachItem(node, path, [&](const YAML::Node& item, const std::string& item_path) {
    LOOM_ASSIGN_OR_RETURN(std::string value, String(item, item_path));
    values.push_back(std::move(value));
    return Status::Ok();
  }));
  return values;
}

Result<uint64_t> YamlReader::Unsigned(const YAML::Node& node, const std::string& path, uint64_t max) const {
  Record(path, node);
  std::string expected = "expected a whole number from 0 to " + std::to_string(max);
  if (!node.IsScalar()) return Error(path, expected + ", got " + Describe(node));
  const std::string& text = node.Scalar();
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!AllDigits(text) || error != std::errc() || end != text.data() + text.size() || value > max) {
    return Error(path, expected + ", got " + Describe(node));
  }
  return value;
}

Result<int64_t> YamlReader::Signed(const YAML::Node& node, const std::string& path) const {
  Record(path, node);
  std::string expected = "expected a whole number";
  if (!node.IsScalar()) return Error(path, expected + ", got " + Describe(node));
  const std::string& text = node.Scalar();
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!AllDigits(digits) || error != std::errc() || end != text.data() + text.size()) {
    return Error(path, expected + ", got " + Describe(node));
  }
  return value;
}

Result<double> YamlReader::Number(const YAML::Node& node, const std::string& path) const {
  Record(path, node);
  if (!node.IsScalar()) return Error(path, "expected a number, got " + Describe(node));
  const std::string& text = node.Scalar();
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return Error(path, "expected a number, got " + Describe(node));
  }
  return value;
}

Result<bool> YamlReader::Bool(const YAML::Node& node, const std::string& path) const {
  Record(path, node);
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  return Error(path, "expected true or false, got " + Describe(node));
}

Result<Duration> YamlReader::DurationValue(const YAML::Node& node, const std::string& path) const {
  LOOM_ASSIGN_OR_RETURN(std::string text, String(node, path));
  auto duration = ParseDuration(text);
  if (!duration.ok()) return Error(path, duration.status().message());
  return *duration;
}

Result<uint64_t> YamlReader::ByteSize(const YAML::Node& node, const std::string& path) const {
  LOOM_ASSIGN_OR_RETURN(std::string text, String(node, path));
  auto size = ParseByteSize(text);
  if (!size.ok()) return Error(path, size.status().message());
  return *size;
}

Status YamlReader::ForEachItem(
    const YAML::Node& node, const std::string& path,
    const std::function<Status(const YAML::Node&, const std::string&)>& visit) const {
  Record(path, node);
  if (!node.IsSequence()) return Error(path, "expected a list, got " + Describe(node));
  size_t index = 0;
  for (const auto& item : node) {
    std::string item_path = IndexPath(path, index++);
    Record(item_path, item);
    LOOM_RETURN_IF_ERROR(visit(item, item_path));
  }
  return Status::Ok();
}

Result<YamlMap> YamlMap::Open(const YamlReader& reader, const YAML::Node& node, std::string path,
                              std::vector<std::string> allowed) {
  reader.Record(path, node);
  if (!node.IsMap()) return reader.Error(path, "expected a map, got " + YamlReader::Describe(node));
  YamlMap map(&reader, path);
  std::unordered_map<std::string, int> first_line;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    const YAML::Node& value = entry.second;
    if (!key.IsScalar()) {
      std::string key_path = ChildPath(path, "<key>");
      reader.Record(key_path, key);
      return reader.Error(key_path, "a field name must be plain text, got " + YamlReader::Describe(key));
    }
    std::string name = key.Scalar();
    std::string field_path = ChildPath(path, name);
    auto key_position = PositionOf(key);
    int line = key_position ? key_position->line : 0;
    auto [previous, inserted] = first_line.emplace(name, line);
    if (!inserted) {
      if (key_position) {
        return reader.sources().ErrorAt(
            *key_position, field_path,
            "field appears twice in this map (first at line " + std::to_string(previous->second) + ")");
      }
      return reader.Error(field_path, "field appears twice in this map");
    }
    bool known = false;
    for (const auto& candidate : allowed) known = known || candidate == name;
    if (!known) {
      std::string message = "unknown field";
      std::string suggestion = DidYouMean(name, allowed);
      if (!suggestion.empty()) {
        message += suggestion;
      } else {
        message += "; expected one of:";
        for (size_t i = 0; i < allowed.size(); ++i) message += (i == 0 ? " " : ", ") + allowed[i];
      }
      if (key_position) return reader.sources().ErrorAt(*key_position, field_path, message);
      return reader.Error(field_path, message);
    }
    // The value's own position when it has one; a null value has none worth
    // pointing at, so point at its key.
    if (!value.IsNull()) reader.Record(field_path, value);
    if (key_position) reader.sources().Record(field_path, *key_position);
    if (!value.IsNull()) map.fields_.emplace_back(name, value);
  }
  return map;
}

bool YamlMap::Has(std::string_view key) const {
  for (const auto& field : fields_) {
    if (field.first == key) return true;
  }
  return false;
}

const YAML::Node& YamlMap::Get(std::string_view key) const {
  for (const auto& field : fields_) {
    if (field.first == key) return field.second;
  }
  static const YAML::Node kNull;
  return kNull;
}

Status YamlMap::Require(std::initializer_list<std::string_view> keys) const {
  for (auto key : keys) {
    if (!Has(key)) return reader_->Error(PathOf(key), "required field is missing");
  }
  return Status::Ok();
}

Status YamlMap::Read(std::string_view key, std::string* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*out, reader_->String(Get(key), PathOf(key)));
  return Status::Ok();
}

Status YamlMap::Read(std::string_view key, std::vector<std::string>* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*out, reader_->StringList(Get(key), PathOf(key)));
  return Status::Ok();
}

Status YamlMap::Read(std::string_view key, uint32_t* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(uint64_t value, reader_->Unsigned(Get(key), PathOf(key), UINT32_MAX));
  *out = static_cast<uint32_t>(value);
  return Status::Ok();
}

Status YamlMap::Read(std::string_view key, uint64_t* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*out, reader_->Unsigned(Get(key), PathOf(key), UINT64_MAX));
  return Status::Ok();
}

Status YamlMap::Read(std::string_view key, int64_t* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*out, reader_->Signed(Get(key), PathOf(key)));
  return Status::Ok();
}

Status YamlMap::Read(std::string_view key, double* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*out, reader_->Number(Get(key), PathOf(key)));
  return Status::Ok();
}

Status YamlMap::Read(std::string_view key, bool* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*out, reader_->Bool(Get(key), PathOf(key)));
  return Status::Ok();
}

Status YamlMap::Read(std::string_view key, Duration* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*out, reader_->DurationValue(Get(key), PathOf(key)));
  return Status::Ok();
}

Status YamlMap::ReadByteSize(std::string_view key, uint64_t* out) const {
  if (!Has(key)) return Status::Ok();
  LOOM_ASSIGN_OR_RETURN(*out, reader_->ByteSize(Get(key), PathOf(key)));
  return Status::Ok();
}

Status YamlMap::Forbid(std::string_view key, std::string_view reason) const {
  if (!Has(key)) return Status::Ok();
  return reader_->Error(PathOf(key), reason);
}

}  // namespace loom::config
