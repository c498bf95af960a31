// Fuzz target: arbitrary text as a connection profile (YAML or JSON). Every
// input gives endpoints or one error; nothing may crash or throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/lab/connection_profile_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto endpoints = loom::lab::ParseConnectionProfile(text, "fuzz.yaml", "/nonexistent");
  if (endpoints.ok()) loom::lab::AssumeChannel(&*endpoints, "mychannel");
  return 0;
}
