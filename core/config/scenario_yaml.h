// Reading and writing scenario files (the schema is docs/scenarios.md).
//
// Parsing is strict: unknown fields, wrong types, bad units, duplicates and
// dangling references are errors, never silently ignored. Every error is one
// InvalidArgument whose message starts with "source:line:column: field.path:"
// (syntax errors carry yaml-cpp's message instead of a field path). Nothing
// throws; yaml-cpp's exceptions are caught inside.
#pragma once

#include <string>
#include <string_view>

#include "core/config/scenario.h"
#include "core/util/status.h"

namespace loom::config {

// Parses and validates a scenario. `source_name` names the text in errors
// (usually its file path).
Result<Scenario> ParseScenario(std::string_view text, std::string_view source_name);

// Reads `path` and parses it; NotFound naming the path when it is missing.
Result<Scenario> LoadScenarioFile(const std::string& path);

// The scenario as YAML that ParseScenario reads back to an equal Scenario
// (for any scenario that passes ValidateScenario). Fields equal to their
// defaults are left out, so a saved file reads like a hand-written one;
// comments of a file that was loaded are not preserved.
std::string ToYaml(const Scenario& scenario);

}  // namespace loom::config
