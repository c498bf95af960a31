// Loads the one YAML document of a scenario file with yaml-cpp, turning its
// exceptions into "file:line:col: YAML syntax error: ..." statuses.
#pragma once

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/config/source_map.h"
#include "core/util/status.h"

namespace loom::config {

// The document's root node. Fails on a syntax error, on text with no
// document (or only an empty one), and on text with a second non-empty
// document. Never throws.
Result<YAML::Node> LoadSingleDocument(std::string_view text, const SourceMap& sources);

}  // namespace loom::config
