// Fuzzes the scenario parser: any input either fails with a message, or
// parses to a valid scenario whose ToYaml parses back to an equal scenario
// and writes the same text again. Anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/config/scenario_validator.h"
#include "core/config/scenario_yaml.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "scenario_parser_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = loom::config::ParseScenario(text, "fuzz.yaml");
  if (!parsed.ok()) {
    if (!parsed.status().IsInvalidArgument() || parsed.status().message().rfind("fuzz.yaml:", 0) != 0) {
      Fail("an error that is not InvalidArgument naming the source", parsed.status().ToString());
    }
    return 0;
  }
  loom::Status valid = loom::config::ValidateScenario(*parsed);
  if (!valid.ok()) Fail("a parsed scenario fails validation", valid.ToString());

  std::string yaml = loom::config::ToYaml(*parsed);
  auto reparsed = loom::config::ParseScenario(yaml, "roundtrip.yaml");
  if (!reparsed.ok()) Fail("ToYaml output does not parse", reparsed.status().ToString() + "\n" + yaml);
  if (!(*reparsed == *parsed)) Fail("ToYaml output parses to a different scenario", yaml);
  if (loom::config::ToYaml(*reparsed) != yaml) Fail("ToYaml is not stable", yaml);
  return 0;
}
