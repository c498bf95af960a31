// `loom-bench run` and `loom-bench compare`: argument parsing, the run's
// wiring (workspace -> target, crypto ceiling, node sampler, progress on the
// terminal) and the report files. Exit codes: 0 done, 1 the run failed,
// 2 bad arguments.
#pragma once

#include <string>
#include <vector>

namespace loom::bench {

int RunCommand(const std::vector<std::string>& args);
int CompareCommand(const std::vector<std::string>& args);

}  // namespace loom::bench
