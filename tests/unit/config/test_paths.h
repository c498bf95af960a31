// Paths of files the config tests read.
#pragma once

#include <string>

namespace loom::config::testing {

inline std::string SourcePath(const std::string& relative) {
  return std::string(LOOM_SOURCE_DIR) + "/" + relative;
}
inline std::string QuickstartPath() {
  return SourcePath("scenarios/quickstart.yaml");
}
inline std::string MaximalPath() {
  return SourcePath("tests/unit/config/testdata/maximal.yaml");
}

}  // namespace loom::config::testing
