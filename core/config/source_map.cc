#include "core/config/source_map.h"

namespace loom::config {

void SourceMap::Record(const std::string& path, SourcePosition position) {
  positions_.emplace(path, position);
}

std::optional<SourcePosition> SourceMap::Find(std::string_view path) const {
  while (true) {
    auto it = positions_.find(std::string(path));
    if (it != positions_.end()) return it->second;
    if (path.empty()) return std::nullopt;
    path = ParentPath(path);
  }
}

Status SourceMap::Error(std::string_view path, std::string_view message) const {
  return Format(Find(path), path, message);
}

Status SourceMap::ErrorAt(SourcePosition position, std::string_view path, std::string_view message) const {
  return Format(position, path, message);
}

Status SourceMap::Format(std::optional<SourcePosition> position, std::string_view path,
                         std::string_view message) const {
  std::string text = source_name_;
  if (position) {
    if (!text.empty()) text += ':';
    text += std::to_string(position->line) + ":" + std::to_string(position->column);
  }
  if (!text.empty()) text += ": ";
  if (!path.empty()) {
    text += path;
    text += ": ";
  }
  text += message;
  return Status::InvalidArgument(std::move(text));
}

std::string_view ParentPath(std::string_view path) {
  size_t cut = path.find_last_of(".[");
  if (cut == std::string_view::npos) return "";
  return path.substr(0, cut);
}

std::string ChildPath(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string child(path);
  child += '.';
  child += key;
  return child;
}

std::string IndexPath(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

}  // namespace loom::config
