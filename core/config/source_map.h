// Where each field of a parsed scenario came from, so that errors found after
// parsing (uniqueness, cross-references) still name file:line:column.
//
// Field paths look like "orgs[1].domain", "orderer.batch_size" or
// "faults[0].node"; the root is "". A path without a recorded position falls
// back to its nearest recorded ancestor (a defaulted field is reported at the
// map that omitted it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/util/status.h"

namespace loom::config {

struct SourcePosition {
  int line = 1;    // 1-based
  int column = 1;  // 1-based
};

class SourceMap {
 public:
  // An empty source name means "no file": errors then carry only the path.
  explicit SourceMap(std::string source_name = "") : source_name_(std::move(source_name)) {}

  const std::string& source_name() const { return source_name_; }

  // Keeps the first position recorded for a path.
  void Record(const std::string& path, SourcePosition position);

  // The position of `path` or of its nearest recorded ancestor.
  std::optional<SourcePosition> Find(std::string_view path) const;

  // InvalidArgument "source:line:col: path: message", dropping the parts that
  // are unknown (no source name, no position, root path).
  Status Error(std::string_view path, std::string_view message) const;
  // Same, at an explicit position (for errors outside any field, e.g. syntax).
  Status ErrorAt(SourcePosition position, std::string_view path, std::string_view message) const;

 private:
  Status Format(std::optional<SourcePosition> position, std::string_view path,
                std::string_view message) const;

  std::string source_name_;
  std::unordered_map<std::string, SourcePosition> positions_;
};

// "orgs[1].domain" -> "orgs[1]" -> "orgs" -> "".
std::string_view ParentPath(std::string_view path);
// ChildPath("orgs[1]", "domain") == "orgs[1].domain"; ChildPath("", "orgs") == "orgs".
std::string ChildPath(std::string_view path, std::string_view key);
// IndexPath("orgs", 1) == "orgs[1]".
std::string IndexPath(std::string_view path, size_t index);

}  // namespace loom::config
