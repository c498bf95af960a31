#include "app/lab/proc_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>

namespace loom::lab {
namespace {

bool ParseUnsigned(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  // Fields 3.. are separated by single spaces after "<comm>) ".
  std::string_view rest = text.substr(close + 1);
  int field = 2;
  ProcStat stat;
  bool have_state = false, have_utime = false, have_stime = false, have_start = false;
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && (rest[pos] == ' ' || rest[pos] == '\n')) ++pos;
    if (pos >= rest.size()) break;
    size_t end = pos;
    while (end < rest.size() && rest[end] != ' ' && rest[end] != '\n') ++end;
    const std::string_view token = rest.substr(pos, end - pos);
    ++field;
    switch (field) {
      case 3:
        if (token.size() != 1) return std::nullopt;
        stat.state = token[0];
        have_state = true;
        break;
      case 14: have_utime = ParseUnsigned(token, stat.utime_ticks); break;
      case 15: have_stime = ParseUnsigned(token, stat.stime_ticks); break;
      case 22: have_start = ParseUnsigned(token, stat.start_ticks); break;
      default: break;
    }
    if (field >= 22) break;
    pos = end;
  }
  if (!have_state || !have_utime || !have_stime || !have_start) return std::nullopt;
  return stat;
}

std::optional<ProcStat> ReadProcStat(int pid) {
  if (pid <= 0) return std::nullopt;
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[1024];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return ParseProcStat(text);
}

}  // namespace loom::lab
