// A loomctl command family ("crypto", "block", "channel", ...).
#pragma once

#include <string>
#include <vector>

namespace loom::ctl {

// Runs `loomctl <family> args...`; `args` excludes the family name.
// Returns the process exit code: 0 success, 1 failure, 2 usage error.
// Errors go to stderr as one line naming the file and what is wrong.
using CommandFn = int (*)(const std::vector<std::string>& args);

struct CommandFamily {
  const char* name;
  const char* summary;  // one line for `loomctl help`
  CommandFn run;
};

}  // namespace loom::ctl
