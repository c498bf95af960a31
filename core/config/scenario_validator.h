// The rules a Scenario must follow beyond its YAML types: names, ranges,
// uniqueness and cross-references (docs/scenarios.md lists them all).
//
// ParseScenario runs this on everything it parses; code that builds or edits
// a Scenario (the GUI designer) runs it before using or saving one. The first
// broken rule is reported as InvalidArgument naming the field path
// ("orgs[1].domain: 'org1.example.com' is already used by orgs[0]").
#pragma once

#include "core/config/scenario.h"
#include "core/config/source_map.h"
#include "core/util/status.h"

namespace loom::config {

Status ValidateScenario(const Scenario& scenario);

// Same, prefixing each error with the file position `sources` recorded for
// the field (as ParseScenario does).
Status ValidateScenario(const Scenario& scenario, const SourceMap& sources);

}  // namespace loom::config
