// Pid files: "<pid> <start_ticks>\n" (process.h).
#include <charconv>
#include <string_view>

#include "app/lab/process.h"
#include "core/util/file_util.h"

namespace loom::lab {

Status WritePidFile(const std::string& path, const ProcessRecord& record) {
  return WriteFileAtomically(path,
                             std::to_string(record.pid) + " " + std::to_string(record.start_ticks) + "\n");
}

Result<ProcessRecord> ReadPidFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::string_view rest = *text;
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  const auto malformed = [&path] {
    return Status::InvalidArgument(path + ": malformed pid file (expected \"<pid> <start_ticks>\")");
  };
  const size_t space = rest.find(' ');
  if (space == std::string_view::npos) return malformed();
  ProcessRecord record;
  const std::string_view pid_text = rest.substr(0, space);
  const std::string_view ticks_text = rest.substr(space + 1);
  auto [pid_end, pid_error] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), record.pid);
  auto [ticks_end, ticks_error] =
      std::from_chars(ticks_text.data(), ticks_text.data() + ticks_text.size(), record.start_ticks);
  if (pid_text.empty() || ticks_text.empty() || pid_error != std::errc() || ticks_error != std::errc() ||
      pid_end != pid_text.data() + pid_text.size() || ticks_end != ticks_text.data() + ticks_text.size() ||
      record.pid <= 0) {
    return malformed();
  }
  return record;
}

}  // namespace loom::lab
