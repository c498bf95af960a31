// Checks for parsers that must refuse their input with one clear error,
// shared by the unit tests of the node config files (and any other parser
// returning loom::Result).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace loom::testing {

// The error of a parse that must fail; records a test failure showing
// `input` when it succeeded (and then returns Ok).
template <typename T>
Status ErrorOf(const Result<T>& result, std::string_view input) {
  EXPECT_FALSE(result.ok()) << input;
  return result.ok() ? Status::Ok() : result.status();
}

// Expects `status` to be InvalidArgument with every one of `parts` in its
// message (e.g. the "file:line:col" position, the field, the complaint).
inline void ExpectInvalidArgumentMentions(const Status& status, const std::vector<std::string>& parts) {
  EXPECT_TRUE(status.IsInvalidArgument()) << status.ToString();
  for (const std::string& part : parts) {
    EXPECT_NE(status.message().find(part), std::string::npos)
        << "'" << part << "' not in: " << status.message();
  }
}

}  // namespace loom::testing
