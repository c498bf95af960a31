// Typed, position-aware reading of yaml-cpp nodes for the scenario parser.
//
// Every read records the node's position in a SourceMap under its field path
// and reports problems as "file:line:col: path: what is wrong". A field whose
// value is null ("key:" or "key: ~") counts as absent. Nothing here throws:
// yaml-cpp is only asked for what the node's type allows.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config/enum_names.h"
#include "core/config/scenario.h"
#include "core/config/source_map.h"
#include "core/config/suggest.h"
#include "core/util/status.h"

namespace loom::config {

class YamlReader {
 public:
  explicit YamlReader(SourceMap* sources) : sources_(sources) {}

  SourceMap& sources() const { return *sources_; }

  // Records where `node` starts, if yaml-cpp knows.
  void Record(const std::string& path, const YAML::Node& node) const;
  Status Error(std::string_view path, std::string_view message) const {
    return sources_->Error(path, message);
  }

  // "a list", "a map", "'text'", "nothing".
  static std::string Describe(const YAML::Node& node);

  Result<std::string> String(const YAML::Node& node, const std::string& path) const;
  Result<std::vector<std::string>> StringList(const YAML::Node& node, const std::string& path) const;
  Result<uint64_t> Unsigned(const YAML::Node& node, const std::string& path, uint64_t max) const;
  Result<int64_t> Signed(const YAML::Node& node, const std::string& path) const;
  Result<double> Number(const YAML::Node& node, const std::string& path) const;
  Result<bool> Bool(const YAML::Node& node, const std::string& path) const;
  Result<Duration> DurationValue(const YAML::Node& node, const std::string& path) const;
  Result<uint64_t> ByteSize(const YAML::Node& node, const std::string& path) const;

  template <typename Enum, size_t N>
  Result<Enum> EnumValue(const YAML::Node& node, const std::string& path,
                         const std::array<std::pair<Enum, std::string_view>, N>& names) const {
    LOOM_ASSIGN_OR_RETURN(std::string text, String(node, path));
    if (auto value = EnumFromName(names, text)) return *value;
    std::vector<std::string> choices;
    for (const auto& entry : names) choices.emplace_back(entry.second);
    return Error(path, "'" + text + "' is not one of " + EnumChoices(names) + DidYouMean(text, choices));
  }

  // Calls `visit(item, item_path)` for each element of a sequence.
  Status ForEachItem(const YAML::Node& node, const std::string& path,
                     const std::function<Status(const YAML::Node&, const std::string&)>& visit) const;

 private:
  SourceMap* sources_;
};

// The fields of one YAML map, checked against the names the schema allows.
class YamlMap {
 public:
  // Fails when `node` is not a map, or has a non-scalar key, a duplicate key
  // or a key outside `allowed` (with a "did you mean").
  static Result<YamlMap> Open(const YamlReader& reader, const YAML::Node& node, std::string path,
                              std::vector<std::string> allowed);

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return ChildPath(path_, key); }

  // Present with a non-null value.
  bool Has(std::string_view key) const;
  // The value of a present key (Has() must be true).
  const YAML::Node& Get(std::string_view key) const;
  // The first key of `keys` that is absent, reported at this map.
  Status Require(std::initializer_list<std::string_view> keys) const;

  // Read `key` into `out` when present; leave `out` (its default) otherwise.
  Status Read(std::string_view key, std::string* out) const;
  Status Read(std::string_view key, std::vector<std::string>* out) const;
  Status Read(std::string_view key, uint32_t* out) const;
  Status Read(std::string_view key, uint64_t* out) const;
  Status Read(std::string_view key, int64_t* out) const;
  Status Read(std::string_view key, double* out) const;
  Status Read(std::string_view key, bool* out) const;
  Status Read(std::string_view key, Duration* out) const;
  Status ReadByteSize(std::string_view key, uint64_t* out) const;

  template <typename Enum, size_t N>
  Status ReadEnum(std::string_view key, const std::array<std::pair<Enum, std::string_view>, N>& names,
                  Enum* out) const {
    if (!Has(key)) return Status::Ok();
    LOOM_ASSIGN_OR_RETURN(*out, reader_->EnumValue(Get(key), PathOf(key), names));
    return Status::Ok();
  }

  // Fails when `key` is present, saying why it does not belong here.
  Status Forbid(std::string_view key, std::string_view reason) const;

 private:
  YamlMap(const YamlReader* reader, std::string path) : reader_(reader), path_(std::move(path)) {}

  const YamlReader* reader_;
  std::string path_;
  std::vector<std::pair<std::string, YAML::Node>> fields_;  // non-null values only
};

}  // namespace loom::config
