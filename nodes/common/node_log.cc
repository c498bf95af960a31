#include "nodes/common/node_log.h"

namespace loom::nodes {

void NodeLog::Write(std::string_view message) {
  std::string line = prefix_;
  line.append(message);
  // A message of several lines stays one entry: later lines are indented.
  for (size_t at = line.find('\n'); at != std::string::npos && at + 1 < line.size();
       at = line.find('\n', at + 1)) {
    line.insert(at + 1, "  ");
  }
  if (line.empty() || line.back() != '\n') line.push_back('\n');
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace loom::nodes
